"""
The staff side of taxes: tax classes and the rates of each class per country
with their validity dates. A new rate (a country changing its VAT) is a new
row: end the current one with its last day (``valid_until``) and add the next
from the day after; overlapping rates are refused. Checkouts started from
then on use it; orders keep what they were charged.
"""

from django.contrib import admin

from .models import TaxClass, TaxRate


class TaxRateInline(admin.TabularInline):
    model = TaxRate
    extra = 0
    fields = ("country", "rate", "valid_from", "valid_until")
    ordering = ("country", "-valid_from")


@admin.register(TaxClass)
class TaxClassAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "description")
    search_fields = ("code", "name")
    inlines = [TaxRateInline]

    def get_readonly_fields(self, request, obj=None):
        # catalog stores the code: renaming it would orphan every variant of the class.
        return ("code",) if obj is not None else ()


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ("country", "tax_class", "rate", "valid_from", "valid_until")
    list_filter = ("tax_class", "country")
    search_fields = ("country",)
    ordering = ("country", "tax_class__code", "-valid_from")
    date_hierarchy = "valid_from"
