"""
Every app's outbox and inbox, read-only, so staff can see an event that is
stuck (``attempts``, ``last_error``) and which consumers handled it.
"""

from django.apps import apps
from django.contrib import admin

from .models import BaseInboxMessage, BaseOutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("event_name", "id", "created_at", "sent_at", "attempts")
    list_filter = ("event_name", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("id", "event_name")
    date_hierarchy = "created_at"


class InboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("consumer", "event_name", "event_id", "processed_at")
    list_filter = ("consumer", "event_name")
    search_fields = ("event_id",)


for _model in apps.get_models():
    if not _model._meta.app_config.name.startswith("shop."):
        continue
    if issubclass(_model, BaseOutboxMessage):
        admin.site.register(_model, OutboxMessageAdmin)
    elif issubclass(_model, BaseInboxMessage):
        admin.site.register(_model, InboxMessageAdmin)
