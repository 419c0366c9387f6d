import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "importlinter.ini"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
APPS = (
    "core",
    "catalog",
    "accounts",
    "cart",
    "payments",
    "taxes",
    "shipping",
    "invoices",
    "promotions",
    "orders",
    "reports",
    "webhooks",
)

DIRECTION = "Apps depend one way; core depends on no app"
PRIVATE = "An app imports another app only through its public and events modules"


def lint_imports(cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = subprocess.run(
        [str(LINT_IMPORTS), "--config", str(CONFIG), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, " ".join((result.stdout + result.stderr).split())


def contract_names() -> list[str]:
    config = configparser.ConfigParser()
    config.read(CONFIG)
    return [
        config[section]["name"]
        for section in config.sections()
        if section.startswith("importlinter:contract:")
    ]


def broken(contract: str, output: str) -> bool:
    [name] = [name for name in contract_names() if name.startswith(contract)]
    return f"{name} BROKEN" in output


@pytest.fixture
def fake_shop(tmp_path):
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").touch()
    for app in APPS:
        package = shop / app
        package.mkdir()
        for module in ("__init__", "public", "events", "models"):
            (package / f"{module}.py").touch()

    def lint(**modules: str) -> tuple[int, str]:
        for path, source in modules.items():
            module = shop / f"{path.replace('.', '/')}.py"
            for package in module.relative_to(shop).parents:
                (shop / package).mkdir(exist_ok=True)
                (shop / package / "__init__.py").touch()
            module.write_text(source + "\n")
        env = {**os.environ, "PYTHONPATH": str(tmp_path)}
        return lint_imports(tmp_path, env)

    return lint


def test_the_project_keeps_its_import_contracts():
    returncode, output = lint_imports(ROOT)

    assert returncode == 0, output
    assert "0 broken" in output


def test_a_clean_fake_shop_keeps_the_contracts(fake_shop):
    returncode, output = fake_shop()

    assert returncode == 0, output
    assert "4 kept, 0 broken" in output


@pytest.mark.parametrize(
    ("module", "source", "contract"),
    [
        pytest.param(
            "cart.services",
            "from shop.catalog import models",
            PRIVATE,
            id="cart-imports-catalog-models",
        ),
        pytest.param(
            "catalog.services",
            "from shop.orders import public",
            DIRECTION,
            id="catalog-uses-orders",
        ),
        pytest.param(
            "core.util",
            "from shop.accounts import public",
            DIRECTION,
            id="core-uses-an-app",
        ),
        pytest.param(
            "cart.services",
            "from shop.accounts import public",
            "cart may use catalog but not accounts",
            id="cart-uses-accounts",
        ),
        pytest.param(
            "payments.services",
            "from shop.catalog import public",
            "payments may use accounts but not catalog",
            id="payments-uses-catalog",
        ),
        pytest.param(
            "orders.services",
            "from shop.payments.models import Payment",
            PRIVATE,
            id="orders-imports-payments-models",
        ),
        pytest.param(
            "orders.checkout.starting",
            "from shop.catalog.models import Reservation",
            PRIVATE,
            id="a-subpackage-imports-catalog-services",
        ),
        pytest.param(
            "accounts.services",
            "from shop.core import models\nfrom shop.catalog.models import Variant",
            PRIVATE,
            id="accounts-imports-catalog-models-beside-core",
        ),
    ],
)
def test_a_forbidden_import_breaks_the_contracts(fake_shop, module, source, contract):
    returncode, output = fake_shop(**{module: source})

    assert returncode != 0, output
    assert broken(contract, output), output


@pytest.mark.parametrize(
    "new_package",
    ["promotions", "loyalty"],
)
def test_a_new_package_under_shop_reaching_into_an_app_is_caught_without_editing_the_contracts(
    fake_shop, new_package
):
    returncode, output = fake_shop(
        **{
            f"{new_package}.__init__": "",
            f"{new_package}.services": "from shop.catalog.models import Variant",
        }
    )

    assert returncode != 0, output
    assert broken(PRIVATE, output), output
    # Nor does it have a place in the dependency order until someone gives it one.
    assert broken(DIRECTION, output), output


def test_orders_may_use_the_public_and_events_modules_of_lower_apps(fake_shop):
    returncode, output = fake_shop(
        **{"orders.services": "from shop.cart import public\nfrom shop.catalog import events"}
    )

    assert returncode == 0, output
