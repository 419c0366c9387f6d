#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from shop.core import tracing

    # Traces, when OTEL_EXPORTER_OTLP_ENDPOINT is set: what a command publishes
    # or relays (relay_outbox, reconcile_payments --fix) joins the events' traces.
    tracing.setup("web" if sys.argv[1:2] == ["runserver"] else "manage")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
