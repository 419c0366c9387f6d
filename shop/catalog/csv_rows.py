"""
The catalog's CSV format: its columns, how a file is read, and the checks a
row must pass before the database is consulted. ``csv_io`` does the import
and export; its docstring describes the columns for staff.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from shop.core.exports import restore
from shop.core.money import minor_unit_exponent

from .models import PRICE_DIGITS

COLUMNS = (
    "sku",
    "product_slug",
    "product_name",
    "category_slug",
    "description",
    "options",
    "price",
    "compare_at_price",
    "stock_on_hand",
    "weight_grams",
    "tax_class",
    "gift_card",
    "active",
    "product_active",
)
REQUIRED = ("sku", "product_slug", "product_name", "price", "stock_on_hand")
PRODUCT_COLUMNS = ("product_name", "category_slug", "description", "product_active")
TRUE = {"yes", "y", "true", "1", "on"}
FALSE = {"no", "n", "false", "0", "off"}
MAX_AMOUNT = Decimal(10) ** (PRICE_DIGITS["max_digits"] - PRICE_DIGITS["decimal_places"])
MAX_STOCK = 2_147_483_647
DEFAULT_TAX_CLASS = "standard"
_ESCAPED = re.compile(r"%(25|3[bB]|3[dD])")


class ImportFileError(Exception):
    """The file as a whole cannot be read: empty, not UTF-8, or a bad header."""


@dataclass(frozen=True, order=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Row:
    """A row that passed the checks needing no database: typed values by column."""

    line: int
    values: dict


# --- options ----------------------------------------------------------------------------------


def _escape(text) -> str:
    return str(text).replace("%", "%25").replace(";", "%3B").replace("=", "%3D")


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text)


def format_options(options: dict) -> str:
    """``{"size": "M", "colour": "Blue"}`` -> ``"size=M;colour=Blue"``."""
    return ";".join(f"{_escape(name)}={_escape(value)}" for name, value in options.items())


def parse_options(value: str) -> dict:
    """``"size=M;colour=Blue"`` -> ``{"size": "M", "colour": "Blue"}``."""
    options = {}
    for part in value.split(";"):
        if not part.strip():
            continue
        name, equals, option = part.partition("=")
        name, option = _unescape(name.strip()), _unescape(option.strip())
        if not equals or not name:
            raise ValidationError(f"{part.strip()!r} is not name=value (e.g. size=M;colour=Blue).")
        if name in options:
            raise ValidationError(f"The option {name!r} is given twice.")
        options[name] = option
    return options


# --- cells ------------------------------------------------------------------------------------


def _text(value: str, limit: int) -> str:
    if not value:
        raise ValidationError("This column is required.")
    if len(value) > limit:
        raise ValidationError(f"At most {limit} characters (this has {len(value)}).")
    return value


def _slug(value: str) -> str:
    _text(value, 220)
    validate_slug(value)
    return value


def _amount(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(f"{value!r} is not an amount; write it like 12.50.")
    if amount < 0:
        raise ValidationError("An amount cannot be negative.")
    places = minor_unit_exponent()
    if -amount.as_tuple().exponent > places:
        raise ValidationError(f"At most {places} decimal places ({value}).")
    if amount >= MAX_AMOUNT:
        raise ValidationError(f"Too large (the limit is {MAX_AMOUNT - 1}).")
    return amount.quantize(Decimal(1).scaleb(-places))


def _stock(value: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", value):
        raise ValidationError(f"{value!r} is not a whole number." if value else "Required.")
    number = int(value)
    if number < 0:
        raise ValidationError("Stock on hand cannot be negative.")
    if number > MAX_STOCK:
        raise ValidationError("Too large.")
    return number


def _grams(value: str) -> int:
    if not re.fullmatch(r"\d+", value):
        raise ValidationError(f"{value!r} is not a weight: write whole grams from 0 (1250).")
    if int(value) > MAX_STOCK:
        raise ValidationError("Too large.")
    return int(value)


def _flag(value: str) -> bool:
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ValidationError(f"Write yes or no, not {value!r}.")


PARSERS = {
    "sku": lambda value: _text(value.strip(), 64),
    "product_slug": lambda value: _slug(value.strip()),
    "product_name": lambda value: _text(value.strip(), 200),
    "category_slug": str.strip,
    "description": lambda value: value,
    "options": parse_options,
    "price": lambda value: _amount(value.strip()),
    "compare_at_price": lambda value: _amount(value.strip()) if value.strip() else None,
    "stock_on_hand": lambda value: _stock(value.strip()),
    "weight_grams": lambda value: _grams(value.strip()) if value.strip() else 0,
    # Checked against the taxes service's classes with the database (csv_io).
    "tax_class": lambda value: _text(value.strip(), 20) if value.strip() else DEFAULT_TAX_CLASS,
    "gift_card": lambda value: _flag(value.strip()) if value.strip() else False,
    "active": lambda value: _flag(value.strip()),
    "product_active": lambda value: _flag(value.strip()),
}


# --- files and rows ---------------------------------------------------------------------------


def read_csv(stream: IO[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header's column names and the non-blank records, each with the line it starts on."""
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
        records = []
        last_line = reader.line_num
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append((last_line + 1, record))
            last_line = reader.line_num
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"The file is not UTF-8 text ({exc.reason}).") from None
    except csv.Error as exc:
        raise ImportFileError(f"Line {reader.line_num}: {exc}.") from None
    if header is None or not any(cell.strip() for cell in header):
        raise ImportFileError(
            f"The file is empty: the first line must name the columns ({', '.join(COLUMNS)})."
        )
    header = [name.strip().lower() for name in header]
    _check_header(header)
    return header, records


