"""
The staff side of the catalog: products with their variants and pictures,
categories, variants on their own (quick price and stock edits), and read-only
views of stock reservations and the stock ledger.

Lists annotate prices and stock in the list query itself, so a changelist
page runs the same number of queries whatever its size. Every write goes
through ``save()`` (never ``QuerySet.update()``) so the catalog's signals
invalidate cached pages and announce price and availability changes; stock
changes are recorded in the stock ledger.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import ngettext

from shop.core.admin import ReadOnlyInline, ReadOnlyMixin
from shop.core.money import format_money
from shop.taxes import public as taxes

from . import selectors
from .db import db
from .models import (
    Category,
    Product,
    ProductImage,
    Reservation,
    ReservationLine,
    StockMovement,
    Variant,
)
from .services import announcements, stock

NARROW_JSON = {models.JSONField: {"widget": forms.TextInput(attrs={"size": 28})}}


def _per_product(variants, aggregate):
    """A subquery of ``aggregate`` over the product's ``variants``."""
    grouped = variants.filter(product=OuterRef("pk")).order_by().values("product")
    return Subquery(grouped.annotate(value=aggregate).values("value"))


def _sellable_stock(**available):
    """Active variants of the outer product whose availability matches ``available``."""
    variants = Variant.objects.filter(product=OuterRef("pk"), is_active=True)
    return Exists(selectors.with_availability(variants).filter(**available))


# --- list filters ---------------------------------------------------------------------


