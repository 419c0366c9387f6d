"""
The webhooks service's interface for other apps: nothing. Webhooks sits
above the services whose events it forwards (orders, catalog) and nothing
calls it; staff reach it in the admin and the staff API, integrators through
the deliveries it sends.
"""

__all__: list[str] = []
