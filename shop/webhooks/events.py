"""Integration events the webhooks service publishes: none. It tells integrators, not the shop."""

__all__: list[str] = []
