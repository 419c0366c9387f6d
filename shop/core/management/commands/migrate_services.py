"""
``manage.py migrate_services``: every service's database, created if missing
(PostgreSQL) and migrated with its own apps' tables only. With
``SHOP_DATABASES=shared`` that is ``migrate`` on ``default``; with
``per-app`` it is ``migrate --database <alias>`` for ``default`` (accounts,
with Django's and allauth's tables), ``catalog``, ``cart``, ``payments`` and
``orders`` in turn (``shop.core.db.ServiceRouter`` says which tables go where).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from shop.core.db import service_aliases


def create_database_if_missing(alias: str) -> bool:
    """Create the PostgreSQL database of ``alias`` if the server has none by that name."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            return False
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    return True


class Command(BaseCommand):
    help = "Create (PostgreSQL) and migrate every service's database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-create", action="store_true", help="Do not create missing databases."
        )

    def handle(self, *args, no_create, verbosity, **options):
        for alias in service_aliases():
            if not no_create and create_database_if_missing(alias):
                self.stdout.write(f"Created the database of {alias}.")
            if verbosity:
                self.stdout.write(self.style.MIGRATE_HEADING(f"Database {alias}:"))
            call_command("migrate", database=alias, interactive=False, verbosity=verbosity)
