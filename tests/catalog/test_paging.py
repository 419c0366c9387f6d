"""
A deep page asked for by its number alone (a bookmark, a typed URL) holds
the rows counting would give, found by the key of the row next to it
(``paging._by_neighbour``) rather than by reading every row it skips.
"""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from shop.catalog import paging, selectors
from shop.catalog.db import db

from .factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    """23 products, some at the same price and some of the same name (ties the keys must break)."""
    for number in range(23):
        make_product(f"Mug {number % 7}", price=f"{5 + number % 4}.00")


@pytest.mark.parametrize("ordering", list(selectors.ORDERINGS))
def test_every_page_by_number_holds_the_rows_counting_gives(shelf, ordering, monkeypatch):
    monkeypatch.setattr(paging, "DEEP", 2)
    listing = selectors.product_listing(selectors.ProductFilters(ordering=ordering))
    counted = [product.pk for product in listing]

    pages = [
        [product.pk for product in paging.paginate(listing, number, 3).rows]
        for number in range(1, 9)
    ]

    assert pages == [counted[start : start + 3] for start in range(0, 24, 3)]


def test_a_deep_page_by_number_skips_rows_over_the_ordering_columns_only(shelf, monkeypatch):
    monkeypatch.setattr(paging, "DEEP", 2)
    listing = selectors.product_listing(selectors.ProductFilters(ordering="price"))

    with CaptureQueriesContext(connections[db.alias]) as queries:
        page = paging.paginate(listing, 4, 3)

    assert len(page.rows) == 3
    skipping = [query["sql"] for query in queries if "OFFSET" in query["sql"]]
    assert len(skipping) == 1
    assert "category" not in skipping[0].split("FROM")[0]  # no product row, no join's columns
