"""
The reports service's interface for other apps: nothing. Reports sits above
every service it reads (orders, payments, catalog) and nothing calls it;
staff reach it in the admin (``admin.py``).
"""

__all__: list[str] = []
