"""Cancelling a pending payment: its gateway session is expired so it cannot be paid any more."""

import logging

from .. import selectors
from ..errors import GatewayUnavailable
from ..gateways import gateway_for
from ..gateways.base import GatewayRefused
from ..models import Payment
from . import status

logger = logging.getLogger(__name__)


def cancel_payment(reference: str) -> Payment:
    """
    Stop a pending payment: its gateway session is expired and the payment
    canceled. A payment the customer paid first comes back succeeded.
    """
    payment = selectors.payment_by_reference(reference)
    if not payment.is_pending:
        return payment
    try:
        update = gateway_for(payment.provider).cancel(payment)
    except GatewayRefused as refused:
        logger.error("The gateway refused to cancel payment %s: %s", payment.pk, refused)
        raise GatewayUnavailable() from refused
    return status.apply_update(payment.pk, update, source="cancel")
