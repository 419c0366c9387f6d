import uuid

from django.core.management.base import BaseCommand, CommandError

from shop.core.messaging import outbox_models, parked_counts, relay_pending, resend_parked


def event_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise CommandError(f"--id {value!r} is not an event id (a UUID).") from None


class Command(BaseCommand):
    help = (
        "Send committed events that were never handed to the broker "
        "(what the periodic core.relay_outbox task does); with --parked, send again "
        "the events the relay gave up on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=0.0,
            help="Only rows committed at least this many seconds ago (default: all).",
        )
        parser.add_argument(
            "--parked",
            action="store_true",
            help="Send the parked events again, their failures forgotten (see the admin's "
            "outbox, filter Parked, for why they were parked).",
        )
        parser.add_argument(
            "--id",
            dest="ids",
            action="append",
            type=event_id,
            help="With --parked: only this event (repeat for several).",
        )

    def handle(self, *args, older_than, parked, ids, **options):
        if ids and not parked:
            raise CommandError("--id goes with --parked.")
        if parked:
            sent = failed = 0
            for model in outbox_models():
                model_sent, model_failed = resend_parked(model, ids)
                sent, failed = sent + model_sent, failed + model_failed
            self.stdout.write(f"Sent {sent} parked event(s) again; {failed} failed again.")
            if failed:
                self.stderr.write(
                    self.style.WARNING(
                        "Events that failed again wait for the relay (their last error is in "
                        "the admin's outbox) and are parked again if they keep failing."
                    )
                )
            return
        sent, failed = relay_pending(older_than=older_than)
        self.stdout.write(f"Relayed {sent} event(s); {failed} could not be sent.")
        if failed:
            self.stderr.write(self.style.WARNING("Some events were not sent: is the broker up?"))
        still_parked = sum(parked_counts().values())
        if still_parked:
            self.stderr.write(
                self.style.WARNING(
                    f"{still_parked} event(s) are parked: their consumer kept failing. See the "
                    "admin's outbox (filter Parked); relay_outbox --parked sends them again."
                )
            )
