import pytest

from shop.catalog.models import Variant
from tests.cart.test_api import Caller
from tests.catalog.factories import make_product

pytestmark = pytest.mark.django_db


def test_a_variant_deleted_from_the_catalog_stays_visible_as_unavailable_and_removable():
    tee = make_product("Tee", price="20.00")
    sku = tee.variants.get().sku
    caller = Caller()
    caller.add(sku)
    Variant.objects.filter(product=tee).delete()

    (item,) = caller.get().json()["items"]

    assert (item["name"], item["problem"], item["product_slug"]) == (sku, "unavailable", None)
    assert caller.remove(item["id"]).status_code == 204
