"""
The catalog as CSV, one row per variant, for spreadsheets and other systems
(``manage.py export_catalog`` and ``import_catalog``).

Columns (the header on line 1 names them, in any order):

``sku``
    Required. The key: a row updates the variant with this SKU, or creates it.
``product_slug``, ``product_name``
    Required. The variant's product, created when no product has the slug.
    An import does not move a variant to another product.
``category_slug``
    The slug of an existing category, or empty for none. An import does not
    create categories: a typo would silently start a new top-level category,
    and a tree (parent, position) does not fit in one column.
``description``
    The product's description.
``options``
    ``size=M;colour=Blue``, empty for a simple product. A ``%``, ``;`` or ``=``
    inside a name or value is written ``%25``, ``%3B`` or ``%3D``.
``price``, ``compare_at_price``
    Amounts in the store currency with a ``.`` decimal point (``12.50``); the
    price is required, an empty compare-at price clears it.
``stock_on_hand``
    Required. The count on hand (not a change), a whole number from 0. Every
    change is recorded in the stock ledger with the reason ``import``.
``weight_grams``
    The packed weight of one unit in whole grams (``1250``), for shipping
    rates by weight; empty is 0 (not weighed).
``tax_class``
    What the variant is taxed as: the code of one of the taxes service's
    classes (``standard``, ``reduced``, ``zero`` or one staff added under
    Taxes); empty is ``standard``. Another code is a row error naming the
    classes: an import does not create tax classes.
``gift_card``
    ``yes`` or ``no`` (empty is ``no``): the variant is sold as a gift card worth
    its price (decision 0030).
``active``, ``product_active``
    ``yes`` or ``no``: whether the variant, and its product, are for sale.

An optional column left out of the file leaves that value as it is (and new
rows get the defaults). The rows of one product must agree on its columns.

Files are UTF-8. The export ends lines with ``\r\n``, as RFC 4180 has it; an
import reads ``\r\n`` and ``\n`` alike.

Text a spreadsheet would run as a formula (a name, SKU, description or option
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
exported with a leading apostrophe, so opening the file runs nothing
(``shop.core.exports``); an import drops that apostrophe again, so an export
imported back changes nothing. A hand-written cell such as ``'=x`` is
therefore read as ``=x``; write ``''=x`` to keep the apostrophe.

Every row is checked before anything is written; errors name the line and
the column. A file with a bad row changes nothing unless bad rows are to be
skipped. The writes run in one transaction through each model's ``save()``,
so the catalog's signals drop cached pages and announce price and
availability changes exactly as for an edit in the admin. (Measured on 10,000
rows: the saves take about as long as delivering the events they announce,
so bulk updates plus hand-published events would save little and duplicate
the signals' rules.)
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import IO

from django.db.models import Max

from .cache import catalog_changed
from .csv_rows import (
    COLUMNS,
    ImportFileError,
    Row,
    RowError,
    format_options,
    parse_rows,
    read_csv,
)
from .db import db
from .models import Category, Product, StockMovement, Variant
from .services import announcements, listing, shipping_and_tax

__all__ = ["COLUMNS", "ImportFileError", "ImportReport", "export_rows", "import_catalog"]

CHUNK = 1000
Progress = Callable[..., Iterable]


def _no_progress(iterable, **kwargs):
    return iterable


# --- export -----------------------------------------------------------------------------------


def count_variants() -> int:
    return Variant.objects.count()


def export_rows() -> Iterator[list]:
    """Every variant as a row of ``COLUMNS``, by product slug then position, streamed."""
    variants = Variant.objects.select_related("product__category").order_by(
        "product__slug", "position", "pk"
    )
    for variant in variants.iterator(chunk_size=2000):
        product = variant.product
        yield [
            variant.sku,
            product.slug,
            product.name,
            product.category.slug if product.category else "",
            product.description,
            format_options(variant.options),
            variant.price,
            "" if variant.compare_at_price is None else variant.compare_at_price,
            variant.stock_on_hand,
            variant.weight_grams,
            variant.tax_class,
            "yes" if variant.gift_card else "no",
            "yes" if variant.is_active else "no",
            "yes" if product.is_active else "no",
        ]


# --- import -----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    products_created: int = 0
    products_updated: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    unchanged: int = 0
    stock_changes: int = 0
    dry_run: bool = False
    written: bool = False

    @property
    def bad_lines(self) -> int:
        return len({error.line for error in self.errors})

    def summary(self) -> str:
        would = "would be " if self.dry_run else ""
        return (
            f"{self.rows} row(s): products {would}created {self.products_created}, "
            f"{would}updated {self.products_updated}; variants {would}created "
            f"{self.variants_created}, {would}updated {self.variants_updated}, "
            f"unchanged {self.unchanged}; stock changes {self.stock_changes}."
        )


@dataclass
class _Plan:
    """What an import will write: built from the rows and the catalog, before any write."""

    products: dict[str, Product] = field(default_factory=dict)
    seen_products: set[str] = field(default_factory=set)
    new_products: dict[str, Product] = field(default_factory=dict)
    changed_products: list[tuple[Product, list[str]]] = field(default_factory=list)
    # (row, variant, changed fields or None for a new variant, stock delta)
    variants: list[tuple[Row, Variant, list[str] | None, int]] = field(default_factory=list)
    unchanged: int = 0


def import_catalog(
    stream: IO[str],
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    note: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """
    Import a catalog CSV (see the module docstring). Nothing is written with
    ``dry_run``, or when a row is bad and ``skip_invalid`` is false; the
    report lists every error either way. Raises ``ImportFileError`` for a file
    or header that cannot be read. ``progress`` wraps the iterable of variant
    writes (``tqdm`` fits).
    """
    header, records = read_csv(stream)
    rows, errors = parse_rows(header, records)
    report = ImportReport(rows=len(records), dry_run=dry_run)
    with nullcontext() if dry_run else db.atomic():
        plan, catalog_errors = _plan(rows, skip={e.line for e in errors}, lock=not dry_run)
        report.errors = sorted(errors + catalog_errors)
        report.products_created = len(plan.new_products)
        report.products_updated = len(plan.changed_products)
        report.variants_created = sum(1 for *_, changed, _ in plan.variants if changed is None)
        report.variants_updated = len(plan.variants) - report.variants_created
        report.unchanged = plan.unchanged
        report.stock_changes = sum(1 for *_, delta in plan.variants if delta)
        if dry_run or (report.errors and not skip_invalid):
            return report
        _write(plan, note, progress or _no_progress)
        report.written = True
    return report


def _plan(rows: list[Row], *, skip: set[int], lock: bool) -> tuple[_Plan, list[RowError]]:
    """
    Check the rows against the catalog and work out what to create and change,
    leaving out the lines in ``skip`` (already known to be bad) and any found
    bad here.
    """
    variants = _variants_by_sku([row.values["sku"] for row in rows], lock=lock)
    products = _by_slug(Product, {row.values["product_slug"] for row in rows})
    categories = _by_slug(Category, {row.values.get("category_slug") for row in rows} - {"", None})
    errors = _catalog_errors(rows, variants, categories)
    skip = skip | {error.line for error in errors}
    plan = _Plan(products=products)
    last_position = dict(
        Variant.objects.filter(product__in=list(products.values()))
        .values("product__slug")
        .annotate(last=Max("position"))
        .values_list("product__slug", "last")
    )
    for row in rows:
        if row.line in skip:
            continue
        slug = row.values["product_slug"]
        _plan_product(plan, slug, _product_fields(row.values, categories))
        fields = _variant_fields(row.values)
        variant = variants.get(row.values["sku"])
        if variant is None:
            last_position[slug] = position = last_position.get(slug, -1) + 1
            variant = Variant(sku=row.values["sku"], position=position, **fields)
            plan.variants.append((row, variant, None, variant.stock_on_hand))
            continue
        changed = _changes(variant, fields)
        if not changed:
            plan.unchanged += 1
            continue
        delta = fields.get("stock_on_hand", variant.stock_on_hand) - variant.stock_on_hand
        for name in changed:
            setattr(variant, name, fields[name])
        plan.variants.append((row, variant, changed, delta))
    return plan, errors


def _plan_product(plan: _Plan, slug: str, fields: dict) -> None:
    """A product is created, or compared and changed, once: on its first good row."""
    if slug in plan.seen_products:
        return
    plan.seen_products.add(slug)
    product = plan.products.get(slug)
    if product is None:
        plan.new_products[slug] = Product(slug=slug, **fields)
        return
    changed = _changes(product, fields)
    if changed:
        for name in changed:
            setattr(product, name, fields[name])
        plan.changed_products.append((product, changed))


def _catalog_errors(rows: list[Row], variants: dict, categories: dict) -> list[RowError]:
    errors = []
    known_classes = (
        shipping_and_tax.tax_class_codes() if any("tax_class" in r.values for r in rows) else ()
    )
    for row in rows:
        code = row.values.get("tax_class")
        if code is not None and code not in known_classes:
            refusal = shipping_and_tax.unknown_tax_class(code, known_classes)
            errors.append(RowError(row.line, "tax_class", refusal.detail))
        slug = row.values.get("category_slug")
        if slug and slug not in categories:
            errors.append(
                RowError(
                    row.line,
                    "category_slug",
                    f"No category has the slug {slug!r} (an import does not create "
                    "categories: add it in the admin first).",
                )
            )
        variant = variants.get(row.values["sku"])
        if variant and variant.product.slug != row.values["product_slug"]:
            errors.append(
                RowError(
                    row.line,
                    "product_slug",
                    f"The SKU {variant.sku} belongs to the product {variant.product.slug}; "
                    "an import does not move variants between products.",
                )
            )
    return errors


def _variants_by_sku(skus: list[str], *, lock: bool) -> dict[str, Variant]:
    """
    The variants with these SKUs, locked when they are about to be written.
    Locks are taken in primary-key order, as the stock services take them, so
    an import and a checkout queue up rather than deadlock.
    """
    pks = []
    for start in range(0, len(skus), CHUNK):
        chunk = skus[start : start + CHUNK]
        pks.extend(Variant.objects.filter(sku__in=chunk).values_list("pk", flat=True))
    pks.sort()
    found = {}
    for start in range(0, len(pks), CHUNK):
        query = Variant.objects.filter(pk__in=pks[start : start + CHUNK]).order_by("pk")
        if lock:
            query = query.select_for_update(of=("self",))
        found.update((variant.sku, variant) for variant in query.select_related("product"))
    return found


def _by_slug(model, slugs: set[str]) -> dict:
    slugs, found = sorted(slugs), {}
    for start in range(0, len(slugs), CHUNK):
        found.update(
            (item.slug, item)
            for item in model.objects.filter(slug__in=slugs[start : start + CHUNK])
        )
    return found


def _product_fields(values: dict, categories: dict[str, Category]) -> dict:
    fields = {"name": values["product_name"]}
    if "category_slug" in values:
        fields["category"] = categories.get(values["category_slug"])
    if "description" in values:
        fields["description"] = values["description"]
    if "product_active" in values:
        fields["is_active"] = values["product_active"]
    return fields


_VARIANT_FIELDS = {
    "options": "options",
    "price": "price",
    "compare_at_price": "compare_at_price",
    "stock_on_hand": "stock_on_hand",
    "weight_grams": "weight_grams",
    "tax_class": "tax_class",
    "gift_card": "gift_card",
    "active": "is_active",
}


def _variant_fields(values: dict) -> dict:
    return {name: values[column] for column, name in _VARIANT_FIELDS.items() if column in values}


def _changes(instance, fields: dict) -> list[str]:
    changed = []
    for name, value in fields.items():
        if name == "category":
            differs = instance.category_id != (value.pk if value else None)
        else:
            differs = getattr(instance, name) != value
        if differs:
            changed.append(name)
    return changed


def _write(plan: _Plan, note: str, progress: Progress) -> None:
    """
    Write the plan with one ``save()`` per object, and the stock changes to the
    ledger; each product changed is announced once (``ProductUpdated``).
    """
    with listing.deferred(), announcements.gathered():
        for product in plan.new_products.values():
            product.save()
        for product, changed in plan.changed_products:
            product.save(update_fields=[*changed, "updated_at"])
        products = {**plan.products, **plan.new_products}
        movements = []
        for row, variant, changed, delta in progress(plan.variants, total=len(plan.variants)):
            if changed is None:
                variant.product = products[row.values["product_slug"]]
                variant.save()
            else:
                variant.save(update_fields=changed)
            if delta:
                movements.append(
                    StockMovement(
                        variant=variant,
                        delta=delta,
                        reason=StockMovement.Reason.IMPORT,
                        note=note[:200],
                    )
                )
        StockMovement.objects.bulk_create(movements, batch_size=CHUNK)
        catalog_changed()
