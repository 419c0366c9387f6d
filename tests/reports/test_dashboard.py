"""
The sales dashboard in the admin: who may see it, the period staff choose
(and the clear refusal of a bad one), what the page shows, each table as a
CSV that a spreadsheet cannot be tricked by, and as many queries for a year
as for a day.
"""

import csv
import io
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from shop.accounts.roles import ORDER_MANAGERS, REPORTS, SUPPORT
from shop.orders.models import Checkout, Order, OrderLine
from tests.conftest import AllQueries
from tests.core.test_security_headers import inline_code

from .factories import order_on, refund

pytestmark = pytest.mark.django_db

URL = "/admin/reports/salesdashboard/"


@pytest.fixture
def staff_in(django_user_model, client):
    """``staff_in("Order managers")``: a member of staff in those roles, signed in."""

    def sign_in(*roles: str, is_staff: bool = True):
        user = django_user_model.objects.create_user(
            email=f"{uuid.uuid4().hex[:8]}@example.com", password="pw", is_staff=is_staff
        )
        user.groups.add(*(Group.objects.get(name=role) for role in roles))
        client.force_login(user)
        return user

    return sign_in


def today():
    return timezone.localdate()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- who sees it ------------------------------------------------------------------------


def test_someone_signed_out_or_a_customer_is_sent_to_the_admins_sign_in(client, staff_in):
    assert client.get(URL)["Location"].startswith("/admin/login/")
    staff_in(is_staff=False)

    for url in (URL, f"{URL}daily.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("roles", [(), (SUPPORT,)], ids=["no role", "support"])
def test_staff_without_the_reports_permission_are_refused(client, staff_in, roles):
    staff_in(*roles)

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}daily.csv").status_code == 403
    assert "Sales dashboard" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("role", [ORDER_MANAGERS, REPORTS])
def test_order_managers_and_the_reports_role_find_it_in_the_admin_and_open_it(
    client, staff_in, role
):
    staff_in(role)

    index = client.get("/admin/").content.decode()
    assert f'href="{URL}"' in index
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["title"] == "Sales dashboard"


def test_links_to_orders_show_only_to_staff_who_may_open_them(client, staff_in):
    order = order_on(timezone.now())
    refund(order, "5.00")

    staff_in(REPORTS)
    assert "/admin/orders/order/?q=" not in client.get(URL).content.decode()
    staff_in(ORDER_MANAGERS)
    assert f"/admin/orders/order/?q={order.number}" in client.get(URL).content.decode()


# --- the period -------------------------------------------------------------------------


def test_nothing_chosen_is_the_last_30_days_and_a_preset_ends_today(admin_client):
    shown = admin_client.get(URL).context["period"]
    assert (shown.first_day, shown.last_day) == (today() - timedelta(days=29), today())

    shown = admin_client.get(URL, {"days": 7}).context["period"]
    assert (shown.first_day, shown.last_day, shown.days) == (
        today() - timedelta(days=6),
        today(),
        7,
    )

    response = admin_client.get(URL, {"start": "2026-01-01", "end": "2026-01-31"})
    assert response.context["period"].days == 31
    assert 'value="2026-01-01"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"start": "2026-02-30"}, "Enter a valid date."),
        ({"start": "yesterday"}, "Enter a valid date."),
        ({"start": "2026-03-02", "end": "2026-03-01"}, "must start on or before the day it ends"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "choose at most 366 days"),
        ({"start": "0001-01-01"}, "choose at most 366 days"),
        ({"end": "9999-12-31"}, "cannot end after today"),
        ({"days": "10000"}, "Select a valid choice."),
    ],
)
def test_a_bad_period_is_the_form_again_with_its_error_never_a_server_error(
    admin_client, query, said
):
    response = admin_client.get(URL, query)

    assert response.status_code == 400
    assert said in response.content.decode()
    assert "report" not in response.context

    download = admin_client.get(f"{URL}daily.csv", query)
    assert download.status_code == 400
    assert download["Content-Type"].startswith("text/plain")
    assert download.content.decode().startswith("invalid_period: ")
    assert said in download.content.decode()


def test_a_period_of_366_days_is_the_longest_shown(admin_client):
    start = today() - timedelta(days=365)

    assert admin_client.get(URL, {"start": start.isoformat()}).status_code == 200
    longer = {"start": (start - timedelta(days=1)).isoformat()}
    assert admin_client.get(URL, longer).status_code == 400


# --- the page ---------------------------------------------------------------------------


