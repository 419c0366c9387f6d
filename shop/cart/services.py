"""
Write logic of the cart. Every change locks the cart row first, so two
requests changing the same cart (two tabs, a double click) apply one after
the other instead of losing an update.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from shop.catalog import public as catalog
from shop.core.db import insert_new, update_returning

from .counts import cart_changed
from .db import db
from .errors import (
    CartFull,
    CartLineNotFound,
    InvalidQuantity,
    NotEnoughStock,
    SkuUnavailable,
    UnknownSku,
)
from .models import Cart, CartLine, Clearance, MergedCart


@dataclass(frozen=True)
class Owner:
    """Whose cart: a user, or the holder of an anonymous token (the stored random part)."""

    user_id: int | None = None
    token_key: str | None = None

    def __post_init__(self):
        if (self.user_id is None) == (self.token_key is None):
            raise ValueError("A cart owner is a user or a token, not both or neither.")

    def lookup(self) -> dict:
        return {"user_id": self.user_id} if self.user_id is not None else {"token": self.token_key}


@dataclass(frozen=True)
class CappedLine:
    """A line the login merge could not carry over in full."""

    sku: str
    wanted: int
    kept: int


def max_line_quantity() -> int:
    return settings.CART_MAX_LINE_QUANTITY


def parse_quantity(value, *, allow_zero: bool) -> int:
    """
    A quantity from a form or JSON: a whole number from 1 (or 0, which removes
    a line) to ``CART_MAX_LINE_QUANTITY``. Booleans, fractions, text and
    absurd numbers raise ``InvalidQuantity``.
    """
    lowest = 0 if allow_zero else 1
    highest = max_line_quantity()
    detail = f"The quantity must be a whole number from {lowest} to {highest}."
    if isinstance(value, bool):
        raise InvalidQuantity(detail, min_quantity=lowest, max_quantity=highest)
    if isinstance(value, str):
        value = value.strip()
        if not value.isascii() or not value.isdigit() or len(value) > 9:
            raise InvalidQuantity(detail, min_quantity=lowest, max_quantity=highest)
        value = int(value)
    if not isinstance(value, int) or not lowest <= value <= highest:
        raise InvalidQuantity(detail, min_quantity=lowest, max_quantity=highest)
    return value


def _check_sku(sku) -> None:
    # No SKU holds a NUL byte, and PostgreSQL refuses one in a query.
    if not isinstance(sku, str) or not sku.strip() or len(sku) > 64 or "\x00" in sku:
        shown = sku if isinstance(sku, str) else None
        raise UnknownSku("Give the SKU of a product variant.", sku=shown)


def _sellable(variant: catalog.VariantInfo | None, sku: str) -> catalog.VariantInfo:
    if variant is None:
        raise UnknownSku(f"No product has the SKU {sku!r}.", sku=sku)
    if not variant.is_active:
        raise SkuUnavailable(f"{variant.name} is not for sale at the moment.", sku=sku)
    return variant


def _sellable_variant(sku) -> catalog.VariantInfo:
    _check_sku(sku)
    return _sellable(catalog.get_variants([sku]).get(sku), sku)


def _check_stock(variant: catalog.VariantInfo, wanted: int, in_cart: int) -> None:
    if wanted > max_line_quantity():
        raise InvalidQuantity(
            f"A cart holds at most {max_line_quantity()} of one product.",
            max_quantity=max_line_quantity(),
            in_cart=in_cart,
        )
    if wanted > variant.available:
        if variant.available:
            detail = f"Only {variant.available} of {variant.name} can be bought right now."
        else:
            detail = f"{variant.name} is out of stock."
        raise NotEnoughStock(detail, sku=variant.sku, available=variant.available, in_cart=in_cart)


def _locked_cart(owner: Owner, *, create: bool) -> Cart | None:
    carts = Cart.objects.select_for_update()
    cart = carts.filter(**owner.lookup()).first()
    if cart is None and create:
        cart, _ = Cart.objects.get_or_create(**owner.lookup())
        cart = carts.get(pk=cart.pk)
    return cart


def _owner(cart: Cart) -> Owner:
    return Owner(user_id=cart.user_id) if cart.user_id is not None else Owner(token_key=cart.token)


def _touch(cart: Cart) -> None:
    """After any change to the cart's lines: its time, and its count in the header."""
    cart.updated_at = timezone.now()
    cart.save(update_fields=["updated_at"])
    cart_changed(_owner(cart))


class Added(NamedTuple):
    line: CartLine
    created: bool
    variant: catalog.VariantInfo
    quantity: int
    # Every line of the cart after the add, and their variants as read for it.
    lines: tuple[CartLine, ...] = ()
    variants: dict | None = None
    voucher_code: str = ""


