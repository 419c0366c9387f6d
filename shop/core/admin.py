"""
What every service's admin shares: read-only pages for records staff must
see but never edit (a ledger, a gateway's notification, an event), and the
services' outboxes and inboxes, registered here once for every app so staff
can see an event that is stuck (``attempts``, ``last_error``) and which
consumers handled it. The admin index shows those in one "Messaging"
section (``shop.core.adminsite``), out of the way of the day-to-day tables.
"""

from django.apps import apps
from django.contrib import admin

from .models import BaseInboxMessage, BaseOutboxMessage
from .registry import shop_app_labels


class ReadOnlyMixin:
    """Viewable by whoever may view the model; nobody adds, changes or deletes through it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """A read-only table of related rows on the parent's page: every field shown, none editable."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()


class OutboxMessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("event_name", "id", "created_at", "sent_at", "attempts")
    list_filter = ("event_name", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("id", "event_name")
    date_hierarchy = "created_at"


class InboxMessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("consumer", "event_name", "event_id", "processed_at")
    list_filter = ("consumer", "event_name")
    search_fields = ("event_id",)


def is_messaging_model(model) -> bool:
    return issubclass(model, (BaseOutboxMessage, BaseInboxMessage))


for _model in apps.get_models():
    if _model._meta.app_label not in shop_app_labels():
        continue
    if issubclass(_model, BaseOutboxMessage):
        admin.site.register(_model, OutboxMessageAdmin)
    elif issubclass(_model, BaseInboxMessage):
        admin.site.register(_model, InboxMessageAdmin)
