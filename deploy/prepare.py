"""
Get a fresh machine ready to run the Procfile with the settings in the
environment: create the PostgreSQL database named by ``DATABASE_URL`` if it
is missing, apply migrations, collect static files. Safe to run again.

    honcho run python deploy/prepare.py        # what `make stack` does
"""

import os
import sys
from pathlib import Path

import environ
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def create_database_if_missing(url: str) -> None:
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        return
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(
        **{key: value for key, value in server.items() if value is not None}
    ) as db:
        exists = db.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"Created database {config['NAME']}")


def main() -> int:
    if "DATABASE_URL" in os.environ:
        create_database_if_missing(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("check", deploy=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