def add_item(owner: Owner, sku, quantity) -> Added:
    """
    Put ``quantity`` more of ``sku`` in the cart; returns the line, whether it
    is new, the variant as the customer saw it, and the whole cart as it is
    now. The cart never holds more than can be bought now: asking for more
    raises ``NotEnoughStock`` (409) and changes nothing.
    """
    quantity = parse_quantity(quantity, allow_zero=False)
    _check_sku(sku)
    try:
        return _add(owner, sku, quantity)
    except IntegrityError:
        # The owner's first add raced another one that created the cart
        # first: this one is added to that cart.
        return _add(owner, sku, quantity)


def _add(owner: Owner, sku: str, quantity: int) -> Added:
    """
    Touching the cart row is what locks it (two tabs add one after the
    other); its lines and every variant they and ``sku`` name are then read
    in one query each, which the answer shows without reading them again.
    """
    with db.atomic():
        now = timezone.now()
        exists = Cart.objects.filter(**owner.lookup()).update(updated_at=now)
        cart_id, voucher_code, lines = _cart_with_lines(owner) if exists else (None, "", [])
        variants = catalog.get_variants({sku, *(line.sku for line in lines)})
        variant = _sellable(variants.get(sku), sku)
        line = next((line for line in lines if line.sku == variant.sku), None)
        in_cart = line.quantity if line else 0
        _check_stock(variant, in_cart + quantity, in_cart)
        if line is None:
            if len(lines) >= settings.CART_MAX_LINES:
                raise CartFull(
                    f"A cart holds at most {settings.CART_MAX_LINES} different products.",
                    max_lines=settings.CART_MAX_LINES,
                )
            if cart_id is None:
                cart_id = Cart.objects.create(**owner.lookup(), created_at=now, updated_at=now).pk
            line = CartLine.objects.create(
                cart_id=cart_id, sku=variant.sku, quantity=quantity, price_seen=variant.price
            )
            lines.append(line)
        else:
            line.quantity = in_cart + quantity
            line.price_seen = variant.price
            line.save(update_fields=["quantity", "price_seen"])
        cart_changed(owner)
    return Added(line, in_cart == 0, variant, quantity, tuple(lines), variants, voucher_code)


def _cart_with_lines(owner: Owner) -> tuple[object, str, list[CartLine]]:
    """The cart's id, voucher code and lines (in the order added), in one query."""
    rows = (
        Cart.objects.filter(**owner.lookup())
        .order_by("lines__added_at", "lines__pk")
        .values_list(
            "pk",
            "voucher_code",
            "lines__pk",
            "lines__sku",
            "lines__quantity",
            "lines__price_seen",
            "lines__added_at",
        )
    )
    cart_id, voucher_code, lines = None, "", []
    for row in rows:
        cart_id, voucher_code, pk, sku, quantity, price_seen, added_at = row
        if pk is not None:
            lines.append(
                CartLine.from_db(
                    db.alias,
                    ["id", "cart_id", "sku", "quantity", "price_seen", "added_at"],
                    [pk, cart_id, sku, quantity, price_seen, added_at],
                )
            )
    return cart_id, voucher_code, lines


def set_line_quantity(owner: Owner, line_id, quantity) -> CartLine | None:
    """
    Set a line to ``quantity``; 0 removes it (returns None). Lowering a
    quantity always works, even below what is in stock; raising it is checked
    like an add.
    """
    quantity = parse_quantity(quantity, allow_zero=True)
    with db.atomic():
        cart = _locked_cart(owner, create=False)
        line = _owned_line(cart, line_id)
        if quantity == 0:
            line.delete()
            _touch(cart)
            return None
        if quantity > line.quantity:
            _check_stock(_sellable_variant(line.sku), quantity, line.quantity)
        line.quantity = quantity
        variant = catalog.get_variants([line.sku]).get(line.sku)
        if variant is not None:
            line.price_seen = variant.price
        line.save(update_fields=["quantity", "price_seen"])
        _touch(cart)
    return line


def remove_line(owner: Owner, line_id) -> None:
    with db.atomic():
        cart = _locked_cart(owner, create=False)
        _owned_line(cart, line_id).delete()
        _touch(cart)


def _owned_line(cart: Cart | None, line_id) -> CartLine:
    try:
        line_id = int(line_id)
    except (TypeError, ValueError):
        raise CartLineNotFound() from None
    line = cart.lines.filter(pk=line_id).first() if cart is not None else None
    if line is None:
        raise CartLineNotFound()
    return line


