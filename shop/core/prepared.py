"""
Hot reads built and compiled by the ORM once, then run with each call's values.

Building a QuerySet (``filter``, ``Query.add_q``, ``select_related``) and
compiling it (``SQLCompiler.as_sql``) costs a process several times what
PostgreSQL takes to answer a small indexed read, and it is the same work on
every call with only the values changing. ``read(key, build, *values,
using=alias)`` has ``build`` make the QuerySet once per thread, database,
``key`` and the values' types, from stand-ins that cannot be mistaken for
anything else; it finds each stand-in among the compiled parameters, and from
then on runs the same SQL with the call's values through the connection's
cursor (query counts and the tests' budgets see it), applying the compiler's
converters and making model instances as Django's ``ModelIterable`` does
(``select_related`` objects and annotations included) or dicts as
``values()`` does. ``build`` stays the one definition of the query
(decision 0042).

``build`` runs twice, with two sets of stand-ins: each value must reach the
parameters as itself or as the backend adapts it (a UUID's hex and a
datetime's text on SQLite, an int wrapped by its column's size on
PostgreSQL), following its stand-in from one set to the other, and the SQL
and every other parameter must stay the same. Otherwise compiling fails
loudly (``CannotPrepare``) rather than run the wrong SQL: a value the query
dropped or changed (``icontains`` wraps it in ``%``), a constant that happens
to equal a stand-in, two values that compile alike, a value with no stand-in
(``None`` makes other SQL: put what it changes in the key), a prefetch (a
second query). A lock (``select_for_update``) is compiled like the rest and
refused outside a transaction as the ORM refuses it.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from threading import local
from uuid import UUID

from django.db import connections
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators
from django.db.transaction import TransactionManagementError

__all__ = ["CannotPrepare", "read"]

# Stand-ins, one per value of a call by its position and two sets of them (``_stand_in``).
_MARK = "\x00stand-in"
# Positive and small: Django 5 compiles a lookup out of a field's range (a negative
# id against a PositiveBigIntegerField, say) to no query at all.
_INT = 27_341
_UUID = UUID("5ad1e000-7340-4211-8000-00000000000a").int
_MOMENT = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)


class CannotPrepare(Exception):
    """A query that cannot be run again with other values from its compiled SQL."""


def _stand_in(kind: type, index: int, version: int):
    """Value ``index``'s stand-in in set ``version`` (0 or 1): distinct across both sets."""
    step = 2 * index + version
    if kind is str:
        return f"{_MARK} {step}\x00"
    if kind is int:
        return _INT + step
    if kind is UUID:
        return UUID(int=_UUID + step)
    return _MOMENT + timedelta(microseconds=step)


def _kind(value) -> type:
    for kind in (str, int, UUID, datetime):
        if isinstance(value, kind) and not isinstance(value, bool):
            return kind
    raise CannotPrepare(f"no stand-in for {value!r}: make what it changes part of the key")


def _forms(kind: type, connection) -> list:
    """How the ORM may have adapted a value of ``kind`` into a parameter (``None``: as it is)."""
    if kind is UUID:
        return [None, attrgetter("hex"), str]  # SQLite has no UUID type
    if kind is datetime:
        return [None, connection.ops.adapt_datetimefield_value]
    if kind is int:  # psycopg 3's Int2, Int4 and Int8, by the field's size
        return [None, *dict.fromkeys(getattr(connection.ops, "integerfield_type_map", {}).values())]
    return [None]


@dataclass(frozen=True)
class _Prepared:
    connection: object
    sql: str
    params: tuple
    # (position in params, index of the call's value, adapter or None)
    slots: tuple[tuple[int, int, Callable | None], ...]
    needs_transaction: bool
    make: Callable[[list], list]


_compiled = local()


def read(key: Hashable, build: Callable, *values, using: str) -> list:
    """
    ``list(build(*values))`` on database ``using``, from the SQL that
    ``build`` compiled to the first time this thread asked for ``key`` with
    values of these types. ``build`` takes the values by position and
    returns a QuerySet of model instances (``select_related`` and
    annotations allowed) or of ``values()`` dicts.
    """
    connection = connections[using]
    cache = getattr(_compiled, "by_key", None)
    if cache is None:
        cache = _compiled.by_key = {}
    cache_key = (using, key, *map(type, values))
    prepared = cache.get(cache_key)
    if prepared is None or prepared.connection is not connection:
        prepared = cache[cache_key] = _compile(connection, using, build, values)
    if prepared.needs_transaction and connection.get_autocommit():
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    params = list(prepared.params)
    for position, index, adapt in prepared.slots:
        params[position] = values[index] if adapt is None else adapt(values[index])
    with connection.cursor() as cursor:
        cursor.execute(prepared.sql, params)
        rows = cursor.fetchall()
    return prepared.make(rows)


