"""
Staff roles: the groups staff are put in, and the model permissions each one
grants in the admin.

``ROLES`` is the single source of truth. Permissions are named by strings
(``"catalog.change_variant"``), never by importing another app's models: the
boundary rules forbid that, and most of what Order managers and Support need
belongs to models that do not exist yet (orders, shipments, payments, refunds).

Why a sync after ``migrate`` and not permission ids in a data migration:
Django creates permissions in its ``post_migrate`` signal, after every data
migration has run, so on a fresh database a migration finds no permission to
attach; and a migration that hard-codes ids or rows freezes a list that
changes whenever an app gains a model. So ``0003_staff_groups`` only creates
the groups, and ``sync_roles()`` makes each group's permissions match this
mapping: once after every ``migrate`` (``signals.py``, when all apps'
permissions exist) and on demand with ``manage.py sync_staff_roles``, which
also recreates a group deleted by hand. It is idempotent: it adds what
exists, skips codenames whose model has not been created yet (they are
picked up by the ``migrate`` that creates it), and removes from these groups
any permission no longer listed, so a hand-made change in the admin is undone
rather than silently kept. Groups not named here are left alone.
"""

from dataclasses import dataclass, field

CATALOG_MANAGERS = "Catalog managers"
ORDER_MANAGERS = "Order managers"
SUPPORT = "Support"
REPORTS = "Reports"


def _crud(app_label: str, *models: str) -> tuple[str, ...]:
    return tuple(
        f"{app_label}.{action}_{model}"
        for model in models
        for action in ("add", "change", "delete", "view")
    )


def _view(app_label: str, *models: str) -> tuple[str, ...]:
    return tuple(f"{app_label}.view_{model}" for model in models)


ROLES: dict[str, tuple[str, ...]] = {
    # The whole catalog, its vouchers and sales; reservations, the stock ledger and
    # voucher uses are read-only records of what checkouts and stock changes did.
    CATALOG_MANAGERS: (
        *_crud("catalog", "product", "variant", "productimage", "category"),
        *_view("catalog", "reservation", "reservationline", "stockmovement"),
        *_crud("promotions", "voucher", "sale"),
        *_view("promotions", "voucheruse", "giftcard", "giftcardentry"),
    ),
    # Orders through to delivery (status changes, shipments) and refunds, their
    # invoices and credit notes (read-only: issued documents never change), and
    # where and how the shop delivers (shipping zones, methods, rates);
    # enough of the catalog and of customers to answer for an order, and no
    # editing of either.
    ORDER_MANAGERS: (
        *_crud("shipping", "shippingzone", "shippingmethod", "shippingrate"),
        *_view("orders", "order", "orderline", "shipment"),
        "orders.change_order",
        "orders.add_shipment",
        "orders.change_shipment",
        *_view("payments", "payment", "refund", "paymentlogentry", "gatewayevent"),
        "payments.add_refund",
        *_view("catalog", "product", "variant", "productimage", "category"),
        *_view("catalog", "reservation", "reservationline", "stockmovement"),
        *_view("accounts", "user", "address"),
        *_view("invoices", "invoice", "creditnote"),
        *_view("promotions", "voucher", "voucheruse", "sale", "giftcardentry"),
        # Gift cards are money: issued (a goodwill card) and switched off here.
        *_view("promotions", "giftcard"),
        "promotions.add_giftcard",
        "promotions.change_giftcard",
        # The sales dashboard (shop/reports): the figures of what they run.
        "reports.view_sales_dashboard",
    ),
    # Answering customers: look them, their orders and invoices up, fix an address.
    # Changing an account (email, staff status) stays with superusers.
    SUPPORT: (
        *_view("accounts", "user", "address"),
        "accounts.change_address",
        *_view("orders", "order", "orderline", "shipment"),
        *_view("payments", "payment", "refund", "paymentlogentry"),
        *_view("shipping", "shippingzone", "shippingmethod", "shippingrate"),
        *_view("invoices", "invoice", "creditnote"),
        *_view("promotions", "voucher", "voucheruse", "sale", "giftcard", "giftcardentry"),
    ),
    # Reading the sales dashboard and nothing else (an owner, an accountant): its
    # links to orders, payments and variants show only with those roles too.
    REPORTS: ("reports.view_sales_dashboard",),
}


@dataclass
class RoleChange:
    """What ``sync_roles`` did to one group."""

    group: str
    created: bool = False
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.created or bool(self.added or self.removed)


def _split(name: str) -> tuple[str, str]:
    app_label, _, codename = name.partition(".")
    return app_label, codename


def sync_roles(
    group_model, permission_model, using: str = "default", *, create_missing: bool = False
) -> list[RoleChange]:
    """
    Make every group of ``ROLES`` hold exactly the listed permissions that
    exist in the database. The models are passed in so the ``post_migrate``
    handler can use the migration state's models; everything runs on ``using``.

    A missing group is skipped (the migration creates the groups, and undoing
    it must not be undone by the next ``post_migrate``) unless
    ``create_missing``, which the management command uses to restore a group
    deleted by hand. ``missing`` lists the codenames skipped because their
    model has no permissions yet.
    """
    wanted = {name for names in ROLES.values() for name in names}
    app_labels = {_split(name)[0] for name in wanted}
    permissions = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in permission_model.objects.using(using)
        .filter(content_type__app_label__in=app_labels)
        .values_list("pk", "content_type__app_label", "codename")
        if f"{app_label}.{codename}" in wanted
    }
    changes = []
    for name, listed in ROLES.items():
        groups = group_model.objects.using(using)
        if create_missing:
            group, created = groups.get_or_create(name=name)
        else:
            group, created = groups.filter(name=name).first(), False
            if group is None:
                continue
        current = {
            f"{app_label}.{codename}": pk
            for pk, app_label, codename in group.permissions.values_list(
                "pk", "content_type__app_label", "codename"
            )
        }
        change = RoleChange(group=name, created=created)
        change.added = sorted(p for p in listed if p in permissions and p not in current)
        change.removed = sorted(p for p in current if p not in listed)
        change.missing = sorted(p for p in listed if p not in permissions)
        if change.added:
            group.permissions.add(*(permissions[p] for p in change.added))
        if change.removed:
            group.permissions.remove(*(current[p] for p in change.removed))
        changes.append(change)
    return changes