def merge_anonymous_cart(token_key: str, user_id: int) -> tuple[CappedLine, ...]:
    """
    Move the anonymous cart ``token_key`` into the user's cart and delete it,
    remembering where it went (``MergedCart``) for a guest checkout started
    from it.
    Quantities of the same SKU add up, capped by what is available now and by
    the per-line limit; what the user's cart already held is never reduced.
    A voucher code entered before signing in comes along unless the user's
    cart holds one already. Returns the lines that could not be carried over
    in full.
    """
    with db.atomic():
        anonymous = Cart.objects.select_for_update().filter(token=token_key).first()
        if anonymous is None:
            return ()
        MergedCart.objects.update_or_create(
            token=token_key, defaults={"user_id": user_id, "merged_at": timezone.now()}
        )
        incoming = list(anonymous.lines.all())
        cart_changed(Owner(token_key=token_key))
        if not incoming:
            anonymous.delete()
            return ()
        cart = _locked_cart(Owner(user_id=user_id), create=True)
        existing = {line.sku: line for line in cart.lines.all()}
        variants = catalog.get_variants(line.sku for line in incoming)
        capped = []
        room = settings.CART_MAX_LINES - len(existing)
        for line in incoming:
            variant = variants.get(line.sku)
            available = variant.available if variant and variant.is_active else 0
            mine = existing.get(line.sku)
            held = mine.quantity if mine else 0
            wanted = held + line.quantity
            kept = max(held, min(wanted, available, max_line_quantity()))
            if mine is None and kept and room <= 0:
                kept = 0
            if kept < wanted:
                capped.append(CappedLine(sku=line.sku, wanted=wanted, kept=kept))
            if kept == held:
                continue
            if mine is None:
                CartLine.objects.create(
                    cart=cart, sku=line.sku, quantity=kept, price_seen=line.price_seen
                )
                room -= 1
            else:
                mine.quantity = kept
                mine.save(update_fields=["quantity"])
        if anonymous.voucher_code and not cart.voucher_code:
            cart.voucher_code = anonymous.voucher_code
            cart.save(update_fields=["voucher_code"])
        anonymous.delete()
        _touch(cart)
    return tuple(capped)


def clear_cart(owner: Owner, *, key: str, lines: Iterable[tuple[str, int]] | None = None) -> bool:
    """
    Empty the cart after an order (``lines=None``), or take out only what was
    bought: each ``(sku, quantity)`` is subtracted, so anything the customer
    added since checkout stays. ``key`` names the clearance; the same key again
    does nothing and returns False. An anonymous cart merged at sign-in has
    what was bought taken out of the account's cart it went into.

    Three statements when everything bought goes: the cart touched (its lock)
    with its id back, the clearance's key claimed, the lines deleted. No
    savepoint: nothing raised in here is caught, so inside an order
    consumer's transaction it fails the whole task.
    """
    with db.atomic(savepoint=False):
        now = timezone.now()
        cart_id = _touched_cart_id(owner, now)
        if cart_id is None and owner.token_key is not None and lines is not None:
            # Merged at sign-in: what was bought came out of the anonymous cart
            # into the account's, so it is taken out of that one.
            merged = MergedCart.objects.filter(token=owner.token_key).first()
            if merged is not None:
                cart_id = _touched_cart_id(Owner(user_id=merged.user_id), now)
        claimed = insert_new(Clearance(key=key, cart_id=cart_id, cleared_at=now), using=db.alias)
        if not claimed or cart_id is None:
            return claimed
        if lines is None:
            CartLine.objects.filter(cart_id=cart_id).delete()
        else:
            _take_out(cart_id, lines)
    return True


def _touched_cart_id(owner: Owner, now) -> object | None:
    """Touch the owner's cart, which locks its row, and give its id (``None`` without one)."""
    touched = update_returning(Cart.objects.filter(**owner.lookup()), ("id",), updated_at=now)
    return touched[0][0] if touched else None


def _take_out(cart_id, lines: Iterable[tuple[str, int]]) -> None:
    """
    Subtract what was bought from the cart's lines: those bought in full are
    deleted in one statement, and only if fewer went than were bought (a line
    the customer raised since) are the rest lowered in a second.
    """
    bought: dict[str, int] = {}
    for sku, quantity in lines:
        bought[sku] = bought.get(sku, 0) + quantity
    if not bought:
        return
    in_cart = CartLine.objects.filter(cart_id=cart_id)
    gone = Q()
    for sku, quantity in bought.items():
        gone |= Q(sku=sku, quantity__lte=quantity)
    deleted, _ = in_cart.filter(gone).delete()
    if deleted < len(bought):
        in_cart.filter(sku__in=bought).update(
            quantity=F("quantity")
            - Case(*(When(sku=sku, then=Value(quantity)) for sku, quantity in bought.items()))
        )


def delete_abandoned_carts(*, older_than: timedelta | None = None, batch_size: int = 1000) -> int:
    """
    Delete anonymous carts untouched for ``older_than`` (default from
    settings), and the records of merges that old.
    """
    if older_than is None:
        older_than = timedelta(days=settings.CART_ANONYMOUS_MAX_AGE_DAYS)
    cutoff = timezone.now() - older_than
    deleted = 0
    while True:
        ids = list(
            Cart.objects.filter(user_id__isnull=True, updated_at__lt=cutoff).values_list(
                "pk", flat=True
            )[:batch_size]
        )
        if not ids:
            MergedCart.objects.filter(merged_at__lt=cutoff).delete()
            return deleted
        with db.atomic():
            Cart.objects.filter(pk__in=ids).delete()
        deleted += len(ids)


def delete_user_cart(user_id: int) -> None:
    Cart.objects.filter(user_id=user_id).delete()
    cart_changed(Owner(user_id=user_id))
    MergedCart.objects.filter(user_id=user_id).delete()
