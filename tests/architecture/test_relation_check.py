# ruff: noqa: DJ008
from allauth.account.models import EmailAddress
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps

from shop.catalog.models import OutboxMessage as CatalogOutboxMessage
from shop.core.checks import check_service_ownership, find_cross_app_relations


def error_ids(model) -> list[str]:
    return [error.id for error in find_cross_app_relations([model])]


@isolate_apps("shop.orders")
def test_foreign_key_to_the_accounts_user_fails_the_check_and_names_the_field():
    class Order(models.Model):
        customer = models.ForeignKey(get_user_model(), on_delete=models.PROTECT)

        class Meta:
            app_label = "orders"

    [error] = find_cross_app_relations([Order])

    assert error.id == "shop.E001"
    assert "orders.Order.customer" in error.msg
    assert "accounts.User" in error.msg


@isolate_apps("shop.orders")
def test_one_to_one_into_another_shop_app_fails_the_check():
    class Receipt(models.Model):
        message = models.OneToOneField(CatalogOutboxMessage, on_delete=models.CASCADE)

        class Meta:
            app_label = "orders"

    assert error_ids(Receipt) == ["shop.E001"]


@isolate_apps("shop.orders")
def test_many_to_many_into_another_shop_app_fails_the_check():
    class Basket(models.Model):
        messages = models.ManyToManyField(CatalogOutboxMessage)

        class Meta:
            app_label = "orders"

    assert error_ids(Basket) == ["shop.E001"]


@isolate_apps("shop.orders")
def test_generic_relation_fails_the_check_because_it_can_point_anywhere():
    class Note(models.Model):
        content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
        object_id = models.PositiveBigIntegerField()
        subject = GenericForeignKey("content_type", "object_id")

        class Meta:
            app_label = "orders"

    errors = find_cross_app_relations([Note])

    assert {error.id for error in errors} == {"shop.E002"}
    assert any("orders.Note.subject" in error.msg for error in errors)


@isolate_apps("shop.orders")
def test_foreign_key_within_the_same_app_passes_the_check():
    class Order(models.Model):
        class Meta:
            app_label = "orders"

    class Line(models.Model):
        order = models.ForeignKey(Order, on_delete=models.CASCADE)

        class Meta:
            app_label = "orders"

    assert error_ids(Line) == []


@isolate_apps("shop.orders")
def test_a_dangling_lazy_reference_is_left_to_djangos_own_check_instead_of_crashing():
    class Order(models.Model):
        product = models.ForeignKey("catalog.Missing", on_delete=models.PROTECT)

        class Meta:
            app_label = "orders"

    assert error_ids(Order) == []


@isolate_apps("shop.orders")
def test_foreign_key_to_a_library_model_another_service_owns_fails_the_check():
    class Team(models.Model):
        group = models.ForeignKey(Group, on_delete=models.CASCADE)
        address = models.ForeignKey(EmailAddress, on_delete=models.CASCADE)

        class Meta:
            app_label = "orders"

    errors = find_cross_app_relations([Team])

    assert [error.id for error in errors] == ["shop.E001", "shop.E001"]
    assert "auth.Group (owned by accounts)" in errors[0].msg
    assert "account.EmailAddress (owned by accounts)" in errors[1].msg


@isolate_apps("shop.accounts")
def test_the_service_that_owns_a_library_may_point_at_its_models():
    class StaffNote(models.Model):
        group = models.ForeignKey(Group, on_delete=models.CASCADE)
        address = models.ForeignKey(EmailAddress, on_delete=models.CASCADE)

        class Meta:
            app_label = "accounts"

    assert error_ids(StaffNote) == []


def test_an_app_with_tables_that_no_service_owns_fails_the_check(monkeypatch):
    accounts = django_apps.get_app_config("accounts")
    monkeypatch.setattr(
        accounts, "owned_apps", tuple(set(accounts.owned_apps) - {"sessions"}), raising=False
    )

    errors = check_service_ownership()

    assert [error.id for error in errors] == ["shop.E003"]
    assert "'sessions' has tables but no service owns it" in errors[0].msg


def test_an_app_claimed_by_two_services_fails_the_check(monkeypatch):
    orders = django_apps.get_app_config("orders")
    monkeypatch.setattr(orders, "owned_apps", ("account",), raising=False)

    errors = check_service_ownership()

    assert [error.id for error in errors] == ["shop.E003"]
    assert "claimed by accounts, orders" in errors[0].msg


def test_manage_py_check_runs_the_cross_app_relation_check():
    with isolate_apps("shop.orders") as apps:

        class Order(models.Model):
            customer = models.ForeignKey(get_user_model(), on_delete=models.PROTECT)

            class Meta:
                app_label = "orders"

        errors = run_checks(app_configs=list(apps.get_app_configs()))

    assert "shop.E001" in [error.id for error in errors]


def test_the_project_has_no_relation_across_services():
    errors = run_checks()

    assert [error for error in errors if error.id.startswith("shop.")] == []


def test_manage_py_check_passes_on_the_project():
    call_command("check", verbosity=0)