def test_the_page_shows_the_periods_figures_charts_and_tables(admin_client):
    order_on(timezone.now(), [("TEE-M", 2, "20.00")], refunded="5.00")

    response = admin_client.get(URL, {"days": 7})
    page = response.content.decode()

    figures = response.context["report"].total
    assert (figures.orders, figures.revenue, figures.refunded) == (
        1,
        Decimal("45.00"),
        Decimal("5.00"),
    )
    for shown in ("€45.00", "€40.00", "Average order value", "Revenue net of refunds"):
        assert shown in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2
    assert page.count('class="bar"') == 14  # a bar a day, in each of the two charts
    for table in (
        "daily",
        "statuses",
        "products",
        "categories",
        "refunds",
        "flagged",
        "low-stock",
        "parked",
    ):
        assert f'id="{table}"' in page
        assert f"{URL}{table}.csv?start=" in page


def test_the_page_holds_no_inline_script_or_style_for_the_content_security_policy(admin_client):
    order_on(timezone.now())

    response = admin_client.get(URL)

    assert inline_code(response.content.decode()) == {}
    assert "/static/reports/dashboard.css" in response.content.decode()


# --- CSV --------------------------------------------------------------------------------


def test_a_table_downloads_as_csv_with_a_stable_name_and_numbers_as_numbers(admin_client):
    order_on(timezone.now(), [("TEE-M", 2, "20.00")], refunded="5.00")
    day = today().isoformat()

    response = admin_client.get(f"{URL}daily.csv", {"start": day, "end": day})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="sales-daily-{day}-to-{day}.csv"'
    )
    assert response.content.decode().endswith("\r\n")
    assert csv_rows(response) == [
        ["Day", "Orders", "Revenue", "Refunded", "Net revenue"],
        [day, "1", "45.00", "5.00", "40.00"],
    ]


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text(admin_client):
    tricky = ['=HYPERLINK("http://evil.example/")', "+1", "-2", "@SUM(A1)"]
    for number, name in enumerate(tricky):
        order = order_on(timezone.now(), [(f"SKU-{number}", 1, "10.00")])
        OrderLine.objects.filter(order=order).update(product_name=name)
        refund(order, "1.00", reason=name)

    products = csv_rows(admin_client.get(f"{URL}products.csv"))
    refunds = csv_rows(admin_client.get(f"{URL}refunds.csv"))

    assert sorted(row[0] for row in products[1:]) == sorted(f"'{name}" for name in tricky)
    assert sorted(row[5] for row in refunds[1:]) == sorted(f"'{name}" for name in tricky)
    assert {row[3] for row in refunds[1:]} == {"1.00"}


def test_an_unknown_table_is_not_found(admin_client):
    assert admin_client.get(f"{URL}customers.csv").status_code == 404


# --- queries ----------------------------------------------------------------------------


def orders_on_days(days, tag: str) -> None:
    """
    An order on each of ``days`` (noon, shop time), each with a SKU of its
    own: one placed through orders, the rest copied from it in bulk.
    """
    first = order_on(timezone.now(), [(f"{tag}-0", 1, "10.00")])
    copied = ("email", "currency", "subtotal", "shipping_cost", "total", "shipping_method")
    checkouts = Checkout.objects.bulk_create(
        Checkout(
            **{field: getattr(first.checkout, field) for field in copied},
            status=first.checkout.status,
            shipping_address=first.shipping_address,
            reservation_key=f"{tag}-{number}",
            expires_at=first.checkout.expires_at,
        )
        for number in range(1, len(days) + 1)
    )
    orders = Order.objects.bulk_create(
        Order(
            **{field: getattr(first, field) for field in copied},
            number=f"{tag}-{number}",
            checkout=checkout,
            shipping_address=first.shipping_address,
            payment_reference=f"{tag}-{number}",
            placed_at=timezone.make_aware(datetime.combine(day, time(12))),
        )
        for number, (day, checkout) in enumerate(zip(days, checkouts, strict=True), start=1)
    )
    OrderLine.objects.bulk_create(
        OrderLine(order=order, sku=f"{tag}-{n}", product_name="Tee", unit_price=10, quantity=1)
        for n, order in enumerate(orders, start=1)
    )


def queries_of(client, query: dict) -> int:
    with AllQueries() as queries:
        response = client.get(URL, query)
    assert response.status_code == 200
    return len(queries)


def test_the_page_runs_as_many_queries_for_a_year_of_orders_as_for_a_day(admin_client):
    day = today().isoformat()
    orders_on_days([today()], "DAY")
    admin_client.get(URL)  # the session and the user, read once
    one_day = queries_of(admin_client, {"start": day, "end": day})

    orders_on_days([today() - timedelta(days=n) for n in range(1, 366)], "YEAR")
    a_year = queries_of(admin_client, {"days": 365})

    assert Order.objects.count() > 365
    assert a_year == one_day
    assert one_day <= 30
