"""
Pages of the product listings (storefront and API) that do not scan what
they skip (decision 0034).

A page's links carry the key of the row next to it: ``after`` (the last row
of the page before) or ``before`` (the first row of the page after), as the
ordering's values (``selectors.ORDERINGS``), so the next, previous, first and
last pages are an index range scan however deep they are. A page number
alone (a bookmark, a link typed by hand) still works: it is counted from the
nearer end of the list. A key that does not fit the ordering is ignored, and
the page number is used.
"""

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Protocol

from django.core.paginator import EmptyPage
from django.db.models import Q, QuerySet

# Ordering fields a key may hold, and how each is read back from the link.
_PARSERS = {
    "pk": int,
    "name": str,
    "price_from": Decimal,
    "created_at": datetime.fromisoformat,
}


def keyset_fields(queryset: QuerySet) -> tuple[str, ...] | None:
    """The queryset's ordering if keys can page it (not a search's relevance), else None."""
    ordering = tuple(queryset.query.order_by)
    if ordering and all(name.lstrip("-") in _PARSERS for name in ordering):
        return ordering
    return None


def encode_key(row, fields: Sequence[str]) -> str:
    values = []
    for name in fields:
        value = getattr(row, name.lstrip("-"))
        values.append(value.isoformat() if isinstance(value, datetime) else str(value))
    raw = json.dumps([list(fields), values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_key(token: str | None, fields: Sequence[str] | None) -> tuple | None:
    """The values of a key made for ``fields``; None for no key or one that does not fit."""
    if not token or not fields or len(token) > 1000:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        made_for, values = json.loads(raw)
        if made_for != list(fields) or len(values) != len(fields):
            return None
        parsed = tuple(
            _PARSERS[name.lstrip("-")](value) for name, value in zip(fields, values, strict=True)
        )
    except (binascii.Error, ValueError, TypeError, InvalidOperation, UnicodeDecodeError):
        return None
    if any(isinstance(value, Decimal) and not value.is_finite() for value in parsed):
        return None
    return parsed


def _beyond(fields: Sequence[str], values: tuple, forward: bool) -> Q:
    """
    Rows after (``forward``) or before the row with ``values`` in the order
    of ``fields``, as a bound on the first field (what the index range starts
    at) and the lexicographic comparison.
    """

    def lookup(name: str, strict: bool) -> str:
        later = name.startswith("-") != forward
        return f"{name.lstrip('-')}__{'g' if later else 'l'}t{'' if strict else 'e'}"

    beyond, equal = Q(), Q()
    for name, value in zip(fields, values, strict=True):
        beyond |= equal & Q(**{lookup(name, True): value})
        equal &= Q(**{name.lstrip("-"): value})
    return Q(**{lookup(fields[0], False): values[0]}) & beyond


@dataclass
class Page:
    """One page, shaped like Django's ``Page`` for the templates (``page.paginator`` is itself)."""

    rows: list
    number: int
    count: int
    per_page: int
    fields: tuple[str, ...] | None = field(default=None, repr=False)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def paginator(self) -> "Page":
        return self

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def after(self) -> str | None:
        """The key the next page's link carries (None: that page is reached by its number)."""
        if not self.fields or not self.rows or not self.has_next():
            return None
        return encode_key(self.rows[-1], self.fields)

    @property
    def before(self) -> str | None:
        """The key the previous page's link carries (None for the first page: no key needed)."""
        if not self.fields or not self.rows or self.number <= 2:
            return None
        return encode_key(self.rows[0], self.fields)


class Pageable(Protocol):
    """
    What ``paginate`` reads a list through: the QuerySet (only built when a
    key or a deep page needs it), its ordering if keys can page it
    (``keyset_fields``), its count, and its rows ``start`` to ``stop`` in
    that order. ``selectors.Listing`` reads the last two without building
    the QuerySet where it can.
    """

    @property
    def queryset(self) -> QuerySet: ...

    @property
    def fields(self) -> tuple[str, ...] | None: ...

    def count(self) -> int: ...

    def rows(self, start: int, stop: int) -> list: ...


@dataclass
class QuerySetPages:
    """A plain QuerySet as ``paginate`` reads it."""

    queryset: QuerySet

    @property
    def fields(self) -> tuple[str, ...] | None:
        return keyset_fields(self.queryset)

    def count(self) -> int:
        return self.queryset.count()

    def rows(self, start: int, stop: int) -> list:
        return list(self.queryset[start:stop])


def paginate(
    listing: "QuerySet | Pageable",
    number: int,
    per_page: int,
    *,
    after: str | None = None,
    before: str | None = None,
) -> Page:
    """Page ``number`` of ``listing``, by the key its link gave if any (``EmptyPage``: none)."""
    if isinstance(listing, QuerySet):
        listing = QuerySetPages(listing)
    count = listing.count()
    fields = listing.fields
    page = Page([], number, count, per_page, fields)
    if number < 1 or (number > page.num_pages and number > 1):
        raise EmptyPage("No such page.")
    forward, backward = decode_key(after, fields), decode_key(before, fields)
    rows = None
    if forward is not None:
        rows = list(listing.queryset.filter(_beyond(fields, forward, True))[:per_page])
    elif backward is not None:
        backwards = listing.queryset.filter(_beyond(fields, backward, False)).reverse()
        rows = list(backwards[:per_page])[::-1]
    if not rows:  # no key, or the rows it pointed to have gone: count from the nearer end
        start = (number - 1) * per_page
        size = min(per_page, count - start)
        from_end = count - start - size
        if fields and size > 0 and min(start, from_end) >= DEEP:
            rows = _by_neighbour(listing.queryset, fields, start, from_end, size)
        if not rows and fields and start > count / 2 and size > 0:
            rows = list(listing.queryset.reverse()[from_end : from_end + size])[::-1]
        elif not rows:
            rows = listing.rows(start, start + per_page)
    page.rows = rows
    return page


# Rows skipped from the nearer end from which a page number alone is found by
# its neighbour's key rather than by skipping whole rows.
DEEP = 500


def _by_neighbour(queryset: QuerySet, fields, start: int, from_end: int, size: int) -> list:
    """
    A deep page by its number: the key of the row next to it, counted from
    the nearer end over the ordering's columns alone (the skipped rows cost
    an index entry and a row check each, not a whole product with its
    category and computed prices), then the page after (or before) that key
    as a keyed link reads it. Empty if the rows moved meanwhile.
    """
    names = [name.lstrip("-") for name in fields]
    keys = queryset.prefetch_related(None).values_list(*names)
    if start <= from_end:
        key = list(keys[start - 1 : start])
        return list(queryset.filter(_beyond(fields, key[0], True))[:size]) if key else []
    key = list(keys.reverse()[from_end - 1 : from_end])
    if not key:
        return []
    return list(queryset.filter(_beyond(fields, key[0], False)).reverse()[:size])[::-1]
