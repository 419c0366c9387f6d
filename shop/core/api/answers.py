"""
The values of an API answer written out by hand, as DRF's fields would write
them (decision 0041). A serializer's ``.data`` deep-copies its declared fields
on every instance and walks them one by one; the answers every purchase asks
for several times build their dict directly, with these for the values whose
text DRF shapes (decimals, datetimes). They follow DRF's defaults as this
project sets them (``COERCE_DECIMAL_TO_STRING``, ISO 8601, ``USE_TZ``); the
tests that compare each written-out answer with its declared serializer's
catch any difference.
"""

from collections.abc import Callable
from datetime import datetime
from decimal import Context, Decimal

from django.utils import timezone


def decimal_text(max_digits: int, decimal_places: int) -> Callable[[Decimal], str]:
    """
    What ``serializers.DecimalField(max_digits=…, decimal_places=…)`` makes of a
    value (``"12.50"``), as a function made once: the field copies the decimal
    context and builds its exponent on every call.
    """
    exponent = Decimal(".1") ** decimal_places
    context = Context(prec=max_digits)

    def text(value) -> str:
        if not isinstance(value, Decimal):
            value = Decimal(str(value).strip())
        return format(value.quantize(exponent, context=context), "f")

    return text


def datetime_text(value: datetime) -> str:
    """What ``serializers.DateTimeField()`` makes of a datetime: ISO 8601, UTC as ``Z``."""
    zone = timezone.get_current_timezone()
    value = value.astimezone(zone) if timezone.is_aware(value) else timezone.make_aware(value, zone)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
