"""
One product listing as ``paging.paginate`` reads it: the filters at one
instant, counted from the kept per-category counts
(``selectors.listing_count``) and, for the first page of a list that is not a
search or a price range, read from SQL compiled once per filter shape
(``prepared.first_listing_rows``). The first page of every category and list
is what customers open most; it skips building and compiling the listing's
QuerySet, which cost a process more than PostgreSQL took to answer it
(decision 0044). Other pages build the QuerySet (``selectors.product_listing``),
the one definition of what a listing holds.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.db.models import QuerySet

from . import paging, prepared, selectors

# The largest first page read from compiled SQL: the API's largest page. Each
# size asked for is compiled once per thread and filter shape, so this bounds
# what a process keeps.
PREPARED_ROWS = 100


@dataclass
class Listing:
    filters: selectors.ProductFilters
    now: datetime

    @cached_property
    def queryset(self) -> QuerySet:
        return selectors.product_listing(self.filters, self.now)

    @property
    def fields(self) -> tuple[str, ...] | None:
        """The ordering keys page: ``paging.keyset_fields`` of the QuerySet, known without it."""
        if self.filters.q.strip():  # by relevance, ordered as the database can rank
            return paging.keyset_fields(self.queryset)
        orderings = selectors.ORDERINGS
        return orderings.get(self.filters.ordering, orderings[selectors.DEFAULT_ORDERING])

    def count(self) -> int:
        counted = selectors.listing_count(self.filters, self.now)
        return self.queryset.count() if counted is None else counted

    def rows(self, start: int, stop: int) -> list:
        filters = self.filters
        compiled = (
            start == 0
            and stop <= PREPARED_ROWS
            and not filters.q.strip()
            and filters.min_price is None
            and filters.max_price is None
        )
        if compiled:
            return prepared.first_listing_rows(filters, self.now, stop)
        return list(self.queryset[start:stop])
