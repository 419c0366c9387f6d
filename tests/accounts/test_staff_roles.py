"""Staff roles: which groups exist, what each may do in the admin, and who is refused."""

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from shop.catalog.models import Product
from tests.catalog.factories import make_product

pytestmark = pytest.mark.django_db
User = get_user_model()

CATALOG_MANAGERS, ORDER_MANAGERS, SUPPORT = "Catalog managers", "Order managers", "Support"


def permissions_of(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def member_of(group_name: str, email: str = "staff@example.com", *, is_staff: bool = True):
    user = User.objects.create_user(email=email, password="x", is_staff=is_staff)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def sync(capsys, *args) -> str:
    call_command("sync_staff_roles", *args)
    return capsys.readouterr().out


def submitted(response, **changes) -> dict:
    """The admin change form's data as the browser would post it back, with ``changes``."""
    context = response.context
    forms_on_page = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms_on_page += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms_on_page:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if field.show_hidden_initial:
                data[bound.html_initial_name] = value
            if isinstance(field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = value
    return {**data, **changes}


# --- the groups and their permissions ---------------------------------------------------


def test_migrating_creates_the_three_staff_groups():
    names = set(Group.objects.values_list("name", flat=True))

    assert {CATALOG_MANAGERS, ORDER_MANAGERS, SUPPORT} <= names


def test_catalog_managers_run_the_catalog_and_vouchers_and_only_look_at_holds_and_the_ledger():
    granted = permissions_of(CATALOG_MANAGERS)

    for model in ("product", "variant", "productimage", "category"):
        for action in ("add", "change", "delete", "view"):
            assert f"catalog.{action}_{model}" in granted
    assert {"catalog.view_reservation", "catalog.view_stockmovement"} <= granted
    assert "catalog.change_reservation" not in granted
    assert "catalog.delete_stockmovement" not in granted
    assert {"promotions.add_voucher", "promotions.view_voucheruse"} <= granted
    assert "promotions.change_voucheruse" not in granted
    assert not {name for name in granted if not name.startswith(("catalog.", "promotions."))}


def test_order_managers_and_support_can_look_but_not_touch_outside_their_job():
    order_managers, support = permissions_of(ORDER_MANAGERS), permissions_of(SUPPORT)

    assert {"catalog.view_product", "catalog.view_variant", "accounts.view_user"} <= order_managers
    # Nothing of the books is deleted; shipping's zones and rates are settings, not records
    # (a checkout and its order keep the method and price they were started with).
    assert not {
        name
        for name in order_managers
        if name.split(".")[1].startswith("delete_") and not name.startswith("shipping.")
    }
    assert {"shipping.change_shippingrate", "shipping.delete_shippingrate"} <= order_managers
    assert "shipping.view_shippingzone" in support
    assert "shipping.change_shippingzone" not in support
    assert "catalog.change_variant" not in order_managers
    assert "accounts.change_user" not in order_managers
    assert {"accounts.view_user", "accounts.view_address", "accounts.change_address"} <= support
    assert "accounts.change_user" not in support
    assert not {name for name in support if name.startswith("catalog.")}


def test_a_permission_whose_model_arrives_later_is_granted_by_the_next_sync(capsys):
    order_type, _ = ContentType.objects.get_or_create(app_label="orders", model="order")
    Permission.objects.get_or_create(
        content_type=order_type, codename="view_order", defaults={"name": "Can view order"}
    )
    Permission.objects.get_or_create(
        content_type=order_type, codename="change_order", defaults={"name": "Can change order"}
    )

    sync(capsys)

    assert {"orders.view_order", "orders.change_order"} <= permissions_of(ORDER_MANAGERS)
    assert "orders.view_order" in permissions_of(SUPPORT)
    assert "orders.change_order" not in permissions_of(SUPPORT)
    assert "orders.view_order" not in permissions_of(CATALOG_MANAGERS)


def test_syncing_twice_changes_nothing_the_second_time(capsys):
    before = {name: permissions_of(name) for name in (CATALOG_MANAGERS, ORDER_MANAGERS, SUPPORT)}

    first, second = sync(capsys), sync(capsys)

    assert first.strip() == second.strip() == "Staff roles already up to date."
    after = {name: permissions_of(name) for name in (CATALOG_MANAGERS, ORDER_MANAGERS, SUPPORT)}
    assert after == before


def test_sync_takes_back_a_permission_granted_by_hand_and_restores_a_removed_one(capsys):
    group = Group.objects.get(name=SUPPORT)
    group.permissions.add(Permission.objects.get(codename="change_product"))
    group.permissions.remove(Permission.objects.get(codename="change_address"))
    other = Group.objects.create(name="Interns")
    other.permissions.add(Permission.objects.get(codename="change_product"))

    out = sync(capsys)

    assert "Support: - catalog.change_product" in out
    assert "Support: + accounts.change_address" in out
    assert "catalog.change_product" not in permissions_of(SUPPORT)
    assert "accounts.change_address" in permissions_of(SUPPORT)
    assert permissions_of("Interns") == {"catalog.change_product"}


def test_a_deleted_staff_group_comes_back_with_its_permissions(capsys):
    Group.objects.filter(name=SUPPORT).delete()

    out = sync(capsys)

    assert "Support: group created" in out
    assert "accounts.view_user" in permissions_of(SUPPORT)


def test_migrate_puts_the_staff_roles_back_in_step_without_resurrecting_a_removed_group():
    Group.objects.get(name=CATALOG_MANAGERS).permissions.clear()
    Group.objects.filter(name=SUPPORT).delete()

    call_command("migrate", verbosity=0)

    assert "catalog.change_variant" in permissions_of(CATALOG_MANAGERS)
    assert not Group.objects.filter(name=SUPPORT).exists()


# --- who gets in ------------------------------------------------------------------------


def test_signed_in_customer_is_sent_to_the_admin_login_page(client):
    client.force_login(User.objects.create_user(email="customer@example.com", password="x"))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/")


def test_signed_in_customer_cannot_change_a_price_through_the_staff_api(client):
    make_product("Mug", variants=[{"sku": "MUG", "price": "10.00"}])
    client.force_login(User.objects.create_user(email="customer@example.com", password="x"))

    response = client.patch(
        "/api/v1/catalog/variants/MUG/", {"price": "0.01"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert str(Product.objects.get(name="Mug").variants.get().price) == "10.00"


def test_a_group_without_staff_status_does_not_open_the_admin(client):
    client.force_login(member_of(CATALOG_MANAGERS, is_staff=False))

    assert client.get("/admin/catalog/product/").status_code == 302


def test_catalog_manager_edits_a_product_but_cannot_see_the_customer_list(client):
    mug = make_product("Mug", variants=[{"sku": "MUG"}])
    client.force_login(member_of(CATALOG_MANAGERS))
    url = f"/admin/catalog/product/{mug.pk}/change/"

    assert client.get("/admin/catalog/product/").status_code == 200
    page = client.get(url)
    response = client.post(url, submitted(page, name="Enamel mug"))

    assert response.status_code == 302, response.context and response.context["errors"]
    mug.refresh_from_db()
    assert mug.name == "Enamel mug"
    assert client.get("/admin/accounts/user/").status_code == 403


def test_support_looks_customers_up_but_cannot_change_a_product(client):
    customer = User.objects.create_user(email="customer@example.com", password="x")
    mug = make_product("Mug")
    client.force_login(member_of(SUPPORT))
    url = f"/admin/catalog/product/{mug.pk}/change/"

    users = client.get("/admin/accounts/user/", {"q": "customer@"})
    detail = client.get(f"/admin/accounts/user/{customer.pk}/change/")

    assert [user.email for user in users.context["cl"].result_list] == [customer.email]
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Free mug"}).status_code == 403
    mug.refresh_from_db()
    assert mug.name == "Mug"
