"""
The source scan behind ``manage.py check`` (shop/core/checks/boundaries.py):
each way around another service's public interface that import-linter cannot
see is planted in a small fake shop and must be reported.
"""

import textwrap

import pytest
from django.core.checks import run_checks

from shop.core.checks import boundaries

OWNERS = {
    "core": "core",
    "catalog": "catalog",
    "accounts": "accounts",
    "cart": "cart",
    "payments": "payments",
    "orders": "orders",
    "auth": "accounts",
    "account": "accounts",
}

CATALOG_PUBLIC = """
from . import selectors as _selectors
from .errors import OutOfStock

__all__ = ["OutOfStock", "get_variants"]


def get_variants(skus: tuple[str, ...]) -> dict:
    return {}
"""
PAYMENTS_EVENTS = """
from shop.core.events import Event

__all__ = ["PaymentSucceeded"]


class PaymentSucceeded(Event):
    pass


class Internal(Event):
    pass
"""


@pytest.fixture
def fake_shop(tmp_path):
    root = tmp_path / "shop"
    for app in ("core", "catalog", "accounts", "cart", "payments", "orders"):
        (root / app).mkdir(parents=True)
        (root / app / "__init__.py").touch()
        (root / app / "public.py").write_text("__all__ = []\n")
        (root / app / "events.py").write_text("__all__ = []\n")
    (root / "__init__.py").touch()
    (root / "catalog" / "public.py").write_text(CATALOG_PUBLIC)
    (root / "payments" / "events.py").write_text(PAYMENTS_EVENTS)

    def scan(**modules: str) -> list[tuple[str, str]]:
        for dotted, source in modules.items():
            path = root / f"{dotted.replace('.', '/')}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source))
        found = boundaries.scan(root, OWNERS)
        return [(finding.id, finding.message) for finding in found]

    scan.root = root
    return scan


def ids(findings) -> list[str]:
    return [error_id for error_id, _message in findings]


def test_a_clean_fake_shop_has_nothing_to_report(fake_shop):
    assert fake_shop() == []


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "from shop.catalog import public as catalog\nimage = catalog._ProductImage",
            id="private-name-through-an-alias",
        ),
        pytest.param(
            "from shop.catalog import public as catalog\n"
            "def f():\n    return catalog.selectors.variants_by_sku(['A'])",
            id="internal-module-through-public",
        ),
        pytest.param("from shop.catalog.public import _selectors", id="from-public-import"),
        pytest.param(
            "import shop.catalog.public\nshop.catalog.public._selectors", id="dotted-path"
        ),
        pytest.param("import shop.catalog.public as catalog\ncatalog.ProductImage", id="import-as"),
        pytest.param(
            "from shop.payments import events\nevents.Internal", id="unlisted-event-class"
        ),
    ],
)
def test_a_name_not_in_another_apps_all_is_reported(fake_shop, source):
    findings = fake_shop(**{"orders.services": source})

    assert ids(findings) == ["shop.E030"], findings


def test_names_in_all_are_the_interface_and_pass(fake_shop):
    findings = fake_shop(
        **{
            "orders.services": """
                from shop.catalog import public as catalog
                from shop.catalog.public import OutOfStock
                from shop.payments.events import PaymentSucceeded

                def f():
                    try:
                        return catalog.get_variants(("A",))
                    except catalog.OutOfStock:
                        return None
            """,
            "catalog.services": "from . import selectors\nselectors.variants_by_sku",
        }
    )

    assert findings == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("catalog.services", "from . import public"),
        ("catalog.services", "from .public import get_variants"),
        ("catalog.api.views", "from .. import public"),
        ("catalog.api.views", "from ..public import OutOfStock"),
        ("catalog.selectors", "from shop.catalog.public import OutOfStock"),
        ("catalog.selectors", "from shop.catalog import public"),
    ],
)
def test_an_apps_own_code_importing_its_public_module_is_reported(fake_shop, module, source):
    findings = fake_shop(**{module: source})

    assert ids(findings) == ["shop.E036"], findings


