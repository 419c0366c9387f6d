"""
The orders service's interface for other apps. Orders is the top of the
dependency graph (it calls catalog, accounts, cart and payments; nothing calls
it), so it offers no functions yet: other apps hear about orders through
``shop.orders.events``. The exceptions are here for callers of its API
clients and for the day a function joins them.
"""

from .errors import InvalidRefund, InvalidTransition, OrderNotFound

__all__ = ["InvalidRefund", "InvalidTransition", "OrderNotFound"]
