import importlib
import textwrap
import types

import pytest
from django.contrib.auth import get_user_model

from shop.accounts.public import UserInfo, UserNotFound, get_user
from shop.core.registry import service_labels

from .interfaces import event_problems, interface_problems

# Every installed service, a new one included, without editing this list.
APPS = service_labels()


def module_from(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(textwrap.dedent(source), module.__dict__)
    return module


def named(problems: list[str]) -> set[str]:
    return {problem.split(":")[0] for problem in problems}


@pytest.mark.parametrize("app", APPS)
def test_each_app_offers_only_plain_data_through_its_public_module(app):
    public = importlib.import_module(f"shop.{app}.public")

    assert interface_problems(public) == []


@pytest.mark.parametrize("app", APPS)
def test_each_app_announces_only_plain_frozen_events_named_after_itself(app):
    events = importlib.import_module(f"shop.{app}.events")

    assert event_problems(events, app) == []


def test_interface_checker_reports_models_querysets_missing_annotations_and_mutable_data():
    module = module_from(
        "fake.public",
        """
        from dataclasses import dataclass

        from django.contrib.auth import get_user_model
        from django.db.models import QuerySet

        User = get_user_model()

        class Refused(Exception):
            pass

        @dataclass(frozen=True)
        class Line:
            sku: str
            quantity: int

        @dataclass
        class Draft:
            sku: str

        def find_user(user_id: int) -> User: ...
        def count(users: QuerySet) -> int: ...
        def anything(value): ...
        def lines(order_id: int) -> tuple[Line, ...]: ...
        def _helper(user: User) -> User: ...
        """,
    )

    assert named(interface_problems(module)) == {"find_user", "count", "anything", "Draft"}


def test_interface_checker_reports_models_and_functions_re_exported_from_the_app():
    module = module_from(
        "shop.accounts.leaky_public",
        """
        from shop.accounts.models import User
        from shop.accounts.selectors import user_by_id
        from shop.core.errors import NotFound
        """,
    )

    assert named(interface_problems(module)) == {"User", "user_by_id"}


def test_event_checker_reports_mutable_events_and_events_named_after_another_app():
    module = module_from(
        "fake.events",
        """
        from dataclasses import dataclass
        from typing import ClassVar

        from shop.core.events import Event

        @dataclass(frozen=True)
        class OrderPlaced(Event):
            name: ClassVar[str] = "orders.OrderPlaced"
            reference: str

        class OrderChanged(Event):
            name: ClassVar[str] = "orders.OrderChanged"
            reference: str

        @dataclass(frozen=True)
        class PaymentTaken(Event):
            name: ClassVar[str] = "payments.PaymentTaken"
            reference: str
        """,
    )

    assert named(event_problems(module, "orders")) == {"OrderChanged", "PaymentTaken"}


@pytest.mark.django_db
def test_get_user_returns_plain_user_info():
    user = get_user_model().objects.create_user(email="ada@example.com", password="s3cret!pw")

    info = get_user(user.pk)

    assert isinstance(info, UserInfo)
    assert (info.id, info.email, info.is_active, info.is_staff) == (
        user.pk,
        "ada@example.com",
        True,
        False,
    )


@pytest.mark.django_db
def test_get_user_raises_user_not_found_for_an_unknown_id():
    with pytest.raises(UserNotFound):
        get_user(987654321)
