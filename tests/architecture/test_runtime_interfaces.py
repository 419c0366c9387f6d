"""
Public functions return what their annotations promise, checked on the values
during the whole suite (``tests/conftest.py`` wraps every ``public.__all__``
function with ``shop.core.interfaces.checked``). Here a public function that
lies is planted and caught.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import pytest
from django.contrib.auth import get_user_model

from shop.catalog import public as catalog
from shop.core.interfaces import InterfaceViolation, checked, value_problems


@dataclass(frozen=True)
class VariantInfo:
    sku: str
    price: Decimal


@dataclass
class Draft:
    sku: str


def test_every_public_function_of_every_app_is_checked_during_the_suite():
    assert getattr(catalog.get_variants, "__interface_checked__", False)


@pytest.mark.django_db
def test_a_function_annotated_to_return_a_dataclass_that_returns_a_model_instance_is_caught():
    user = get_user_model().objects.create_user(email="ada@example.com", password="pw-12345!")

    @checked
    def get_user(user_id: int) -> VariantInfo:
        return get_user_model().objects.get(pk=user_id)

    with pytest.raises(InterfaceViolation, match=r"accounts\.models\.User, not a VariantInfo"):
        get_user(user.pk)


@pytest.mark.django_db
def test_a_function_that_returns_a_queryset_for_a_tuple_is_caught():
    @checked
    def get_users() -> tuple[VariantInfo, ...]:
        return get_user_model().objects.all()

    with pytest.raises(InterfaceViolation, match="QuerySet, not a tuple"):
        get_users()


def test_what_a_dataclass_holds_is_checked_all_the_way_down():
    @checked
    def lines() -> dict[str, tuple[VariantInfo, ...]]:
        return {"A": (VariantInfo(sku="A", price=1.5),)}

    with pytest.raises(InterfaceViolation, match=r"\['A'\]\[0\]\.price is a builtins.float"):
        lines()


def test_a_mutable_dataclass_or_a_value_outside_a_literal_is_caught():
    assert value_problems(Draft(sku="A"), Draft)
    assert value_problems("shipped", Literal["paid"]) == [
        "the value is 'shipped', not one of ('paid',)"
    ]


def test_plain_values_pass():
    @checked
    def variant(sku: str) -> VariantInfo | None:
        return VariantInfo(sku=sku, price=Decimal("1.50")) if sku else None

    assert variant("A") == VariantInfo(sku="A", price=Decimal("1.50"))
    assert variant("") is None
