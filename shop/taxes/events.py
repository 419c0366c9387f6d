"""
Integration events the taxes service publishes: none yet. A rate staff change
applies to checkouts started from then on; what a checkout froze stays.
"""

__all__: list[str] = []
