"""
Batches of single-use codes (``manage.py generate_vouchers``, the admin's
action): random codes from an alphabet without look-alikes (no 0/O, 1/I/L),
checked against the codes taken and inserted in one transaction.
"""

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from .db import db
from .models import Voucher, normalise_code

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CSV_COLUMNS = (
    "code",
    "kind",
    "value",
    "minimum_subtotal",
    "valid_from",
    "valid_until",
    "max_uses",
    "max_uses_per_customer",
    "active",
    "batch",
    "uses_committed",
)


def random_code(prefix: str = "", length: int = 10) -> str:
    return normalise_code(prefix) + "".join(secrets.choice(ALPHABET) for _ in range(length))


def generate(
    count: int,
    *,
    kind: str,
    value: Decimal,
    prefix: str = "",
    length: int = 10,
    batch: str = "",
    minimum_subtotal: Decimal = Decimal("0"),
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> list[Voucher]:
    """``count`` new single-use vouchers (one use each, one per customer) with unique codes."""
    if count < 1:
        raise ValueError("At least one voucher must be generated.")
    with db.atomic():
        codes: set[str] = set()
        while len(codes) < count:
            wanted = {random_code(prefix, length) for _ in range(count - len(codes))}
            taken = set(Voucher.objects.filter(code__in=wanted).values_list("code", flat=True))
            codes |= wanted - taken
        return Voucher.objects.bulk_create(
            Voucher(
                code=code,
                kind=kind,
                value=value,
                minimum_subtotal=minimum_subtotal,
                valid_from=valid_from,
                valid_until=valid_until,
                max_uses=1,
                max_uses_per_customer=1,
                batch=batch,
            )
            for code in sorted(codes)
        )


def csv_rows(vouchers: Iterable[Voucher]) -> Iterable[Sequence]:
    """One row per voucher (``CSV_COLUMNS``); write them through ``shop.core.exports``."""
    for voucher in vouchers:
        yield (
            voucher.code,
            voucher.kind,
            voucher.value,
            voucher.minimum_subtotal,
            voucher.valid_from.isoformat() if voucher.valid_from else "",
            voucher.valid_until.isoformat() if voucher.valid_until else "",
            "" if voucher.max_uses is None else voucher.max_uses,
            "" if voucher.max_uses_per_customer is None else voucher.max_uses_per_customer,
            int(voucher.active),
            voucher.batch,
            getattr(voucher, "uses_committed", 0),
        )
