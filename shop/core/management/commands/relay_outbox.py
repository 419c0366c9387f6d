from django.core.management.base import BaseCommand

from shop.core.messaging import relay_pending


class Command(BaseCommand):
    help = (
        "Send committed events that were never handed to the broker "
        "(what the periodic core.relay_outbox task does)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=0.0,
            help="Only rows committed at least this many seconds ago (default: all).",
        )

    def handle(self, *args, older_than, **options):
        sent, failed = relay_pending(older_than=older_than)
        self.stdout.write(f"Relayed {sent} event(s); {failed} could not be sent.")
        if failed:
            self.stderr.write(self.style.WARNING("Some events were not sent: is the broker up?"))
