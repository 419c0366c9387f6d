"""
What every service's admin shares: read-only pages for records staff must
see but never edit (a ledger, a gateway's notification, an event), and the
services' outboxes and inboxes, registered here once for every app so staff
can see an event that is stuck (``attempts``, ``failures``, ``last_error``),
find the parked ones (filter "Parked") and send them again (action "Send
again", for whoever may change the outbox: superusers), and which consumers
handled an event. The admin index shows those in one "Messaging" section
(``shop.core.adminsite``), out of the way of the day-to-day tables.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.db.models import Q

from .messaging import resend_parked
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


class StateFilter(admin.SimpleListFilter):
    """A "state" filter: ``states`` maps each choice to its label and condition."""

    title = "state"
    parameter_name = "state"
    states: dict[str, tuple[str, Q]] = {}

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _) in self.states.items()]

    def queryset(self, request, queryset):
        state = self.states.get(self.value())
        return queryset.filter(state[1]) if state else queryset


class OutboxStateFilter(StateFilter):
    """Sent, waiting for the relay, or parked (the relay gave up on it: staff must look)."""

    states = {
        "waiting": ("Waiting", Q(sent_at__isnull=True, parked_at__isnull=True)),
        "sent": ("Sent", Q(sent_at__isnull=False)),
        "parked": ("Parked (staff must look)", Q(parked_at__isnull=False)),
    }


class OutboxMessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "event_name",
        "id",
        "created_at",
        "state",
        "sent_at",
        "attempts",
        "failures",
        "short_error",
    )
    list_filter = (OutboxStateFilter, "event_name")
    # A trace id finds the events published in that trace (shop.core.tracing).
    search_fields = ("id", "event_name", "traceparent")
    date_hierarchy = "created_at"
    actions = ("send_again",)

    @admin.display(description="last error")
    def short_error(self, message):
        error = message.last_error
        return error if len(error) <= 120 else f"{error[:119]}…"

    def has_resend_permission(self, request) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(description="Send the selected parked events again", permissions=["resend"])
    def send_again(self, request, queryset):
        ids = list(queryset.filter(parked_at__isnull=False).values_list("pk", flat=True))
        if not ids:
            self.message_user(request, "None of the selected events is parked.", messages.WARNING)
            return
        sent, failed = resend_parked(self.model, ids)
        if sent:
            self.message_user(request, f"Sent {sent} event(s) again.", messages.SUCCESS)
        if failed:
            self.message_user(
                request,
                f"{failed} event(s) failed again; the relay keeps trying them (see last error).",
                messages.ERROR,
            )


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
