from datetime import timedelta
from decimal import Decimal

from shop.promotions.data import Basket, BasketLine
from shop.promotions.models import Voucher

D = Decimal


def voucher(code="SAVE10", kind="percent", value="10", **fields) -> Voucher:
    return Voucher.objects.create(code=code, kind=kind, value=D(value), **fields)


def line(sku="SKU-1", price="10.00", quantity=1, product_id=1, category_ids=(1,)) -> BasketLine:
    return BasketLine(
        sku=sku,
        product_id=product_id,
        category_ids=tuple(category_ids),
        unit_price=D(price),
        quantity=quantity,
    )


def basket(*lines, shipping="4.90") -> Basket:
    return Basket(lines=tuple(lines) or (line(),), shipping=D(shipping))


TTL = timedelta(minutes=15)


def sale(name="Winter sale", kind="percent", value="20", **fields):
    """A running sale (started an hour ago, open-ended unless ``ends_at``) on ``fields``' ids."""
    from django.utils import timezone

    from shop.promotions.models import Sale

    fields.setdefault("starts_at", timezone.now() - timedelta(hours=1))
    return Sale.objects.create(name=name, kind=kind, value=D(value), **fields)


def gift_card(amount="100.00", key=None, **fields):
    """A card issued by staff, worth ``amount``; its full code is ``.code``."""
    import uuid

    from shop.promotions.issuing import issue

    return issue(key or f"test:{uuid.uuid4().hex}", D(amount), **fields)
