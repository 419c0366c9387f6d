"""Read logic of checkouts. A customer reads only their own: another's is "not found"."""

import logging
import uuid

from django.db.models import Exists, OuterRef, QuerySet

from shop.core import prepared

from .. import guests
from ..db import db
from ..errors import CheckoutNotFound
from ..models import Checkout, CheckoutLine, ForgottenCustomer

logger = logging.getLogger(__name__)


def _checkout_id(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def checkout_for(user_id: int, checkout_id) -> Checkout:
    """The user's checkout with its lines and order; another user's raises ``CheckoutNotFound``."""
    return _checkout(_checkout_id(checkout_id), user_id=user_id)


def guest_checkout_for(cart_key: str, checkout_id) -> Checkout:
    """The checkout a guest's cart started; another cart's raises ``CheckoutNotFound``."""
    if not cart_key:
        raise CheckoutNotFound()
    return _checkout(_checkout_id(checkout_id), cart_key=cart_key)


def checkout_by_link(checkout_id, key: str) -> Checkout:
    """A guest's checkout through its status page's key; a wrong key raises ``CheckoutNotFound``."""
    pk = _checkout_id(checkout_id)
    if pk is None or not guests.checkout_key_matches(pk, key):
        raise CheckoutNotFound()
    return _checkout(pk)


def _checkout(pk, **lookup) -> Checkout:
    """
    The checkout with its order and lines, read in one query through its lines
    (a checkout always has some: it is started from a cart that has), as a
    customer polling it until the order is there reads it again and again:
    ``checkout_lines``, compiled once (``shop.core.prepared``).
    """
    if not pk:
        raise CheckoutNotFound()
    names = tuple(lookup)
    lines = prepared.read(
        ("orders.checkout_lines", names),
        lambda pk, *values: checkout_lines(pk, **dict(zip(names, values, strict=True))),
        pk,
        *lookup.values(),
        using=db.alias,
    )
    if not lines:
        raise CheckoutNotFound()
    checkout = lines[0].checkout
    for line in lines:
        line.checkout = checkout
    return with_lines(checkout, lines)


def checkout_lines(pk, **lookup) -> QuerySet[CheckoutLine]:
    """
    The lines of checkout ``pk`` if the checkout's fields match ``lookup``
    (its ``user_id`` or ``cart_key``), each with the checkout and its order.
    """
    return (
        CheckoutLine.objects.filter(
            checkout_id=pk, **{f"checkout__{name}": value for name, value in lookup.items()}
        )
        .select_related("checkout__order")
        .order_by("pk")
    )


def with_lines(checkout: Checkout, lines: list[CheckoutLine]) -> Checkout:
    """``checkout`` with ``checkout.lines.all()`` answered by ``lines``, as a prefetch leaves it."""
    prefetched = checkout.lines.all()
    prefetched._result_cache = lines
    prefetched._prefetch_done = True
    checkout._prefetched_objects_cache = {"lines": prefetched}
    return checkout


def locked_checkout(reference: str) -> Checkout | None:
    """
    The checkout a payment's ``reference`` names, locked for the caller's
    transaction; ``None`` (logged) for a reference that names none.
    """
    pk = _checkout_id(reference)
    found = prepared.read("orders.locked_checkout", locked, pk, using=db.alias) if pk else []
    if not found:
        logger.warning("Payment event for unknown checkout %s ignored", reference)
        return None
    return found[0]


def locked(pk) -> QuerySet[Checkout]:
    """Checkout ``pk`` (one or none), locked, with whether its customer was forgotten."""
    return (
        Checkout.objects.select_for_update(of=("self",))
        .annotate(
            # Read with the lock, for completion: a deleted customer's payment is refunded.
            customer_forgotten=Exists(ForgottenCustomer.objects.filter(user_id=OuterRef("user_id")))
        )
        .filter(pk=pk)[:1]
    )


def locked_checkout_with_lines(reference: str) -> Checkout | None:
    """
    ``locked_checkout`` with its lines, in one query through them (a checkout
    has lines; one found without any is read as ``locked_checkout`` reads
    it): what completing a paid checkout reads.
    """
    pk = _checkout_id(reference)
    if not pk:
        return locked_checkout(reference)
    lines = prepared.read("orders.locked_checkout_lines", locked_lines, pk, using=db.alias)
    if not lines:
        return locked_checkout(reference)
    checkout = lines[0].checkout
    checkout.customer_forgotten = lines[0].customer_forgotten
    for line in lines:
        line.checkout = checkout
    return with_lines(checkout, lines)


def locked_lines(pk) -> QuerySet[CheckoutLine]:
    """
    The lines of checkout ``pk``, each with the checkout locked and whether
    its customer was forgotten.
    """
    return (
        CheckoutLine.objects.filter(checkout_id=pk)
        .select_related("checkout")
        .select_for_update(of=("checkout",))
        .annotate(
            customer_forgotten=Exists(
                ForgottenCustomer.objects.filter(user_id=OuterRef("checkout__user_id"))
            )
        )
        .order_by("pk")
    )


def unfinished_attempt(user_id: int) -> Checkout | None:
    """
    The user's latest checkout if it failed or expired: the checkout page
    starts the retry from its address and delivery.
    """
    return _unfinished(Checkout.objects.filter(user_id=user_id))


def unfinished_guest_attempt(cart_key: str) -> Checkout | None:
    """``unfinished_attempt`` for a guest's cart."""
    return _unfinished(Checkout.objects.filter(cart_key=cart_key)) if cart_key else None


def _unfinished(checkouts) -> Checkout | None:
    latest = checkouts.order_by("-created_at").first()
    if latest is None or latest.status not in (Checkout.Status.FAILED, Checkout.Status.EXPIRED):
        return None
    return latest
