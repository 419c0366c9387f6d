"""
The catalog's read on every cart and checkout step, compiled once.

``variant_infos`` answers from one query that joins the product and its
category chain and carries five subqueries (availability, three of the sale
price, the first image). PostgreSQL answers it in well under a millisecond;
building and compiling it in the ORM cost a web process several times that
on every call. So the ORM builds and compiles it once per thread, database
and number of SKUs, and each call runs that SQL again with its own SKUs and
instant (decision 0039). ``selectors.variants_with_first_image`` stays the
one definition of the query: a test checks both answer the same.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from threading import local

from .db import db

# Stand-ins compiled into the SQL, then found among its parameters.
_NOW = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
_SKU = "\x00prepared sku {}\x00"


@dataclass(frozen=True)
class _Prepared:
    sql: str
    # A parameter as compiled, or ("sku", i) / ("now",) for what each call brings.
    params: tuple
    names: tuple[str, ...]
    compiler: object
    converters: dict


_compiled = local()


def variant_info_rows(skus: Iterable[str], now=None) -> list[dict]:
    """``variants_with_first_image(skus, now).values(*VARIANT_INFO_VALUES)``, ordered by SKU."""
    from django.utils import timezone

    wanted = sorted(set(skus))
    if not wanted:
        return []
    connection = db.connection
    prepared = _prepared(connection, len(wanted))
    now = now or timezone.now()
    moment = connection.ops.adapt_datetimefield_value(now)
    params = [
        (wanted[slot[1]] if slot[0] == "sku" else moment) if type(slot) is tuple else slot
        for slot in prepared.params
    ]
    with connection.cursor() as cursor:
        cursor.execute(prepared.sql, params)
        rows = cursor.fetchall()
    if prepared.converters:
        rows = prepared.compiler.apply_converters(rows, prepared.converters)
    return [dict(zip(prepared.names, row, strict=True)) for row in rows]


def _prepared(connection, count: int) -> _Prepared:
    key = (connection.alias, count)
    cache = getattr(_compiled, "by_key", None)
    if cache is None:
        cache = _compiled.by_key = {}
    if key not in cache:
        cache[key] = _compile(connection, count)
    return cache[key]


def _compile(connection, count: int) -> _Prepared:
    from .selectors import VARIANT_INFO_VALUES, variants_with_first_image

    stand_ins = [_SKU.format(index) for index in range(count)]
    queryset = variants_with_first_image(stand_ins, _NOW).values(*VARIANT_INFO_VALUES)
    query = queryset.query
    compiler = query.get_compiler(connection=connection)
    sql, compiled = compiler.as_sql()
    moment = connection.ops.adapt_datetimefield_value(_NOW)
    sku_index = {sku: index for index, sku in enumerate(stand_ins)}
    params, found = [], set()
    for value in compiled:
        if isinstance(value, str) and value in sku_index:
            params.append(("sku", sku_index[value]))
            found.add(value)
        elif value == moment:
            params.append(("now",))
            found.add("now")
        else:
            params.append(value)
    if found != {*stand_ins, "now"}:
        raise AssertionError(f"variant_infos: stand-ins missing from the compiled SQL: {sql}")
    # As ``ValuesIterable`` names the columns.
    names = tuple(query.selected or (*query.values_select, *query.annotation_select))
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    return _Prepared(
        sql=sql,
        params=tuple(params),
        names=names,
        compiler=compiler,
        converters=compiler.get_converters(fields),
    )