def _compile(connection, using: str, build: Callable, values: tuple) -> _Prepared:
    kinds = [_kind(value) for value in values]
    stand_ins, others = (
        [_stand_in(kind, index, version) for index, kind in enumerate(kinds)] for version in (0, 1)
    )
    queryset, compiler, sql, compiled = _built(build, stand_ins, using)
    *_, other_sql, other_compiled = _built(build, others, using)
    if other_sql != sql or len(other_compiled) != len(compiled):
        raise CannotPrepare(f"the SQL changes with the values: {sql}")
    slots = _slots(connection, kinds, (stand_ins, others), (compiled, other_compiled), sql)
    columns = [column[0] for column in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(columns):
        raise CannotPrepare("composite primary keys are not prepared")
    query = queryset.query
    return _Prepared(
        connection=connection,
        sql=sql,
        params=tuple(compiled),
        slots=slots,
        needs_transaction=bool(
            query.select_for_update
            and connection.features.has_select_for_update
            and connection.features.supports_transactions
        ),
        make=_maker(queryset, compiler, using, columns),
    )


def _built(build: Callable, stand_ins: list, using: str) -> tuple:
    queryset = build(*stand_ins)
    if queryset.db != using:
        raise CannotPrepare(f"{queryset.model.__name__} is read from {queryset.db}, not {using}")
    if queryset._prefetch_related_lookups or queryset._known_related_objects:
        raise CannotPrepare("a prefetch or a related manager's queryset reads more than its SQL")
    compiler = queryset.query.get_compiler(using=using)
    sql, compiled = compiler.as_sql()
    return queryset, compiler, sql, compiled


def _slots(connection, kinds, stand_ins, compiled, sql) -> tuple:
    """
    Where each call's value goes among the parameters, and in which form:
    the parameters compiled from the first set of stand-ins that are one of
    them, each checked to be the second set's in the same form, and every
    other parameter the same in both.
    """
    first, second = stand_ins
    forms = {}
    for index, kind in enumerate(kinds):
        for adapt in _forms(kind, connection):
            form = _adapted(adapt, first[index])
            found = forms.setdefault((type(form), form), (index, adapt))
            if found[0] != index:
                raise CannotPrepare(f"values {found[0]} and {index} compile alike: {sql}")
    slots, seen = [], set()
    for position, (value, other) in enumerate(zip(*compiled, strict=True)):
        try:
            slot = forms.get((type(value), value))
        except TypeError:  # unhashable, such as a list
            slot = None
        if slot is None:
            if not _same(value, other):
                raise CannotPrepare(f"parameter {position} follows a value changed: {sql}")
            continue
        index, adapt = slot
        if not _same(other, _adapted(adapt, second[index])):
            raise CannotPrepare(f"parameter {position} only looks like value {index}: {sql}")
        slots.append((position, index, adapt))
        seen.add(index)
    missing = set(range(len(kinds))) - seen
    if missing:
        raise CannotPrepare(f"values {sorted(missing)} are not parameters of the SQL: {sql}")
    return tuple(slots)


def _adapted(adapt, value):
    return value if adapt is None else adapt(value)


def _same(one, other) -> bool:
    # repr for wrappers that compare by identity, such as a JSON parameter's
    return type(one) is type(other) and (one == other or repr(one) == repr(other))


def _maker(queryset, compiler, using: str, columns: list) -> Callable[[list], list]:
    """What ``ModelIterable`` or ``ValuesIterable`` makes of the rows, as a function of them."""
    converters = compiler.get_converters(columns)
    width = compiler.col_count if compiler.has_extra_select else None

    def converted(rows):
        if width is not None:
            rows = [row[:width] for row in rows]
        return compiler.apply_converters(rows, converters) if converters else rows

    if queryset._iterable_class is ValuesIterable:
        query = queryset.query
        names = list(
            query.selected or (*query.extra_select, *query.values_select, *query.annotation_select)
        )
        return lambda rows: [dict(zip(names, row, strict=True)) for row in converted(rows)]
    if queryset._iterable_class is not ModelIterable:
        raise CannotPrepare(f"{queryset._iterable_class.__name__} rows are not prepared")
    select, klass_info = compiler.select, compiler.klass_info
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, using)
    annotations = tuple(compiler.annotation_col_map.items())

    def instances(rows):
        made = []
        for row in converted(rows):
            instance = model.from_db(using, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
            made.append(instance)
        return made

    return instances
