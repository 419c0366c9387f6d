"""
The orders service's interface for other apps: functions that take and return
plain data (ids, str, int, Decimal, datetimes, frozen dataclasses) and the
exceptions they raise. Everything else in shop.orders is private.
"""

from shop.core.errors import Conflict, NotFound, ShopError

__all__ = ["InvalidRefund", "InvalidTransition", "OrderNotFound"]


class OrderNotFound(NotFound):
    """Also the answer for another customer's order: its existence is not revealed."""

    code = "order_not_found"
    default_detail = "No such order."


class InvalidTransition(Conflict):
    """
    The order's status does not allow this change (cancelling a shipped
    order, delivering an unshipped one); ``extra`` names the current status.
    """

    code = "invalid_transition"
    default_detail = "The order cannot change to that status now."


class InvalidRefund(ShopError):
    """A refund amount that is not positive, or more than is left to refund."""

    code = "invalid_refund"
    default_detail = "The refund amount must be positive and at most what is left to refund."
