"""The catalog API as an integrator sees it: browsing for anyone, stock and prices for staff."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from shop.catalog.models import ProductImage, Reservation, ReservationLine, StockMovement, Variant
from shop.catalog.services import listing
from tests.api.contract import assert_documented
from tests.catalog.factories import make_category, make_product

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/catalog/products/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def customer_api():
    client = APIClient()
    client.force_authenticate(get_user_model().objects.create_user(email="ada@example.com"))
    return client


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


def reserve(sku: str, quantity: int, *, expires_in=timedelta(minutes=15), key="checkout-1"):
    """A hold written as rows (it may have expired already), then what the service does after."""
    variant = Variant.objects.get(sku=sku)
    reservation = Reservation.objects.create(key=key, expires_at=timezone.now() + expires_in)
    ReservationLine.objects.create(reservation=reservation, variant=variant, quantity=quantity)
    listing.refresh([variant.product_id])


def jpeg(name="photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def stock(sku: str) -> int:
    return Variant.objects.get(sku=sku).stock_on_hand


# --- categories ---------------------------------------------------------------------


def test_category_tree_nests_subcategories_under_their_parent(api):
    clothing = make_category("Clothing", position=1)
    make_category("Shirts", parent=clothing, position=2)
    make_category("Trousers", parent=clothing, position=1)
    make_category("Books", position=0)

    response = api.get("/api/v1/catalog/categories/")

    assert response.status_code == 200
    tree = response.json()
    assert [node["slug"] for node in tree] == ["books", "clothing"]
    assert [child["name"] for child in tree[1]["children"]] == ["Trousers", "Shirts"]
    assert tree[1]["children"][0]["children"] == []
    assert tree[1]["products"] == "http://testserver/api/v1/catalog/products/?category=clothing"


def test_category_tree_is_one_query_however_deep(api, django_assert_num_queries):
    parent = None
    for depth in range(5):
        parent = make_category(f"Level {depth}", parent=parent)

    with django_assert_num_queries(1):
        response = api.get("/api/v1/catalog/categories/")

    node = response.json()[0]
    for _ in range(4):
        node = node["children"][0]
    assert node["slug"] == "level-4"


def test_api_root_links_to_the_catalog_lists(api):
    resources = api.get("/api/v1/").json()["resources"]

    assert resources["catalog/categories"] == "http://testserver/api/v1/catalog/categories/"
    assert resources["catalog/products"] == "http://testserver/api/v1/catalog/products/"


# --- product list -------------------------------------------------------------------


def test_category_filter_includes_products_of_its_subcategories(api):
    clothing = make_category("Clothing")
    shirts = make_category("Shirts", parent=clothing)
    make_product("Coat", category=clothing)
    make_product("Oxford shirt", category=shirts)
    make_product("Novel", category=make_category("Books"))

    assert names(api.get(PRODUCTS, {"category": "clothing"})) == ["Coat", "Oxford shirt"]
    assert names(api.get(PRODUCTS, {"category": "shirts"})) == ["Oxford shirt"]
    assert names(api.get(PRODUCTS, {"category": "no-such-category"})) == []


def test_price_range_keeps_products_whose_lowest_price_is_inside(api):
    make_product("Cheap", price="5.00")
    make_product("Middle", price="20.00")
    make_product("Dear", price="80.00")
    make_product("Mixed", variants=[{"price": Decimal("90.00")}, {"price": Decimal("15.00")}])

    response = api.get(PRODUCTS, {"min_price": "10", "max_price": "20"})

    assert sorted(names(response)) == ["Middle", "Mixed"]


def test_in_stock_filter_hides_products_whose_stock_is_all_reserved(api):
    make_product("Plenty", stock=5)
    make_product("Sold out", stock=0)
    held = make_product("Held", stock=2)
    reserve(held.variants.get().sku, 2)

    response = api.get(PRODUCTS, {"in_stock": "true"})
    everything = api.get(PRODUCTS)

    assert names(response) == ["Plenty"]
    assert {item["name"]: item["in_stock"] for item in everything.json()["results"]} == {
        "Held": False,
        "Plenty": True,
        "Sold out": False,
    }


def test_search_finds_products_by_words_and_by_exact_sku(api):
    make_product("Linen shirt", description="Cool in summer")
    make_product("Wool jumper", description="Warm in winter", variants=[{"sku": "JUMP-M"}])
    make_product("Socks")

    by_words = api.get(PRODUCTS, {"q": "summer"})
    by_sku = api.get(PRODUCTS, {"q": "JUMP-M"})

    assert names(by_words) == ["Linen shirt"]
    assert names(by_sku) == ["Wool jumper"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price", ["B", "C", "A"]),
        ("-price", ["A", "C", "B"]),
        ("name", ["A", "B", "C"]),
        ("-name", ["C", "B", "A"]),
        ("newest", ["C", "A", "B"]),
    ],
)
def test_products_sort_by_the_ordering_asked_for(api, ordering, expected):
    now = timezone.now()
    make_product("A", price="30.00", created_at=now - timedelta(days=1))
    make_product("B", price="10.00", created_at=now - timedelta(days=2))
    make_product("C", price="20.00", created_at=now)

    response = api.get(PRODUCTS, {"ordering": ordering})

    assert names(response) == expected


def test_page_size_splits_the_list_into_linked_pages(api):
    for letter in "ABCDE":
        make_product(letter)

    first = api.get(PRODUCTS, {"page_size": 2}).json()
    last = api.get(PRODUCTS, {"page_size": 2, "page": 3}).json()

    assert first["count"] == 5
    assert [item["name"] for item in first["results"]] == ["A", "B"]
    assert "page=2" in first["next"]
    assert [item["name"] for item in last["results"]] == ["E"]
    assert last["next"] is None


def test_inactive_products_are_not_listed(api):
    make_product("Shown")
    make_product("Hidden", is_active=False)

    assert names(api.get(PRODUCTS)) == ["Shown"]


def test_list_item_shows_prices_currency_thumbnail_and_detail_link(api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SHOP_CURRENCY = "EUR"
    shirts = make_category("Shirts")
    product = make_product(
        "Tee",
        category=shirts,
        variants=[
            {"price": Decimal("19.90"), "compare_at_price": Decimal("24.90")},
            {"price": Decimal("29.90")},
        ],
    )
    ProductImage.objects.create(product=product, image=jpeg("second.jpg"), position=2)
    first = ProductImage.objects.create(product=product, image=jpeg("first.jpg"), position=1)
    make_product("Plain")

    items = {item["name"]: item for item in api.get(PRODUCTS).json()["results"]}

    tee = items["Tee"]
    assert tee["price_from"] == "19.90"
    assert tee["compare_at_from"] == "24.90"
    assert tee["currency"] == "EUR"
    assert tee["category"] == {"slug": "shirts", "name": "Shirts"}
    assert tee["thumbnail"] == f"http://testserver{first.list_thumbnail.url}"
    assert tee["url"] == f"http://testserver/api/v1/catalog/products/{product.slug}/"
    assert items["Plain"]["thumbnail"] is None
    assert items["Plain"]["category"] is None
    assert items["Plain"]["compare_at_from"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_price": "cheap"}, "min_price"),
        ({"max_price": "-5"}, "max_price"),
        ({"min_price": "50", "max_price": "10"}, "max_price"),
        ({"ordering": "popularity"}, "ordering"),
    ],
)
def test_invalid_query_parameter_is_a_400_naming_the_parameter(api, params, field):
    make_product()

    response = api.get(PRODUCTS, params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert isinstance(body[field], list) and body[field][0]


@pytest.mark.parametrize("ordering", ["name", "-price", "newest"])
def test_following_next_and_previous_walks_every_product_once_by_the_rows_keys(api, ordering):
    for number in range(11):
        make_product(f"P{number % 4}", price=f"{number % 3}.00")
    by_number = [
        api.get(PRODUCTS, {"ordering": ordering, "page_size": 3, "page": page}).json()["results"]
        for page in range(1, 5)
    ]

    pages, body = [], api.get(PRODUCTS, {"ordering": ordering, "page_size": 3}).json()
    while True:
        pages.append(body["results"])
        if not body["next"]:
            break
        assert "after=" in body["next"]
        body = api.get(body["next"]).json()
    back = [body["results"]]
    while body["previous"]:
        body = api.get(body["previous"]).json()
        back.append(body["results"])

    assert pages == by_number == back[::-1]
    assert sum(len(page) for page in pages) == body["count"] == 11


def test_page_past_the_end_is_a_404_with_a_code(api):
    make_product()

    response = api.get(PRODUCTS, {"page": 9})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("count", [1, 50])
def test_product_list_runs_the_same_queries_for_1_and_50_products(
    api, django_assert_num_queries, count
):
    category = make_category("Everything")
    for number in range(count):
        product = make_product(
            category=category, variants=[{"price": Decimal(5 + number)}, {"stock_on_hand": 0}]
        )
        reserve(product.variants.first().sku, 1, key=f"checkout-{number}")
    ProductImage.objects.bulk_create(
        ProductImage(product=product, image=f"products/{product.slug}.jpg")
        for product in category.products.all()
    )

    # The next sale boundary, the category tree, whether some stored prices are past their
    # moment, the count and the page with each product's first image.
    with django_assert_num_queries(5):
        response = api.get(
            PRODUCTS,
            {"category": "everything", "in_stock": "true", "ordering": "price", "page_size": 50},
        )

    results = response.json()["results"]
    assert len(results) == count
    assert all(item["thumbnail"] for item in results)


# --- product detail -----------------------------------------------------------------


def test_product_detail_shows_variants_with_what_is_available_now(api, settings):
    settings.CATALOG_LOW_STOCK_THRESHOLD = 3
    product = make_product(
        "Tee",
        description="Organic cotton.",
        variants=[
            {"sku": "TEE-M", "options": {"size": "M"}, "stock_on_hand": 10},
            {"sku": "TEE-L", "options": {"size": "L"}, "stock_on_hand": 4},
            {"sku": "TEE-XL", "options": {"size": "XL"}, "stock_on_hand": 0},
            {"sku": "TEE-OLD", "is_active": False},
        ],
    )
    reserve("TEE-L", 2)
    reserve("TEE-M", 5, expires_in=timedelta(minutes=-1), key="expired-checkout")

    response = api.get(f"{PRODUCTS}{product.slug}/")

    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "Organic cotton."
    assert body["in_stock"] is True
    variants = {variant["sku"]: variant for variant in body["variants"]}
    assert list(variants) == ["TEE-M", "TEE-L", "TEE-XL"]
    assert variants["TEE-M"] == {
        "sku": "TEE-M",
        "options": {"size": "M"},
        "label": "M",
        "price": "10.00",
        "compare_at_price": None,
        "on_sale": False,
        "sale": None,
        "available": 10,
        "low_stock": False,
    }
    assert (variants["TEE-L"]["available"], variants["TEE-L"]["low_stock"]) == (2, True)
    assert (variants["TEE-XL"]["available"], variants["TEE-XL"]["low_stock"]) == (0, False)


def test_product_detail_lists_images_with_detail_and_thumbnail_urls(api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = make_product("Tee")
    image = ProductImage.objects.create(product=product, image=jpeg(), alt_text="Front")

    images = api.get(f"{PRODUCTS}{product.slug}/").json()["images"]

    assert images == [
        {
            "image": f"http://testserver{image.detail_image.url}",
            "thumbnail": f"http://testserver{image.list_thumbnail.url}",
            "alt_text": "Front",
        }
    ]


def test_simple_product_has_one_variant_without_options(api):
    product = make_product("Mug", price="8.50", variants=[{"sku": "MUG"}])

    body = api.get(f"{PRODUCTS}{product.slug}/").json()

    assert body["price_from"] == "8.50"
    assert [(v["sku"], v["options"], v["label"]) for v in body["variants"]] == [("MUG", {}, "")]


@pytest.mark.parametrize("slug", ["retired", "no-such-product"])
def test_inactive_or_unknown_product_is_a_404_not_found(api, slug):
    make_product("Retired", slug="retired", is_active=False)

    response = api.get(f"{PRODUCTS}{slug}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("count", [1, 20])
def test_product_detail_runs_the_same_queries_whatever_its_variants(
    api, django_assert_num_queries, count
):
    product = make_product(variants=[{"sku": f"V-{n}"} for n in range(count)])

    # The next sale boundary, the product, its variants with prices and availability, its images.
    with django_assert_num_queries(4):
        response = api.get(f"{PRODUCTS}{product.slug}/")

    assert len(response.json()["variants"]) == count


# --- staff: stock and prices ----------------------------------------------------------


def test_staff_price_and_stock_count_are_visible_on_the_next_request(api, staff_api):
    product = make_product("Tee", price="20.00", stock=3, variants=[{"sku": "TEE"}])

    response = staff_api.patch(
        "/api/v1/catalog/variants/TEE/",
        {"price": "17.90", "compare_at_price": "20.00", "stock_on_hand": 40, "note": "Count"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["stock_on_hand"] == 40
    variant = api.get(f"{PRODUCTS}{product.slug}/").json()["variants"][0]
    assert (variant["price"], variant["compare_at_price"], variant["on_sale"]) == (
        "17.90",
        "20.00",
        True,
    )
    assert variant["available"] == 40
    assert StockMovement.objects.get(variant__sku="TEE").note == "Count"


def test_staff_can_end_a_sale_without_resending_the_price(staff_api):
    make_product(variants=[{"sku": "TEE", "price": Decimal("9"), "compare_at_price": 12}])

    response = staff_api.patch("/api/v1/catalog/variants/TEE/", {"compare_at_price": None})

    assert response.status_code == 200
    assert (response.json()["price"], response.json()["compare_at_price"]) == ("9.00", None)


def test_staff_sees_stock_on_hand_reserved_and_available_of_a_sku(staff_api):
    make_product(variants=[{"sku": "TEE", "stock_on_hand": 10}])
    reserve("TEE", 4)

    body = staff_api.get("/api/v1/catalog/variants/TEE/").json()

    assert (body["stock_on_hand"], body["reserved"], body["available"]) == (10, 4, 6)


def test_refused_price_leaves_the_stock_count_unchanged_too(staff_api):
    make_product(variants=[{"sku": "TEE", "stock_on_hand": 3}])

    response = staff_api.patch(
        "/api/v1/catalog/variants/TEE/", {"price": "-1", "stock_on_hand": 50}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "price" in response.json()
    assert stock("TEE") == 3


def test_stock_adjustment_adds_received_units_once_per_idempotency_key(staff_api):
    make_product(variants=[{"sku": "TEE", "stock_on_hand": 5}])
    url = "/api/v1/catalog/variants/TEE/stock-adjustments/"

    first = staff_api.post(url, {"delta": 10, "note": "Receipt"}, HTTP_IDEMPOTENCY_KEY="GR-1")
    retry = staff_api.post(url, {"delta": 10, "note": "Receipt"}, HTTP_IDEMPOTENCY_KEY="GR-1")

    assert first.status_code == retry.status_code == 200
    assert retry.json()["stock_on_hand"] == 15
    assert stock("TEE") == 15


def test_an_idempotency_key_reused_for_another_delta_is_refused_not_ignored(staff_api):
    make_product(variants=[{"sku": "TEE", "stock_on_hand": 5}])
    url = "/api/v1/catalog/variants/TEE/stock-adjustments/"
    staff_api.post(url, {"delta": 10}, HTTP_IDEMPOTENCY_KEY="GR-1")

    reused = staff_api.post(url, {"delta": 3}, HTTP_IDEMPOTENCY_KEY="GR-1")

    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert_documented(reused, "post", "/api/v1/catalog/variants/{sku}/stock-adjustments/")
    assert stock("TEE") == 15


def test_removing_more_stock_than_on_hand_is_a_409_insufficient_stock(staff_api):
    make_product(variants=[{"sku": "TEE", "stock_on_hand": 2}])

    response = staff_api.post("/api/v1/catalog/variants/TEE/stock-adjustments/", {"delta": -5})

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert stock("TEE") == 2


def test_a_255_character_idempotency_key_is_accepted_and_honoured(staff_api):
    make_product(variants=[{"sku": "TEE", "stock_on_hand": 2}])
    url = "/api/v1/catalog/variants/TEE/stock-adjustments/"
    key = "k" * 255

    first = staff_api.post(url, {"delta": 1}, HTTP_IDEMPOTENCY_KEY=key)
    retry = staff_api.post(url, {"delta": 1}, HTTP_IDEMPOTENCY_KEY=key)

    assert first.status_code == retry.status_code == 200, first.content
    assert stock("TEE") == 3
    assert StockMovement.objects.get().key == f"adjustment:{key}"


@pytest.mark.parametrize(
    "key", ["k" * 256, "GR-1\x00", "GR\n1"], ids=["256 characters", "NUL", "newline"]
)
@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/api/v1/catalog/variants/TEE/stock-adjustments/", {"delta": 1}),
        ("/api/v1/catalog/stock/", {"items": [{"sku": "TEE", "on_hand": 9}]}),
    ],
    ids=["adjustment", "bulk"],
)
def test_an_unusable_idempotency_key_is_refused_before_anything_changes(
    staff_api, url, payload, key
):
    make_product(variants=[{"sku": "TEE", "stock_on_hand": 2}])

    response = staff_api.post(url, payload, HTTP_IDEMPOTENCY_KEY=key)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    documented = url.replace("/TEE/", "/{sku}/")
    assert_documented(response, "post", documented)
    assert stock("TEE") == 2
    assert not StockMovement.objects.exists()


WRITES = [
    ("patch", "/api/v1/catalog/variants/TEE/", {"stock_on_hand": 99, "price": "1.00"}),
    ("post", "/api/v1/catalog/variants/TEE/stock-adjustments/", {"delta": 90}),
    ("post", "/api/v1/catalog/stock/", {"items": [{"sku": "TEE", "on_hand": 99}]}),
]


@pytest.mark.parametrize(("method", "url", "payload"), WRITES)
@pytest.mark.parametrize(
    ("client", "code"),
    [("api", "not_authenticated"), ("customer_api", "permission_denied")],
)
def test_non_staff_cannot_change_stock_or_prices(request, client, code, method, url, payload):
    make_product(variants=[{"sku": "TEE", "stock_on_hand": 9, "price": Decimal("5")}])

    response = getattr(request.getfixturevalue(client), method)(url, payload)

    assert response.status_code in (401, 403)
    assert response.json()["code"] == code
    assert Variant.objects.filter(sku="TEE", stock_on_hand=9, price=Decimal("5")).exists()


@pytest.mark.parametrize(
    ("method", "url", "payload"),
    [("get", "/api/v1/catalog/variants/NOPE/", None)]
    + [(method, url.replace("TEE", "NOPE"), payload) for method, url, payload in WRITES[:2]],
)
def test_unknown_sku_is_a_404_variant_not_found(staff_api, method, url, payload):
    response = getattr(staff_api, method)(url, payload)

    assert response.status_code == 404
    assert response.json()["code"] == "variant_not_found"
    assert response.json()["sku"] == "NOPE"


def test_bulk_stock_sets_every_sku_and_answers_in_the_order_sent(staff_api):
    make_product(variants=[{"sku": "A", "stock_on_hand": 1}, {"sku": "B", "stock_on_hand": 1}])
    reserve("A", 1)

    response = staff_api.post(
        "/api/v1/catalog/stock/",
        {"items": [{"sku": "B", "on_hand": 0}, {"sku": "A", "on_hand": 7}], "note": "Nightly"},
    )

    assert response.status_code == 200, response.content
    assert [(i["sku"], i["stock_on_hand"], i["available"]) for i in response.json()["items"]] == [
        ("B", 0, 0),
        ("A", 7, 6),
    ]
    assert (stock("A"), stock("B")) == (7, 0)


def test_bulk_stock_with_one_unknown_sku_changes_nothing_and_names_it(staff_api):
    make_product(variants=[{"sku": "A", "stock_on_hand": 1}, {"sku": "B", "stock_on_hand": 1}])

    response = staff_api.post(
        "/api/v1/catalog/stock/",
        {
            "items": [
                {"sku": "A", "on_hand": 5},
                {"sku": "GHOST", "on_hand": 5},
                {"sku": "B", "on_hand": 5},
            ]
        },
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_items"
    assert [(e["index"], e["sku"], e["code"]) for e in body["errors"]] == [
        (1, "GHOST", "variant_not_found")
    ]
    assert (stock("A"), stock("B")) == (1, 1)
    assert not StockMovement.objects.exists()


def test_bulk_stock_retried_with_the_same_key_does_not_undo_later_sales(staff_api):
    make_product(variants=[{"sku": "A", "stock_on_hand": 0}])
    report = {"items": [{"sku": "A", "on_hand": 10}]}
    staff_api.post("/api/v1/catalog/stock/", report, HTTP_IDEMPOTENCY_KEY="report-7")
    Variant.objects.filter(sku="A").update(stock_on_hand=8)  # two sold meanwhile

    retry = staff_api.post("/api/v1/catalog/stock/", report, HTTP_IDEMPOTENCY_KEY="report-7")

    assert retry.status_code == 200
    assert stock("A") == 8


def test_a_stock_report_reusing_a_key_with_other_counts_changes_nothing_and_says_which(
    staff_api,
):
    make_product(variants=[{"sku": "A", "stock_on_hand": 0}, {"sku": "B", "stock_on_hand": 0}])
    first = {"items": [{"sku": "A", "on_hand": 10}]}
    staff_api.post("/api/v1/catalog/stock/", first, HTTP_IDEMPOTENCY_KEY="report-7")
    other = {"items": [{"sku": "B", "on_hand": 4}, {"sku": "A", "on_hand": 12}]}

    response = staff_api.post("/api/v1/catalog/stock/", other, HTTP_IDEMPOTENCY_KEY="report-7")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_items"
    assert [(e["sku"], e["code"]) for e in response.json()["errors"]] == [
        ("A", "idempotency_key_reused")
    ]
    assert (stock("A"), stock("B")) == (10, 0)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"items": []}, "items"),
        ({"items": [{"sku": "A", "on_hand": -1}]}, "items"),
        ({"items": [{"sku": "A", "on_hand": 1}, {"sku": "A", "on_hand": 2}]}, "items"),
        ({}, "items"),
    ],
)
def test_malformed_bulk_stock_is_a_400_per_field_and_changes_nothing(staff_api, payload, field):
    make_product(variants=[{"sku": "A", "stock_on_hand": 3}])

    response = staff_api.post("/api/v1/catalog/stock/", payload)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()
    assert stock("A") == 3


# --- schema ---------------------------------------------------------------------------


def test_schema_documents_the_catalog_endpoints_and_validates(api, tmp_path):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    paths = schema["paths"]
    expected = {
        ("/api/v1/catalog/categories/", "get"),
        ("/api/v1/catalog/products/", "get"),
        ("/api/v1/catalog/products/{slug}/", "get"),
        ("/api/v1/catalog/variants/{sku}/", "get"),
        ("/api/v1/catalog/variants/{sku}/", "patch"),
        ("/api/v1/catalog/variants/{sku}/stock-adjustments/", "post"),
        ("/api/v1/catalog/stock/", "post"),
    }
    for path, method in expected:
        operation = paths[path][method]
        assert operation["tags"] == ["catalog"]
        assert operation["summary"]
        assert any(
            "examples" in content
            for response in operation["responses"].values()
            for content in response.get("content", {}).values()
        )
    parameters = {p["name"] for p in paths["/api/v1/catalog/products/"]["get"]["parameters"]}
    assert {"category", "q", "min_price", "max_price", "in_stock", "ordering"} <= parameters
    assert {"page", "page_size"} <= parameters
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yml")


def test_staff_outside_the_catalog_role_cannot_change_prices(api):
    support = get_user_model().objects.create_user(email="help@example.com", is_staff=True)
    support.groups.add(Group.objects.get(name="Support"))
    variant = make_product(price="10.00").variants.get()
    api.force_authenticate(support)

    response = api.patch(f"/api/v1/catalog/variants/{variant.sku}/", {"price": "1.00"})

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    variant.refresh_from_db()
    assert variant.price == Decimal("10.00")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("variants/{sku}/", {"stock_on_hand": 3_000_000_000}),
        ("variants/{sku}/stock-adjustments/", {"delta": 3_000_000_000}),
    ],
)
def test_stock_beyond_what_a_count_can_hold_is_a_400_not_a_crash(staff_api, path, body):
    variant = make_product(stock=5).variants.get()
    url = "/api/v1/catalog/" + path.format(sku=variant.sku)

    response = staff_api.patch(url, body) if "stock_on_hand" in body else staff_api.post(url, body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_quantity"
    variant.refresh_from_db()
    assert variant.stock_on_hand == 5


def test_a_stock_count_and_an_adjustment_with_the_same_key_are_both_applied(staff_api):
    variant = make_product(stock=5).variants.get()
    headers = {"Idempotency-Key": "erp-42"}

    staff_api.post(
        f"/api/v1/catalog/variants/{variant.sku}/stock-adjustments/", {"delta": 5}, headers=headers
    )
    staff_api.post(
        "/api/v1/catalog/stock/", {"items": [{"sku": variant.sku, "on_hand": 100}]}, headers=headers
    )

    variant.refresh_from_db()
    assert variant.stock_on_hand == 100


# --- answers as documented in /api/schema/ (found by tests/api/test_schema_fuzz.py) ----


@pytest.mark.parametrize(("method", "url", "payload"), WRITES)
def test_an_anonymous_caller_of_the_staff_api_gets_the_documented_401(api, method, url, payload):
    response = getattr(api, method)(url, payload)

    assert response.status_code == 401
    documented_path = url.replace("TEE", "{sku}")
    assert_documented(response, method, documented_path)


def test_an_empty_bulk_stock_count_is_refused_with_the_documented_400(staff_api):
    response = staff_api.post("/api/v1/catalog/stock/", {"items": []}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "items" in response.json()
    assert_documented(response, "post", "/api/v1/catalog/stock/")


@pytest.mark.parametrize(
    ("method", "url", "payload"),
    [
        ("get", "/api/v1/catalog/variants/TEE%00/", None),
        ("patch", "/api/v1/catalog/variants/TEE%00/", {"price": "1.00"}),
        ("post", "/api/v1/catalog/variants/%00/stock-adjustments/", {"delta": 1}),
    ],
)
def test_a_sku_with_a_nul_byte_is_not_found(staff_api, method, url, payload):
    """On PostgreSQL, which refuses NUL bytes in a query, these were server errors."""
    make_product(variants=[{"sku": "TEE"}])

    response = getattr(staff_api, method)(url, payload)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.fixture
def browser_api():
    """A caller with a cookie, whom the shared page cache never serves."""
    client = APIClient()
    client.cookies["csrftoken"] = "c" * 32
    return client


def test_a_caller_with_a_cookie_gets_the_product_list_from_the_catalog_cache_until_it_changes(
    browser_api, staff_api, django_assert_num_queries, django_capture_on_commit_callbacks
):
    make_product("Tee", variants=[{"sku": "TEE-1", "price": "10.00"}])
    first = browser_api.get(PRODUCTS, {"page_size": 24})

    with django_assert_num_queries(0):
        again = browser_api.get(PRODUCTS, {"page_size": 24})
    with django_capture_on_commit_callbacks(execute=True):
        staff_api.patch("/api/v1/catalog/variants/TEE-1/", {"price": "12.00"}, format="json")
    changed = browser_api.get(PRODUCTS, {"page_size": 24})

    assert "X-Page-Cache" not in first and "X-Page-Cache" not in again
    assert again.json() == first.json()
    assert first.json()["results"][0]["price_from"] == "10.00"
    assert changed.json()["results"][0]["price_from"] == "12.00"


def test_a_product_list_with_a_made_up_parameter_is_not_kept(
    browser_api, django_assert_num_queries
):
    make_product("Tee")
    browser_api.get(PRODUCTS, {"utm_source": "newsletter"})

    with django_assert_num_queries(3):  # prices due, count, the page with its first images
        response = browser_api.get(PRODUCTS, {"utm_source": "newsletter"})

    assert response.json()["count"] == 1