class InStockFilter(admin.SimpleListFilter):
    title = "in stock"
    parameter_name = "in_stock"

    def lookups(self, request, model_admin):
        return [("yes", "Yes: can be bought now"), ("no", "No: nothing available")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(_sellable_stock(available__gt=0))
        if self.value() == "no":
            return queryset.exclude(_sellable_stock(available__gt=0))
        return queryset


class LowStockFilter(admin.SimpleListFilter):
    """Products with a variant running low or sold out: what to restock."""

    title = "low stock"
    parameter_name = "low_stock"

    def lookups(self, request, model_admin):
        threshold = selectors.low_stock_threshold()
        return [
            ("low", f"A variant running low ({threshold} or fewer left)"),
            ("out", "A variant sold out"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "low":
            threshold = selectors.low_stock_threshold()
            return queryset.filter(_sellable_stock(available__gt=0, available__lte=threshold))
        if self.value() == "out":
            return queryset.filter(_sellable_stock(available=0))
        return queryset


class VariantStockFilter(admin.SimpleListFilter):
    title = "availability"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        threshold = selectors.low_stock_threshold()
        return [
            ("in", f"Plenty (more than {threshold} left)"),
            ("low", f"Running low ({threshold} or fewer left)"),
            ("out", "Sold out"),
        ]

    def queryset(self, request, queryset):
        threshold = selectors.low_stock_threshold()
        condition = {
            "in": Q(available__gt=threshold),
            "low": Q(available__gt=0, available__lte=threshold),
            "out": Q(available=0),
        }.get(self.value())
        return queryset if condition is None else queryset.filter(condition)


# --- tax classes -----------------------------------------------------------------------


def _tax_class_choices() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in taxes.tax_classes()]


class TaxClassFormMixin:
    """A variant's tax class is one of the taxes service's codes, offered as a choice."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tax_class":
            # Left out of a form (an older script, a bulk form): the default class.
            return forms.TypedChoiceField(
                choices=_tax_class_choices,
                required=False,
                empty_value=db_field.default,
                initial=db_field.default,
                label="Tax class",
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# --- saving variants ------------------------------------------------------------------


class StockFormMixin:
    """
    Variant forms post the stock figure they showed (``show_hidden_initial``),
    so ``changed_data`` says whether staff changed it, not whether a sale
    changed it since the page was loaded.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "stock_on_hand":
            kwargs["show_hidden_initial"] = True
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def _save_variant(request, variant: Variant, changed: list[str], *, created: bool) -> None:
    """
    Save what the form changed, and only that: a price edit must not write back
    a stock figure that a sale has lowered since the form was loaded. A stock
    change goes through ``services.stock.set_stock`` (row lock, ledger entry).
    """
    who = f"Admin: {request.user}"
    if created:
        variant.save()
        if variant.stock_on_hand:
            StockMovement.objects.create(
                variant=variant,
                delta=variant.stock_on_hand,
                reason=StockMovement.Reason.ADJUSTMENT,
                note=f"{who}, opening stock",
            )
        return
    columns = {field.name for field in Variant._meta.concrete_fields}
    fields = [name for name in changed if name in columns and name != "stock_on_hand"]
    with db.atomic():
        if fields:
            variant.save(update_fields=fields)
        if "stock_on_hand" in changed:
            stock.set_stock(variant.sku, variant.stock_on_hand, note=who)


# --- products -------------------------------------------------------------------------


class VariantInline(TaxClassFormMixin, StockFormMixin, admin.TabularInline):
    model = Variant
    extra = 0
    fields = (
        "sku",
        "options",
        "price",
        "tax_class",
        "compare_at_price",
        "stock_on_hand",
        "available",
        "weight_grams",
        "gift_card",
        "is_active",
        "position",
    )
    readonly_fields = ("available",)
    formfield_overrides = NARROW_JSON

    def get_queryset(self, request):
        return selectors.with_availability(super().get_queryset(request))

    @admin.display(description="available")
    def available(self, variant):
        return getattr(variant, "available", None)


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ("preview", "image", "alt_text", "position")
    readonly_fields = ("preview",)

    @admin.display(description="preview")
    def preview(self, image):
        if not image.pk or not image.image:
            return None
        # The thumbnail is 4:3, so its size needs no style="" (which the CSP refuses).
        return format_html('<img src="{}" alt="" width="80" height="60">', image.list_thumbnail.url)


class AnnouncesOncePerProduct:
    """
    A form's saves (the product, its inline variants) announce the product
    once, in one go. ``_changeform_view`` is Django's private step that runs
    inside ``changeform_view``'s transaction; were it renamed, each save
    would announce on its own (more than once, never not at all).
    """

    def _changeform_view(self, *args, **kwargs):
        with announcements.gathered():
            return super()._changeform_view(*args, **kwargs)


@admin.register(Product)
class ProductAdmin(AnnouncesOncePerProduct, admin.ModelAdmin):
    list_display = (
        "name",
        "category",
        "price",
        "stock_on_hand",
        "available",
        "is_active",
        "updated_at",
    )
    list_display_links = ("name",)
    list_filter = ("category", "is_active", InStockFilter, LowStockFilter)
    list_select_related = ("category",)
    search_fields = ("name", "slug", "variants__sku")
    search_help_text = "Name, slug or a variant's SKU."
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "category", "description", "is_active", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")
    inlines = (VariantInline, ProductImageInline)
    actions = ("activate", "deactivate")
    list_per_page = 50

    def get_queryset(self, request):
        active = Variant.objects.filter(is_active=True)
        sellable = selectors.with_availability(active)
        return (
            super()
            .get_queryset(request)
            .annotate(
                price_min=_per_product(active, Min("price")),
                price_max=_per_product(active, Max("price")),
                stock_total=Coalesce(_per_product(Variant.objects, Sum("stock_on_hand")), 0),
                available_total=Coalesce(_per_product(sellable, Sum("available")), Value(0)),
            )
        )

    @admin.display(description="price", ordering="price_min")
    def price(self, product):
        low, high = product.price_min, product.price_max
        if low is None:
            return None
        if low == high:
            return format_money(low)
        return f"{format_money(low)} \N{EN DASH} {format_money(high)}"

    @admin.display(description="stock on hand", ordering="stock_total")
    def stock_on_hand(self, product):
        return product.stock_total

    @admin.display(description="available", ordering="available_total")
    def available(self, product):
        return product.available_total

    def save_formset(self, request, form, formset, change):
        if formset.model is not Variant:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for variant in formset.deleted_objects:
            variant.delete()
        for variant in formset.new_objects:
            _save_variant(request, variant, [], created=True)
        for variant, changed in formset.changed_objects:
            _save_variant(request, variant, changed, created=False)
        return None

    @admin.action(description="Activate selected products", permissions=["change"])
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description="Deactivate selected products", permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    def _set_active(self, request, queryset, active: bool) -> None:
        """One ``save()`` per product, so each change is announced and caches are dropped."""
        pks = list(queryset.values_list("pk", flat=True))
        with db.atomic(), announcements.gathered():
            products = Product.objects.filter(pk__in=pks, is_active=not active)
            changed = 0
            for product in products.select_for_update():
                product.is_active = active
                product.save(update_fields=["is_active", "updated_at"])
                changed += 1
        verb = "activated" if active else "deactivated"
        self.message_user(
            request,
            ngettext("%d product %s.", "%d products %s.", changed) % (changed, verb),
            messages.SUCCESS,
        )


# --- categories and variants ----------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "position", "product_count", "slug")
    list_editable = ("position",)
    list_select_related = ("parent",)
    list_filter = (("parent", admin.EmptyFieldListFilter),)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("parent__position", "parent__name", "position", "name")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(products_count=Count("products"))

    @admin.display(description="products", ordering="products_count")
    def product_count(self, category):
        return category.products_count


@admin.register(Variant)
class VariantAdmin(AnnouncesOncePerProduct, TaxClassFormMixin, StockFormMixin, admin.ModelAdmin):
    list_display = (
        "sku",
        "product",
        "options_label",
        "price",
        "compare_at",
        "stock_on_hand",
        "available",
        "is_active",
    )
    list_editable = ("price", "stock_on_hand")
    list_select_related = ("product",)
    list_filter = (
        "is_active",
        VariantStockFilter,
        "product__category",
        "tax_class",
        "gift_card",
    )
    search_fields = ("sku", "product__name")
    autocomplete_fields = ("product",)
    fields = (
        "product",
        "sku",
        "options",
        "price",
        "tax_class",
        "compare_at_price",
        "stock_on_hand",
        "weight_grams",
        "gift_card",
        "is_active",
        "position",
    )
    ordering = ("sku",)
    list_per_page = 100

    def get_queryset(self, request):
        return selectors.with_availability(super().get_queryset(request))

    @admin.display(description="options")
    def options_label(self, variant):
        return variant.label or None

    @admin.display(description="compare at", ordering="compare_at_price")
    def compare_at(self, variant):
        return format_money(variant.compare_at_price) or None

    @admin.display(description="available", ordering="available")
    def available(self, variant):
        return variant.available

    def save_model(self, request, obj, form, change):
        _save_variant(request, obj, form.changed_data, created=not change)


# --- read-only: reservations and the stock ledger -------------------------------------


class ReservationLineInline(ReadOnlyInline):
    model = ReservationLine
    fields = ("variant", "quantity")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("variant")


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Stock held for checkouts, as the checkout saga left it: for looking, not editing."""

    list_display = ("key", "state", "units", "created_at", "expires_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("key", "lines__variant__sku")
    inlines = (ReservationLineInline,)
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(units_held=Sum("lines__quantity"))

    @admin.display(description="status", ordering="status")
    def state(self, reservation):
        if reservation.status == Reservation.Status.ACTIVE and reservation.expires_at <= (
            timezone.now()
        ):
            return "active (expired, not yet released)"
        return reservation.get_status_display()

    @admin.display(description="units", ordering="units_held")
    def units(self, reservation):
        return reservation.units_held or 0


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """
    The stock ledger. Nobody adds or edits movements here; deleting one is
    left to the delete permission only because deleting a variant takes its
    history with it.
    """

    list_display = ("created_at", "variant", "signed_delta", "reason", "key", "short_note")
    list_filter = ("reason",)
    list_select_related = ("variant",)
    search_fields = ("variant__sku", "key", "note")
    date_hierarchy = "created_at"
    actions = None

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    @admin.display(description="change", ordering="delta")
    def signed_delta(self, movement):
        return f"{movement.delta:+d}"

    @admin.display(description="note")
    def short_note(self, movement):
        return Truncator(movement.note).chars(60)
