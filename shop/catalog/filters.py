"""
The product list's query parameters, shared by the storefront and the API:
``category``, ``q``, ``min_price``, ``max_price``, ``in_stock``, ``ordering``.

A django-filter ``FilterSet``, so the storefront renders and validates it as a
form and DRF (with drf-spectacular) documents it as query parameters; the
filtering itself is ``selectors.product_listing``.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property

from . import selectors
from .listings import Listing
from .models import Product

# As the price columns hold them: anything else could not match and would
# overflow PostgreSQL's numeric on the way in.
PRICE_BOUNDS = {"min_value": Decimal(0), "max_digits": 12, "decimal_places": 2}

ORDERING_CHOICES = [
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
    ("price", "Price, low to high"),
    ("-price", "Price, high to low"),
    ("newest", "Newest first"),
]


class TruthyCheckboxInput(forms.CheckboxInput):
    """
    A checkbox for forms, and for query strings a yes/no that means yes only
    for 1, true, on or yes (``in_stock=0`` or ``=no`` must not mean "in stock").
    """

    TRUTHY = {"1", "true", "on", "yes"}

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, bool):
            return value
        return value is not None and str(value).strip().lower() in self.TRUTHY


class ProductFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            raise ValidationError(
                {"max_price": "The highest price must not be below the lowest."},
                code="invalid_price_range",
            )
        return cleaned


class ProductFilterSet(django_filters.FilterSet):
    category = django_filters.CharFilter(
        label="Category", help_text="Category slug; products of its subcategories are included."
    )
    q = django_filters.CharFilter(label="Search", help_text="Words to search for, or a SKU.")
    min_price = django_filters.NumberFilter(
        label="Min price", help_text="Lowest price (inclusive).", **PRICE_BOUNDS
    )
    max_price = django_filters.NumberFilter(
        label="Max price", help_text="Highest price (inclusive).", **PRICE_BOUNDS
    )
    in_stock = django_filters.BooleanFilter(
        label="In stock only",
        widget=TruthyCheckboxInput,
        help_text="Only products with at least one variant available now.",
    )
    ordering = django_filters.ChoiceFilter(
        label="Sort by",
        choices=ORDERING_CHOICES,
        empty_label=None,
        help_text="Sort order; search results default to relevance.",
    )

    class Meta:
        form = ProductFilterForm
        fields = ["category", "q", "min_price", "max_price", "in_stock", "ordering"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, tree=None):
        if queryset is None:
            queryset = Product.objects.none()
        super().__init__(data, queryset=queryset, request=request, prefix=prefix)
        self._tree = tree
        # One instant for the list and its count: a hold that expires between
        # the two reads must not make them disagree.
        self.now = timezone.now()

    @cached_property
    def listing_filters(self) -> "selectors.ProductFilters":
        """The valid form's filters, as ``selectors.product_listing`` takes them."""
        data = self.form.cleaned_data
        category_ids = None
        if data.get("category"):
            tree = self._tree if self._tree is not None else selectors.category_tree()
            node = selectors.find_category(tree, data["category"])
            category_ids = tuple(node.descendant_ids()) if node else ()
        return selectors.ProductFilters(
            category_ids=category_ids,
            q=data.get("q") or "",
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            in_stock=bool(data.get("in_stock")),
            ordering=data.get("ordering") or "",
        )

    def filter_queryset(self, queryset):
        return selectors.product_listing(self.listing_filters, now=self.now)

    def listing(self) -> Listing:
        """The valid form's listing as its pages read it (``paging.paginate``)."""
        return Listing(self.listing_filters, self.now)
