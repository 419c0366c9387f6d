"""
``shop.core.prepared``: a read built and compiled by the ORM once per thread,
database and key, then run with each call's values, answers as the ORM does
(rows, model instances with their joined objects and annotations, the
converters applied) and refuses loudly a query it cannot run again rightly.
"""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from shop.catalog.models import Variant
from shop.core import prepared
from shop.core.db import alias_of_model
from tests.catalog.factories import make_category, make_product

from .instances import snapshot

pytestmark = pytest.mark.django_db

USING = alias_of_model(Variant)


@pytest.fixture
def store():
    shirts = make_category("Shirts")
    make_product(
        "Shirt",
        category=shirts,
        variants=[
            {"sku": "S-RED", "options": {"size": "S", "colour": "Red"}, "price": Decimal("9.95")},
            {"sku": "M-RED", "options": {"size": "M"}, "is_active": False},
        ],
    )
    make_product("Mug", variants=[{"sku": "MUG", "price": Decimal("8.50")}])


def variants(sku, created_before):
    return (
        Variant.objects.filter(sku__gte=sku, product__created_at__lt=created_before)
        .select_related("product__category")
        .annotate(tag=Concat(F("sku"), Value("/")), double=F("price") + F("price"))
        .order_by("sku")
    )


class Counted:
    def __init__(self, build):
        self.build, self.calls = build, 0

    def __call__(self, *values):
        self.calls += 1
        return self.build(*values)


def test_instances_as_the_orm_makes_them_compiled_once(store, django_assert_num_queries):
    build = Counted(variants)
    later = timezone.now()
    for sku in ("", "MUG", "N", "S-RED"):
        orm = [snapshot(variant) for variant in variants(sku, later)]
        with django_assert_num_queries(1):
            answer = prepared.read("test.variants", build, sku, later, using=USING)
        assert [snapshot(variant) for variant in answer] == orm
    assert build.calls == 2  # the two sets of stand-ins, on the first call only
    every = prepared.read("test.variants", build, "", later, using=USING)
    assert [variant.sku for variant in every] == ["M-RED", "MUG", "S-RED"]
    assert every[0].product.category.name == "Shirts"
    assert every[1].product.category is None
    assert every[2].options == {"size": "S", "colour": "Red"}
    assert every[2].tag == "S-RED/"
    assert every[2].double == Decimal("19.90")
    assert every[1].loaded_values == Variant.objects.get(sku="MUG").loaded_values


def test_values_rows_as_the_orm_makes_them(store):
    def rows(pk, sku):
        return Variant.objects.filter(product_id__gte=pk, sku__gte=sku).values(
            "sku", "options", "price", "product__name"
        )

    first = Variant.objects.order_by("product_id").first().product_id
    for sku in ("", "S", "MUG"):
        assert prepared.read("test.rows", rows, first, sku, using=USING) == list(rows(first, sku))
    assert prepared.read("test.rows", rows, first, "X", using=USING) == []


def test_a_value_of_another_type_is_another_query(store):
    def by_stock(stock):
        return Variant.objects.filter(stock_on_hand__lte=stock).values("sku").order_by("sku")

    build = Counted(by_stock)
    Variant.objects.filter(sku="MUG").update(stock_on_hand=3)
    assert prepared.read("test.by-stock", build, 5, using=USING) == [{"sku": "MUG"}]
    assert prepared.read("test.by-stock", build, 10, using=USING) == list(by_stock(10))
    assert build.calls == 2
    with pytest.raises(prepared.CannotPrepare, match="no stand-in"):
        prepared.read("test.by-stock", build, Decimal(5), using=USING)


@pytest.mark.parametrize(
    ("build", "values", "refusal"),
    [
        (lambda sku: Variant.objects.all(), ("MUG",), "not parameters"),
        (lambda sku: Variant.objects.filter(sku__icontains=sku), ("MUG",), "changed"),
        (lambda sku: Variant.objects.filter(sku=f"{sku}-M"), ("MUG",), "changed"),
        (lambda stock: Variant.objects.filter(price=stock), (5,), "changed"),
        (
            lambda number: (
                Variant.objects.filter(stock_on_hand=number)
                if number % 2
                else Variant.objects.filter(weight_grams=number)
            ),
            (3,),
            "changes with the values",
        ),
        (lambda sku: Variant.objects.filter(sku=sku), (None,), "no stand-in"),
        (lambda active: Variant.objects.filter(is_active=active), (True,), "no stand-in"),
        (
            lambda sku: Variant.objects.filter(sku=sku).prefetch_related("images"),
            ("M",),
            "prefetch",
        ),
        (lambda sku: Variant.objects.filter(sku=sku).values_list("sku"), ("M",), "not prepared"),
    ],
)
def test_a_query_it_cannot_run_again_rightly_is_refused(build, values, refusal):
    with pytest.raises(prepared.CannotPrepare, match=refusal):
        prepared.read(("test.refused", refusal), build, *values, using=USING)


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="no row locks")
@pytest.mark.django_db(transaction=True)
def test_a_lock_outside_a_transaction_is_refused_as_the_orm_refuses_it(store):
    def locked(sku):
        return Variant.objects.select_for_update().filter(sku=sku)

    with pytest.raises(transaction.TransactionManagementError):
        prepared.read("test.locked", locked, "MUG", using=USING)
    with transaction.atomic(using=USING):
        assert [v.sku for v in prepared.read("test.locked", locked, "MUG", using=USING)] == ["MUG"]
    with pytest.raises(transaction.TransactionManagementError):
        prepared.read("test.locked", locked, "MUG", using=USING)
