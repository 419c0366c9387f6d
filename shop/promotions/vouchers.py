"""
Vouchers: pricing a code against a basket, and holding, spending and giving
back its uses.

Locks: the voucher's row first, then the use; every writer takes them in
that order, so two checkouts counting a single-use code's uses never both
see it free. The count runs as a statement after the lock is granted, so on
PostgreSQL it sees every use committed before.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from .data import Basket, LineDiscount, VoucherDiscount, VoucherUseInfo
from .db import db
from .errors import (
    VoucherAlreadyUsed,
    VoucherExpired,
    VoucherUnknown,
    VoucherUseCommitted,
    VoucherUsedUp,
    VoucherUseNotFound,
)
from .models import Voucher, VoucherUse, normalise_code
from .pricing import Terms, price


def customer_key(user_id: int | None, email: str | None) -> str:
    """``user:<id>`` for a signed-in customer, else ``email:<address lower-cased>``."""
    if user_id is not None:
        return f"user:{int(user_id)}"
    return f"email:{(email or '').strip().lower()}"


def terms(voucher: Voucher) -> Terms:
    return Terms(
        code=voucher.code,
        kind=voucher.kind,
        value=voucher.value,
        product_ids=frozenset(int(pk) for pk in voucher.product_ids or ()),
        category_ids=frozenset(int(pk) for pk in voucher.category_ids or ()),
        minimum_subtotal=voucher.minimum_subtotal,
    )


def _voucher(code, *, lock: bool) -> Voucher:
    code = normalise_code(code) if isinstance(code, str) else ""
    if not code:
        raise VoucherUnknown()
    queryset = Voucher.objects.select_for_update() if lock else Voucher.objects
    voucher = queryset.filter(code=code).first()
    if voucher is None:
        raise VoucherUnknown(f"There is no voucher with the code {code}.", voucher_code=code)
    return voucher


def _check_valid(voucher: Voucher, now: datetime) -> None:
    if (
        not voucher.active
        or (voucher.valid_from is not None and now < voucher.valid_from)
        or (voucher.valid_until is not None and now >= voucher.valid_until)
    ):
        raise VoucherExpired(voucher_code=voucher.code)


def _counting(now: datetime) -> Q:
    return Q(status=VoucherUse.Status.COMMITTED) | Q(
        status=VoucherUse.Status.HELD, expires_at__gt=now
    )


def _check_uses(voucher: Voucher, customer: str | None, now: datetime, *, but: str = "") -> None:
    """Refuse a voucher whose uses are taken (all, or this customer's), not counting ``but``."""
    if voucher.max_uses is None and (voucher.max_uses_per_customer is None or not customer):
        return
    uses = voucher.uses.filter(_counting(now)).exclude(key=but)
    if voucher.max_uses is not None and uses.count() >= voucher.max_uses:
        raise VoucherUsedUp(voucher_code=voucher.code)
    per_customer = voucher.max_uses_per_customer
    if (
        per_customer is not None
        and customer
        and uses.filter(customer=customer).count() >= per_customer
    ):
        raise VoucherAlreadyUsed(voucher_code=voucher.code)


def price_basket(code, basket: Basket, customer: str | None, *, now=None) -> VoucherDiscount:
    now = now or timezone.now()
    voucher = _voucher(code, lock=False)
    _check_valid(voucher, now)
    discount = price(terms(voucher), basket)
    _check_uses(voucher, customer, now)
    return discount


def _info(use: VoucherUse, code: str) -> VoucherUseInfo:
    return VoucherUseInfo(
        key=use.key,
        code=code,
        customer=use.customer,
        status=use.status,
        expires_at=use.expires_at,
        discount=VoucherDiscount(
            code=code,
            kind=use.voucher.kind,
            value=use.voucher.value,
            lines=tuple(LineDiscount(sku, Decimal(amount)) for sku, amount in use.lines),
            shipping=use.shipping_discount,
            total=use.discount,
            applies_to=tuple(use.applies_to),
        ),
    )


def _lock_use(key: str) -> VoucherUse | None:
    return VoucherUse.objects.select_for_update().select_related("voucher").filter(key=key).first()


def reserve_voucher(
    key: str, code, customer: str, basket: Basket, ttl: timedelta, *, now=None
) -> VoucherUseInfo:
    """See ``public.reserve_voucher``."""
    now = now or timezone.now()
    with db.atomic():
        voucher = _voucher(code, lock=True)
        use = _lock_use(key)
        if use is not None and use.status == VoucherUse.Status.COMMITTED:
            if use.voucher_id == voucher.pk:
                return _info(use, voucher.code)
            raise VoucherUseCommitted(
                f"The voucher use {key!r} was spent on another code.", key=key
            )
        _check_valid(voucher, now)
        discount = price(terms(voucher), basket)
        _check_uses(voucher, customer, now, but=key)
        values = {
            "voucher": voucher,
            "customer": customer,
            "status": VoucherUse.Status.HELD,
            "discount": discount.total,
            "shipping_discount": discount.shipping,
            "lines": [[line.sku, str(line.amount)] for line in discount.lines],
            "applies_to": list(discount.applies_to),
            "expires_at": now + ttl,
            "closed_at": None,
        }
        if use is None:
            try:
                with db.atomic():
                    use = VoucherUse.objects.create(key=key, **values)
            except IntegrityError:  # the same key, reserved concurrently under another voucher
                raise VoucherUseCommitted(
                    f"The voucher use {key!r} is being held for another code.", key=key
                ) from None
        else:
            for field, value in values.items():
                setattr(use, field, value)
            use.save()
        return _info(use, voucher.code)


def commit_voucher_use(key: str, *, now=None) -> VoucherUseInfo:
    """See ``public.commit_voucher_use``."""
    now = now or timezone.now()
    with db.atomic():
        use = VoucherUse.objects.filter(key=key).select_related("voucher").first()
        if use is None:
            raise VoucherUseNotFound(f"No voucher use has the key {key!r}.", key=key)
        voucher = Voucher.objects.select_for_update().get(pk=use.voucher_id)
        use = _lock_use(key)
        if use.status == VoucherUse.Status.COMMITTED:
            return _info(use, voucher.code)
        if use.status != VoucherUse.Status.HELD or use.expires_at <= now:
            _check_uses(voucher, use.customer, now, but=key)
        use.status = VoucherUse.Status.COMMITTED
        use.closed_at = now
        use.save(update_fields=["status", "closed_at"])
        return _info(use, voucher.code)


def release_voucher_use(key: str, *, now=None) -> VoucherUseInfo | None:
    """See ``public.release_voucher_use``."""
    with db.atomic():
        use = _lock_use(key)
        if use is None:
            return None
        if use.status == VoucherUse.Status.COMMITTED:
            raise VoucherUseCommitted(f"The voucher use {key!r} was spent on an order.", key=key)
        if use.status == VoucherUse.Status.HELD:
            use.status = VoucherUse.Status.RELEASED
            use.closed_at = now or timezone.now()
            use.save(update_fields=["status", "closed_at"])
        return _info(use, use.voucher.code)


def release_expired_voucher_uses(now=None) -> int:
    """
    Close held uses past their expiry (they stopped counting at their expiry
    already; this tidies them for staff). Returns how many it closed.
    """
    now = now or timezone.now()
    with db.atomic():
        return VoucherUse.objects.filter(status=VoucherUse.Status.HELD, expires_at__lte=now).update(
            status=VoucherUse.Status.RELEASED, closed_at=now
        )
