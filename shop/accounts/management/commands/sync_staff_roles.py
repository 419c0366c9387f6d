from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, transaction

from shop.accounts.roles import sync_roles


class Command(BaseCommand):
    help = (
        "Make the staff groups (Catalog managers, Order managers, Support) hold exactly the "
        "permissions listed in shop/accounts/roles.py, recreating a deleted group, and print "
        "what changed. migrate does the same for existing groups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, verbosity, **options):
        with transaction.atomic(using=database):
            changes = sync_roles(Group, Permission, using=database, create_missing=True)
        for change in changes:
            if change.created:
                self.stdout.write(f"{change.group}: group created")
            for name in change.added:
                self.stdout.write(self.style.SUCCESS(f"{change.group}: + {name}"))
            for name in change.removed:
                self.stdout.write(self.style.WARNING(f"{change.group}: - {name}"))
            if change.missing and verbosity >= 2:
                self.stdout.write(
                    f"{change.group}: not created yet, skipped: {', '.join(change.missing)}"
                )
        if not any(change.changed for change in changes):
            self.stdout.write("Staff roles already up to date.")
