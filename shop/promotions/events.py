"""
Integration events the promotions service publishes: none yet. Callers learn
what a voucher took off from the call that prices or reserves it.
"""

__all__: list[str] = []
