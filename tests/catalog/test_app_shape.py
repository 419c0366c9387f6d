"""
The catalog's shape as other apps and clients rely on it: what ``public``
offers, data classes that need only the standard library, and error codes
that do not change.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from shop.catalog import errors, public
from shop.core.errors import IdempotencyKeyReused

DATA_MODULE = Path(public.__file__).with_name("data.py")


def test_public_lists_exactly_its_functions_data_classes_and_errors():
    assert sorted(public.__all__) == [
        "InvalidKey",
        "InvalidLines",
        "InvalidQuantity",
        "Lines",
        "LowStock",
        "LowStockVariant",
        "OutOfStock",
        "ReservationCommitted",
        "ReservationInfo",
        "ReservationNotFound",
        "ReservationStatus",
        "Shortage",
        "SkuPlace",
        "StockLine",
        "VariantInfo",
        "VariantNotFound",
        "commit_reservation",
        "get_variant",
        "get_variants",
        "low_stock",
        "release_reservation",
        "reserve_stock",
        "restock",
        "sku_places",
    ]
    assert all(hasattr(public, name) for name in public.__all__)


def test_the_data_classes_load_without_django():
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('catalog_data', {str(DATA_MODULE)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "line = module.StockLine('MUG', 2)\n"
        "assert not any(name.split('.')[0] in ('django', 'shop') for name in sys.modules)\n"
        "print(line.sku, line.quantity)\n"
    )

    done = subprocess.run(
        [sys.executable, "-I", "-c", script], capture_output=True, text=True, check=False
    )

    assert (done.returncode, done.stdout.strip()) == (0, "MUG 2"), done.stderr


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (errors.VariantNotFound, "variant_not_found", 404),
        (errors.ReservationNotFound, "reservation_not_found", 404),
        (errors.InvalidQuantity, "invalid_quantity", 400),
        (errors.InvalidPrice, "invalid_price", 400),
        (errors.InvalidLines, "invalid_lines", 400),
        (errors.InvalidKey, "invalid_key", 400),
        (errors.InsufficientStock, "insufficient_stock", 409),
        (errors.ReservationCommitted, "reservation_committed", 409),
        (errors.OutOfStock, "out_of_stock", 409),
        (IdempotencyKeyReused, "idempotency_key_reused", 409),
    ],
)
def test_error_codes_and_statuses_stay_as_they_were(error, code, status):
    assert (error.code, error.status_code) == (code, status)


def test_out_of_stock_names_each_shortage():
    refused = public.OutOfStock([public.Shortage(sku="MUG", requested=3, available=1)])

    assert refused.detail == "Not enough stock: MUG (requested 3, available 1)"
    assert refused.extra == {"shortages": [{"sku": "MUG", "requested": 3, "available": 1}]}
