"""
Cached pages follow a sale's start and end by time alone (decision 0029):
nothing is written at that instant and the catalog version does not move,
yet the first request after it renders afresh, because a cached page or
fragment is kept no later than the next sale boundary. Runs on the
configured cache (locmem on the laptop, Redis in ``make services-test``);
the clock is moved by patching ``timezone.now``.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from shop.catalog.cache import catalog_version
from shop.core.pagecache import HEADER, bounded_timeout
from tests.catalog.factories import make_category, make_product
from tests.catalog.sales import deliver_sales
from tests.conftest import AllQueries
from tests.promotions.factories import sale

pytestmark = pytest.mark.django_db

PAGES = ("/c/coats/", "/p/raincoat/", "/api/v1/catalog/products/raincoat/")
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)", re.IGNORECASE)


def shows_sale_price(response) -> bool:
    return "71.20" in response.content.decode()


@pytest.fixture
def raincoat():
    coats = make_category("Coats")
    return make_product("Raincoat", price="89.00", category=coats, slug="raincoat")


def warm(client, at=None):
    """Every page twice (the second a hit); returns the responses."""
    with mock.patch("django.utils.timezone.now", return_value=at or timezone.now()):
        for url in PAGES:
            client.get(url)
        return {url: client.get(url) for url in PAGES}


def visit_at(client, at):
    """Every page at ``at``, checking nothing is written meanwhile."""
    with mock.patch("django.utils.timezone.now", return_value=at), AllQueries() as queries:
        responses = {url: client.get(url) for url in PAGES}
    assert not [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])]
    return responses


@pytest.fixture(params=["page cache", "fragment cache"])
def visitor(request, client):
    """A visitor without cookies (whole pages cached) or with one (fragments cached)."""
    if request.param == "fragment cache":
        client.cookies["sessionid"] = "a-visitor-with-a-cookie"
    return client


def test_cached_pages_show_the_sale_price_once_it_starts_with_nothing_written(visitor, raincoat):
    starts = timezone.now() + timedelta(hours=1)
    sale(value="20", product_ids=[raincoat.pk], starts_at=starts)
    deliver_sales()
    before = warm(visitor)
    assert not any(shows_sale_price(response) for response in before.values())
    if "sessionid" not in visitor.cookies:
        assert all(response[HEADER] == "hit" for response in before.values())
    version = catalog_version()

    still_before = visit_at(visitor, starts - timedelta(seconds=1))
    after = visit_at(visitor, starts + timedelta(seconds=1))

    assert not any(shows_sale_price(response) for response in still_before.values())
    assert all(shows_sale_price(response) for response in after.values())
    assert catalog_version() == version


def test_cached_pages_show_the_regular_price_again_once_the_sale_ends(visitor, raincoat):
    ends = timezone.now() + timedelta(hours=1)
    sale(value="20", product_ids=[raincoat.pk], ends_at=ends)
    deliver_sales()
    during = warm(visitor)
    assert all(shows_sale_price(response) for response in during.values())
    assert "Winter sale" in during["/p/raincoat/"].content.decode()

    after = visit_at(visitor, ends)

    assert not any(shows_sale_price(response) for response in after.values())
    assert "Winter sale" not in after["/p/raincoat/"].content.decode()


def test_an_entry_is_kept_no_longer_than_until_the_next_boundary():
    now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert bounded_timeout(300, now + timedelta(seconds=42.9)) == 42
        assert bounded_timeout(300, now + timedelta(hours=1)) == 300
        assert bounded_timeout(None, now + timedelta(seconds=10)) == 10
        assert bounded_timeout(300, now + timedelta(seconds=0.5)) == 0  # not stored
        assert bounded_timeout(300, now - timedelta(seconds=5)) == 0  # passed while rendering
        assert bounded_timeout(300, None) == 300
