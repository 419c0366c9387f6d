"""
The sales dashboard in the admin: ``SalesDashboard`` (a model without a
table) is registered so the admin index lists the page under "Reports" for
whoever may read it, and its admin serves the page and the CSV downloads
instead of a list of rows. Only staff reach it (the admin's sign-in); of
them, those with ``reports.view_sales_dashboard`` (the "Order managers" and
"Reports" roles, and superusers) see it, the others get 403.
"""

from django.contrib import admin
from django.urls import path

from shop.core.admin import ReadOnlyMixin

from . import views
from .models import SalesDashboard

PERMISSION = "reports.view_sales_dashboard"


@admin.register(SalesDashboard)
class SalesDashboardAdmin(ReadOnlyMixin, admin.ModelAdmin):
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.dashboard), name=f"{name}_changelist"),
            path("<slug:table>.csv", wrap(self.download), name=f"{name}_csv"),
        ]

    def dashboard(self, request):
        views.allow(self, request)
        return views.dashboard(request, self)

    def download(self, request, table: str):
        views.allow(self, request)
        return views.download(request, table)