def test_a_public_module_without_all_or_listing_an_undefined_name_is_reported(fake_shop):
    findings = fake_shop(
        **{
            "cart.public": "from . import selectors\n\ndef get_cart_lines(): ...",
            "accounts.events": "__all__ = ['UserDeleted']",
        }
    )

    assert sorted(ids(findings)) == ["shop.E031", "shop.E031"], findings
    assert any("has no __all__" in message for _id, message in findings)
    assert any("'UserDeleted'" in message for _id, message in findings)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "from django.apps import apps\nVariant = apps.get_model('catalog', 'Variant')",
            id="get-model-app-and-name",
        ),
        pytest.param(
            "from django.apps import apps\nVariant = apps.get_model('catalog.Variant')",
            id="get-model-dotted",
        ),
        pytest.param(
            "from django.apps import apps\n"
            "EmailAddress = apps.get_model('account', 'EmailAddress')",
            id="get-model-of-a-library-another-service-owns",
        ),
        pytest.param(
            "from django.apps import apps\nconfig = apps.get_app_config('payments')",
            id="get-app-config",
        ),
    ],
)
def test_a_model_looked_up_by_name_in_another_service_is_reported(fake_shop, source):
    findings = fake_shop(**{"orders.services": source})

    assert ids(findings) == ["shop.E032"], findings


def test_a_service_may_look_up_its_own_and_its_libraries_models_and_migrations_are_skipped(
    fake_shop,
):
    findings = fake_shop(
        **{
            "accounts.signals": "from django.apps import apps\napps.get_model('auth', 'Group')",
            "orders.checks": "from django.apps import apps\napps.get_model('orders', 'Order')",
            "orders.migrations.0002_data": "def f(apps, schema):\n"
            "    apps.get_model('catalog', 'Variant')",
        }
    )

    assert findings == []


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "import importlib\nmodels = importlib.import_module('shop.catalog.models')",
            id="import-module",
        ),
        pytest.param(
            "from importlib import import_module\nimport_module('shop.payments.services')",
            id="import-module-bare",
        ),
        pytest.param(
            "from django.utils.module_loading import import_string\n"
            "refund = import_string('shop.payments.services.refund_payment')",
            id="import-string",
        ),
        pytest.param("models = __import__('shop.catalog.models')", id="dunder-import"),
    ],
)
def test_another_apps_module_imported_by_name_is_reported(fake_shop, source):
    findings = fake_shop(**{"orders.services": source})

    assert ids(findings) == ["shop.E033"], findings


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "from django.db.models.signals import post_save\n"
            "from django.dispatch import receiver\n\n"
            "@receiver(post_save, sender='catalog.Variant')\n"
            "def on_variant_saved(sender, **kwargs): ...",
            id="receiver-decorator",
        ),
        pytest.param(
            "from django.db.models.signals import post_delete\n\n"
            "def on_user_deleted(sender, **kwargs): ...\n\n"
            "post_delete.connect(on_user_deleted, sender='auth.User')",
            id="connect-to-a-model-of-a-library-another-service-owns",
        ),
    ],
)
def test_a_signal_receiver_on_another_services_model_is_reported(fake_shop, source):
    findings = fake_shop(**{"cart.signals": source})

    assert ids(findings) == ["shop.E034"], findings


def test_a_data_module_may_import_only_the_standard_library(fake_shop):
    clean = fake_shop(
        **{
            "catalog.data": """
                from __future__ import annotations
                import datetime
                from collections.abc import Sequence
                from dataclasses import dataclass
                from decimal import Decimal
            """
        }
    )
    findings = fake_shop(
        **{
            "catalog.data": """
                from dataclasses import dataclass
                from django.db import models
                from shop.core.money import quantize
                from .models import Variant
            """
        }
    )

    assert clean == []
    assert ids(findings) == ["shop.E035"] * 3, findings


def test_manage_py_check_reports_what_the_scan_finds(fake_shop, monkeypatch):
    fake_shop(**{"orders.services": "from shop.catalog import public\npublic._ProductImage"})
    monkeypatch.setattr(boundaries, "shop_root", lambda: fake_shop.root)

    errors = [error for error in run_checks() if error.id.startswith("shop.E03")]

    assert [error.id for error in errors] == ["shop.E030"]
    assert "orders/services.py:2" in errors[0].msg


def test_the_shop_keeps_its_boundaries():
    assert boundaries.scan(boundaries.shop_root(), boundaries.ownership()) == []