def _check_header(header: list[str]) -> None:
    problems = []
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        problems.append(f"unknown column(s): {', '.join(repr(name) for name in unknown)}")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if problems:
        raise ImportFileError(
            f"Line 1 (the header): {'; '.join(problems)}. Columns are: {', '.join(COLUMNS)}."
        )


def parse_rows(
    header: list[str], records: Iterable[tuple[int, list[str]]]
) -> tuple[list[Row], list[RowError]]:
    """Type every cell, then check the rows against each other (no database)."""
    rows, errors = [], []
    for line, record in records:
        if len(record) != len(header):
            errors.append(
                RowError(line, "", f"{len(record)} values, but the header has {len(header)}.")
            )
            continue
        values, row_errors = {}, []
        for name, cell in zip(header, record, strict=True):
            try:
                values[name] = PARSERS[name](restore(cell))
            except ValidationError as exc:
                row_errors.append(RowError(line, name, " ".join(exc.messages)))
        errors.extend(row_errors)
        if not row_errors:
            rows.append(Row(line, values))
    return rows, errors + _duplicate_skus(rows) + _disagreeing_products(rows)


def _duplicate_skus(rows: list[Row]) -> list[RowError]:
    """Every line of a SKU given twice: which one is right cannot be guessed."""
    lines: dict[str, list[int]] = {}
    for row in rows:
        lines.setdefault(row.values["sku"], []).append(row.line)
    return [
        RowError(
            line, "sku", f"The SKU {sku} is on more than one line ({', '.join(map(str, at))})."
        )
        for sku, at in lines.items()
        if len(at) > 1
        for line in at
    ]


def _disagreeing_products(rows: list[Row]) -> list[RowError]:
    """Rows of one product whose product columns differ from its first row."""
    first: dict[str, Row] = {}
    errors = []
    for row in rows:
        slug = row.values["product_slug"]
        seen = first.setdefault(slug, row)
        errors.extend(
            RowError(
                row.line,
                name,
                f"Differs from line {seen.line} for the same product {slug}: "
                "the rows of one product must agree.",
            )
            for name in PRODUCT_COLUMNS
            if name in row.values and row.values[name] != seen.values[name]
        )
    return errors
