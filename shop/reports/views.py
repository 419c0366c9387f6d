"""
The dashboard's page and its CSV downloads (served by ``admin.py``).

The period comes from the query string (``start``, ``end`` or ``days``,
``periods.PeriodForm``). A period the form refuses gets the form back with
its errors and status 400 (a download: 400 with the reason as text), and
nothing is read.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import get_valid_filename

from shop.core.money import format_money

from . import charts
from .figures import LISTED, SalesReport, sales_report
from .periods import PRESETS, PeriodForm
from .tables import SLUGS, Table, display, tables, write_csv


def allow(model_admin, request) -> None:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied


def _viewer(request):
    """``may_view("orders.order")``: whether the member of staff may open that admin list."""
    user = request.user

    def may_view(model: str) -> bool:
        app_label, model_name = model.split(".")
        return user.has_perm(f"{app_label}.view_{model_name}") or user.has_perm(
            f"{app_label}.change_{model_name}"
        )

    return may_view


def dashboard(request, model_admin):
    form = PeriodForm(request.GET)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Sales dashboard",
        "opts": model_admin.opts,
        "presets": PRESETS,
        "listed": LISTED,
    }
    if not form.is_valid():
        context["form"] = form
        return TemplateResponse(request, "admin/reports/sales_dashboard.html", context, status=400)
    period = form.period
    report = sales_report(period, settings.SHOP_CURRENCY)
    every = tables(report, _viewer(request))
    context |= {
        "form": form.shown(),
        "period": period,
        "current_preset": period.days if period.last_day == form.today else None,
        "time_zone": settings.TIME_ZONE,
        "report": report,
        "tables": {
            slug.replace("-", "_"): _rendered(table, report, model_admin)
            for slug, table in every.items()
        },
        # Every text in them is escaped by ``charts``.
        "revenue_chart": mark_safe(_revenue_chart(report)),
        "orders_chart": mark_safe(_orders_chart(report)),
    }
    return TemplateResponse(request, "admin/reports/sales_dashboard.html", context)


def _rendered(table: Table, report: SalesReport, model_admin) -> dict:
    """
    A table as the template writes it: each cell's text, link and kind (for
    alignment), and where its CSV is.
    """
    opts = model_admin.opts
    csv_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_csv", args=[table.slug])
    return {
        "table": table,
        "rows": [
            [
                {
                    "text": display(cell, column, report.currency),
                    "link": cell.link,
                    "kind": column.kind,
                }
                for cell, column in zip(row, table.columns, strict=True)
            ]
            for row in table.shown_rows
        ],
        "more": len(table.shown_rows) < len(table.rows),
        "csv_url": f"{csv_url}?{report.period.query}",
    }


def _money_axis(currency: str):
    def label(value: float) -> str:
        text = format_money(value, currency)
        return text.removesuffix(".00") if value == int(value) else text

    return label


def _revenue_chart(report: SalesReport) -> str:
    label = _money_axis(report.currency)
    return charts.bar_chart(
        [
            charts.Point(
                day.isoformat(),
                sales.revenue,
                f"{day.isoformat()}: {format_money(sales.revenue, report.currency)} revenue, "
                f"{format_money(sales.net, report.currency)} net of refunds",
            )
            for day, sales in report.days
        ],
        chart_id="revenue-chart",
        title="Revenue per day (bars) and revenue net of refunds (line)",
        axis_label=label,
        line=[sales.net for _day, sales in report.days],
        line_title="Revenue net of refunds",
        empty="No orders in this period.",
    )


def _orders_chart(report: SalesReport) -> str:
    return charts.bar_chart(
        [
            charts.Point(
                day.isoformat(),
                sales.orders,
                f"{day.isoformat()}: {sales.orders} order{'' if sales.orders == 1 else 's'}",
            )
            for day, sales in report.days
        ],
        chart_id="orders-chart",
        title="Orders per day",
        axis_label=lambda value: f"{value:,.0f}",
        whole=True,
        empty="No orders in this period.",
    )


def download(request, slug: str) -> HttpResponse:
    if slug not in SLUGS:
        raise Http404("The dashboard has no such table.")
    form = PeriodForm(request.GET)
    if not form.is_valid():
        reasons = " ".join(error for errors in form.errors.values() for error in errors)
        return HttpResponse(
            f"invalid_period: {reasons}\n", status=400, content_type="text/plain; charset=utf-8"
        )
    report = sales_report(form.period, settings.SHOP_CURRENCY)
    table = tables(report, lambda model: False)[slug]
    response = HttpResponse(write_csv(table), content_type="text/csv; charset=utf-8")
    filename = get_valid_filename(f"sales-{slug}-{form.period.slug}.csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
