import re
import sys
from datetime import datetime, time, timedelta
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from shop.payments import reconcile

UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_since(value: str) -> datetime:
    """``24h``, ``30m``, ``7d`` ago, or a date (``2026-11-01``, from its midnight) or a datetime."""
    relative = re.fullmatch(r"(\d+)([mhd])", value.strip())
    if relative:
        return timezone.now() - timedelta(**{UNITS[relative[2]]: int(relative[1])})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"--since {value!r}: give a date (2026-11-01), a date and time, or an age "
            "such as 30m, 24h or 7d."
        ) from None
    if len(value.strip()) == 10:
        moment = datetime.combine(moment.date(), time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "Compare recent payments (pending, paid, or with a refund in progress) with their "
        "gateway and report any that disagree; with --fix, apply the gateway's view the "
        "way a webhook would (each event published once, nothing moved backwards). For the "
        "day a webhook was lost."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            default="7d",
            help="Payments created since: a date (2026-11-01) or an age (24h, 7d). Default 7d.",
        )
        parser.add_argument("--fix", action="store_true", help="Repair what disagrees.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, since: str, fix: bool, no_progress: bool, verbosity, **options):
        start = parse_since(since)
        progress = partial(
            tqdm,
            unit="payment",
            desc="Reconciling payments",
            file=sys.stderr,
            disable=no_progress or verbosity == 0 or not sys.stderr.isatty(),
        )
        report = reconcile.reconcile(start, fix=fix, progress=progress)
        for finding in report.findings:
            if finding.problems:
                state = ""
                if finding.fixed:
                    state = " -> fixed"
                elif finding.payment.flagged:
                    state = f" -> flagged for staff: {finding.payment.flag_reason}"
                elif fix:
                    state = " -> NOT fixed"
                line = f"{finding.label}: {'; '.join(finding.problems)}{state}"
                style = self.style.SUCCESS if finding.fixed else self.style.WARNING
                self.stdout.write(style(line))
            if finding.error:
                self.stderr.write(self.style.ERROR(f"{finding.label}: {finding.error}"))
        for event in report.failed_events:
            about = f", payment {event.payment_id}" if event.payment_id else ""
            self.stdout.write(
                self.style.WARNING(
                    f"Gateway event {event.provider} {event.type} {event.event_id} (received "
                    f"{event.received_at:%Y-%m-%d %H:%M %Z}{about}) was given up after "
                    f"{event.attempts} attempt(s): {event.last_error}"
                )
            )
        disagreeing = len(report.disagreeing)
        fixed = sum(finding.fixed for finding in report.findings)
        summary = f"Checked {report.checked} payments since {start:%Y-%m-%d %H:%M %Z}: "
        summary += f"{disagreeing} disagree with their gateway"
        if fix:
            summary += f", {fixed} fixed"
        if report.flagged:
            summary += (
                f"; {len(report.flagged)} flagged for staff (the admin's payment list, "
                "filter Flagged)"
            )
        if report.failed_events:
            summary += (
                f"; {len(report.failed_events)} gateway event(s) could not be processed (the "
                "admin's gateway notifications, filter Failed)"
            )
        if verbosity:
            self.stdout.write(summary + ".")
