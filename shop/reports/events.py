"""Integration events the reports service publishes: none. It reads; it changes nothing."""

__all__: list[str] = []
