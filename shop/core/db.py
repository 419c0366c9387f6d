"""
Which database holds a service's tables, and transactions on it.

With ``SHOP_DATABASES=shared`` (the default) every service's tables are in
the ``default`` database. With ``SHOP_DATABASES=per-app`` each service has a
database of its own, under an alias named after it (accounts keeps
``default``, with the Django and allauth tables it owns): what an extracted
service would have. ``ServiceRouter`` sends every model's queries and
migrations to its owner's database (``shop.core.registry``), so a query can
never join two services' tables and a transaction never spans them.

A service's code opens transactions on its own database with its
``Database``: ``with db.atomic():`` where it used ``transaction.atomic()``
(which means the ``default`` database, right only for accounts), and
``db.on_commit(...)``. Each app creates one in its ``db.py``.
"""

from functools import cache

from django.conf import settings
from django.db import connections, transaction
from django.db.models import sql
from django.db.models.constants import OnConflict

from .registry import owner_of

DEFAULT = "default"


def alias_of(service: str) -> str:
    """The database alias of ``service``: its own in per-app mode, else ``default``."""
    return service if service in settings.DATABASES else DEFAULT


@cache
def _alias_of_app(app_label: str) -> str:
    owner = owner_of(app_label)
    return alias_of(owner) if owner else DEFAULT


def alias_of_model(model) -> str:
    """The alias of a model class or instance."""
    return _alias_of_app(model._meta.app_label)


class Database:
    """The database of one service, for its transactions."""

    def __init__(self, service: str):
        self.service = service

    def __repr__(self):
        return f"Database({self.service!r})"

    @property
    def alias(self) -> str:
        return alias_of(self.service)

    def atomic(self, *, savepoint: bool = True):
        """``transaction.atomic`` on this service's database (a context manager or decorator)."""
        return _Atomic(self, savepoint)

    def on_commit(self, func) -> None:
        transaction.on_commit(func, using=self.alias)

    @property
    def connection(self):
        return connections[self.alias]


class _Atomic:
    """
    ``transaction.atomic(using=<the service's alias>)``, the alias read when
    the block is entered rather than when the decorator was applied (tests
    switch the databases after import).
    """

    def __init__(self, database: Database, savepoint: bool):
        self.database, self.savepoint = database, savepoint
        self._stack = []

    def __enter__(self):
        block = transaction.atomic(using=self.database.alias, savepoint=self.savepoint)
        self._stack.append(block)
        return block.__enter__()

    def __exit__(self, *exc_info):
        return self._stack.pop().__exit__(*exc_info)

    def __call__(self, func):
        import functools

        @functools.wraps(func)
        def inner(*args, **kwargs):
            with _Atomic(self.database, self.savepoint):
                return func(*args, **kwargs)

        return inner


class ServiceRouter:
    """
    Every model to its owning service's database (``alias_of``); a relation
    only within one database; each database migrated with its owner's apps
    only. In shared mode every alias is ``default`` and nothing changes.
    """

    def db_for_read(self, model, **hints):
        return alias_of_model(model)

    def db_for_write(self, model, **hints):
        return alias_of_model(model)

    def allow_relation(self, obj1, obj2, **hints):
        # ``obj._meta``, not ``type(obj)``: request.user is a lazy proxy of the user.
        return alias_of_model(obj1) == alias_of_model(obj2)

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == _alias_of_app(app_label)


def insert_new(row, *, using: str) -> bool:
    """
    Insert ``row`` unless a row with the same unique values exists, in one
    statement (``ON CONFLICT DO NOTHING``: no savepoint, no read first);
    whether it was new (then ``row`` has its primary key, as after
    ``save()``). For marks that say "done once" (an inbox's, an email's
    claim) and rows a unique key makes once (an order per checkout), where a
    conflict is an expected answer, not an error.
    """
    model = type(row)
    fields = [field for field in model._meta.concrete_fields if field is not model._meta.pk]
    inserted = model._base_manager._insert(
        [row],
        fields=fields,
        returning_fields=[model._meta.pk],
        using=using,
        on_conflict=OnConflict.IGNORE,
    )
    if not (inserted and inserted[0]):
        return False
    row.pk = inserted[0][0]
    row._state.adding, row._state.db = False, using
    return True


def update_returning(queryset, returning: tuple[str, ...], **values) -> list[tuple]:
    """
    ``queryset.update(**values)`` in one statement that also gives back the
    fields ``returning`` of each row it changed, as they are after it
    (``UPDATE … RETURNING``, on PostgreSQL and SQLite alike): a row touched to
    lock it and its id, a counter moved on and its new value, with no read
    before or after.
    """
    query = queryset.query.chain(sql.UpdateQuery)
    query.add_update_values(values)
    query.annotations = {}
    statement, params = query.get_compiler(queryset.db).as_sql()
    if not statement:
        return []
    fields = [queryset.model._meta.get_field(name) for name in returning]
    connection = connections[queryset.db]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"{statement} RETURNING {columns}", params)
        rows = cursor.fetchall()
    return [
        tuple(field.to_python(value) for field, value in zip(fields, row, strict=True))
        for row in rows
    ]


def per_app() -> bool:
    return settings.SHOP_DATABASES == "per-app"


def service_aliases() -> list[str]:
    """Every database alias the services use (one in shared mode)."""
    return list(settings.DATABASES)
