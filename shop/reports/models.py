"""
The reports service's tables: its outbox and inbox, which every service has
(unused: reports publishes and consumes nothing), and no figures of its own.

``SalesDashboard`` has no table (``managed = False``): it is the admin's
handle on the dashboard, so the admin index lists the page under "Reports",
and the holder of the permission to read it, ``reports.view_sales_dashboard``
(the "Order managers" and "Reports" roles, ``shop.accounts.roles``).
"""

from django.db import models

from shop.core.models import BaseInboxMessage, BaseOutboxMessage


class OutboxMessage(BaseOutboxMessage):
    """Events the reports service publishes (none yet)."""


class InboxMessage(BaseInboxMessage):
    """Events the reports service's consumers have already acted on (none yet)."""


class SalesDashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_sales_dashboard", "Can view the sales dashboard")]
        verbose_name = "sales dashboard"
        verbose_name_plural = "sales dashboard"

    def __str__(self):
        return "Sales dashboard"
