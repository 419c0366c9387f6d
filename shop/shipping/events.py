"""
Integration events the shipping service publishes: none today. Zones and
rates matter to orders only when a checkout is priced, and it asks
``shop.shipping.public.quote`` then. An event added here is a frozen
dataclass deriving from ``shop.core.events.Event``, named
"shipping.<EventName>", listed in ``__all__`` and declared in
``config/events.toml``.
"""

__all__ = []
