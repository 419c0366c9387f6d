"""
The payments service's interface for other apps: functions that take and return
plain data (ids, str, int, Decimal, datetimes, frozen dataclasses) and the
exceptions they raise. Everything else in shop.payments is private.
"""
