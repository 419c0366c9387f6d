"""
``<key:name>`` in a URL pattern: like ``<str:name>``, one path segment, but
never one holding a NUL byte. No SKU or order number has one, and PostgreSQL
refuses it in a query, so such a URL is a 404 rather than a server error.
"""

from django.urls.converters import StringConverter


class KeyConverter(StringConverter):
    regex = r"[^/\x00]+"
