"""
Integration events the invoices service publishes: none yet. Orders learns a
document's number from the call that issues it.
"""

__all__: list[str] = []
