"""
Reconciling: compare payments with what their gateway knows, for the day a
webhook was lost (an outage, a misconfigured endpoint). A fix goes through
``services.status.apply_update``, the webhook's own path, so it publishes each
event once and never moves a payment backwards; refunds left in progress
(the gateway did not answer) are sent again with their original key.

The report also names the gateway events received in the period that could
not be processed and were given up: what they said is not applied, so their
payments are for staff to check (``--fix`` takes the gateway's own view).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from shop.core.money import format_money, from_minor_units

from . import selectors
from .errors import GatewayUnavailable
from .gateways import PaymentUpdate, gateway_for
from .gateways.base import GatewayRefused
from .models import GatewayEvent, Payment, Refund
from .services import refunds, status


@dataclass
class Finding:
    """One payment that disagrees with its gateway (or could not be checked)."""

    payment: Payment
    problems: list[str] = field(default_factory=list)
    fixed: bool = False
    error: str = ""

    @property
    def label(self) -> str:
        return f"{self.payment.reference} ({self.payment.provider}, {self.payment.pk})"


@dataclass
class Report:
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    # Flagged payments stay flagged until staff settle them at the gateway.
    flagged: list[Payment] = field(default_factory=list)
    # Notifications given up: what they said was never applied.
    failed_events: list[GatewayEvent] = field(default_factory=list)

    @property
    def disagreeing(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.problems]


def disagreements(payment: Payment, update: PaymentUpdate | None) -> list[str]:
    """What the gateway's view says that our record does not."""
    problems = []
    pending_refunds = payment.refunds.filter(status=Refund.Status.PENDING)
    for refund in pending_refunds:
        amount = format_money(refund.amount, payment.currency)
        problems.append(f"refund {amount} ({refund.key}) still pending")
    if update is None:
        return problems
    here, there = payment.status, update.status
    if there in ("succeeded", "failed", "canceled") and here == Payment.Status.PENDING:
        if not (there == "succeeded" and payment.flagged):
            problems.append(f"{here} here, {there} at the gateway")
    elif there == "succeeded" and here in (Payment.Status.FAILED, Payment.Status.CANCELED):
        if not payment.flagged:
            problems.append(f"{here} here, paid at the gateway")
    elif there in ("pending", "failed", "canceled") and here in (
        Payment.Status.SUCCEEDED,
        Payment.Status.PARTIALLY_REFUNDED,
        Payment.Status.REFUNDED,
    ):
        problems.append(f"{here} here, {there} at the gateway (not changed: check it by hand)")
    if update.refunded_total is not None:
        refunded = from_minor_units(update.refunded_total, payment.currency)
        if refunded > payment.refunded_amount and not pending_refunds:
            problems.append(
                f"{format_money(payment.refunded_amount, payment.currency)} refunded here, "
                f"{format_money(refunded, payment.currency)} at the gateway"
            )
    return problems


def reconcile(
    since: datetime, *, fix: bool = False, progress: Callable[[Iterable], Iterable] = iter
) -> Report:
    report = Report()
    payments = list(selectors.reconcile_candidates(since))
    report.flagged = [payment for payment in payments if payment.flagged]
    report.failed_events = list(selectors.failed_gateway_events(since))
    for payment in progress(payments):
        report.checked += 1
        finding = Finding(payment)
        try:
            update = gateway_for(payment.provider).fetch(payment)
        except (GatewayUnavailable, GatewayRefused) as exc:
            finding.error = f"the gateway could not be asked: {exc}"
            report.findings.append(finding)
            continue
        finding.problems = disagreements(payment, update)
        if finding.problems and fix:
            _fix(finding, update)
        if finding.problems or finding.error:
            report.findings.append(finding)
    return report


def _fix(finding: Finding, update: PaymentUpdate | None) -> None:
    payment = finding.payment
    try:
        for refund in payment.refunds.filter(status=Refund.Status.PENDING):
            refunds.send_refund(refund.pk, source="reconcile")
        if update is not None:
            status.apply_update(payment.pk, update, source="reconcile")
    except (GatewayUnavailable, GatewayRefused) as exc:
        finding.error = f"not fixed, the gateway could not be asked: {exc}"
        return
    payment.refresh_from_db()
    finding.fixed = not payment.flagged and not disagreements(payment, update)
