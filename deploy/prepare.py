"""
Get a fresh machine ready to run the Procfile with the settings in the
environment: create the PostgreSQL databases (one, or one per service with
``SHOP_DATABASES=per-app``) if they are missing, apply migrations, collect
static files. Safe to run again.

    honcho run python deploy/prepare.py        # what `make stack` does
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate_services")
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("check", deploy=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
