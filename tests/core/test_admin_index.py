"""
The admin index has one section per service, named for it, and the services'
outboxes and inboxes in one "Messaging" section of their own.
"""

import pytest
from django.contrib.auth import get_user_model

from shop.core.registry import service_labels

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(client) -> dict[str, list[str]]:
    admin = get_user_model().objects.create_superuser(email="boss@example.com", password="pw")
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    return {
        section["name"]: [entry["name"] for entry in section["models"]]
        for section in response.context["app_list"]
    }


def test_each_service_has_one_section_and_accounts_holds_the_tables_it_owns(sections):
    assert list(sections) == [
        "Catalog",
        "Accounts",
        "Payments",
        "Taxes",
        "Shipping",
        "Invoices",
        "Promotions",
        "Orders",
        "Reports",
        "Webhooks",
        "Messaging",
    ]
    assert sections["Reports"] == ["Sales dashboard"]
    assert sections["Webhooks"] == ["Deliveries", "Endpoints"]
    assert sections["Accounts"] == ["Addresses", "Email addresses", "Groups", "Users"]
    assert sections["Promotions"] == ["Gift cards", "Sales", "Voucher uses", "Vouchers"]


def test_outboxes_and_inboxes_are_in_the_messaging_section_named_by_service(sections):
    service_tables = [name for section, names in sections.items() if section != "Messaging"
                      for name in names]  # fmt: skip
    assert not [name for name in service_tables if "box" in name.lower()]
    assert "Orders outbox messages" in sections["Messaging"]
    assert "Payments inbox messages" in sections["Messaging"]
    assert len(sections["Messaging"]) == 2 * len(service_labels())  # an outbox and an inbox each


def test_a_services_own_admin_page_still_lists_its_tables(client, sections):
    response = client.get("/admin/orders/")

    assert response.status_code == 200
    names = [entry["name"] for app in response.context["app_list"] for entry in app["models"]]
    assert "Orders" in names
