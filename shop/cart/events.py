"""
Integration events the cart service publishes: none today. A cart's
changes matter to nobody else until checkout, which reads the cart through
``shop.cart.public``. An event added here is a frozen dataclass deriving from
``shop.core.events.Event``, named "cart.<EventName>", listed in ``__all__``
and declared in ``config/events.toml``.
"""

__all__ = []
