"""
Webhooks in the admin: endpoints (the URL checked as in the API, the event
types as checkboxes, the secret shown once after creation and after
"Rotate secret"; actions "Send test event", "Rotate secret", "Enable") and
deliveries with their attempts inline (status, duration, the first KB of
the answer, the error) and the action "Send again".
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from shop.core.admin import ReadOnlyInline, ReadOnlyMixin

from . import addresses
from .errors import UnsafeURL
from .models import Attempt, Delivery, Endpoint
from .payloads import EVENT_TYPES
from .services import deliveries, endpoints


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=2000, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        choices=[(name, f"{name}: {entry.description}") for name, entry in EVENT_TYPES.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Endpoint
        fields = ("url", "description", "enabled", "event_types")

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url != self.instance.url or self.instance.pk is None:
            try:
                addresses.check(url)
            except UnsafeURL as refused:
                raise ValidationError(refused.detail, code=refused.code) from None
        return url

    def clean_event_types(self):
        return endpoints.clean_event_types(self.cleaned_data["event_types"])


def _show_secret(request, endpoint: Endpoint, verb: str) -> None:
    messages.warning(
        request,
        f"The secret of {endpoint.url} ({verb}), shown this once: {endpoint.secret} "
        "(the receiver verifies signatures with it).",
    )


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("url", "description", "enabled", "types", "failing_since", "disabled_reason")
    list_filter = ("enabled",)
    search_fields = ("url", "description")
    readonly_fields = (
        "created_at",
        "updated_at",
        "failing_since",
        "disabled_at",
        "disabled_reason",
    )
    actions = ("send_test_event", "rotate_secret", "enable")

    @admin.display(description="event types")
    def types(self, endpoint):
        return ", ".join(endpoint.event_types)

    def save_model(self, request, obj, form, change):
        if not change:
            created = endpoints.create(
                obj.url, obj.event_types, description=obj.description, enabled=obj.enabled
            )
            obj.pk, obj.secret = created.pk, created.secret
            obj._state.adding = False
            _show_secret(request, created, "new")
            return
        before = Endpoint.objects.get(pk=obj.pk)
        endpoints.update(
            before,
            url=obj.url,
            description=obj.description,
            enabled=obj.enabled,
            event_types=obj.event_types,
        )

    @admin.action(description="Send a test event", permissions=["change"])
    def send_test_event(self, request, queryset):
        for endpoint in queryset:
            delivery = deliveries.send_test(endpoint)
            row = Delivery.objects.get(pk=delivery)
            level = messages.SUCCESS if row.status == Delivery.Status.DELIVERED else messages.ERROR
            answer = f"HTTP {row.last_status_code}" if row.last_status_code else row.last_error
            self.message_user(request, f"Test event to {endpoint.url}: {answer}.", level)

    @admin.action(description="Rotate secret", permissions=["change"])
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            _show_secret(request, endpoints.rotate_secret(endpoint), "rotated")

    @admin.action(description="Enable", permissions=["change"])
    def enable(self, request, queryset):
        changed = 0
        for endpoint in queryset.filter(enabled=False):
            endpoints.enable(endpoint)
            changed += 1
        self.message_user(
            request,
            ngettext("%d endpoint enabled.", "%d endpoints enabled.", changed) % changed,
            messages.SUCCESS,
        )


class AttemptInline(ReadOnlyInline):
    model = Attempt
    fields = (
        "number",
        "started_at",
        "duration_ms",
        "status_code",
        "succeeded",
        "error",
        "response_excerpt",
    )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    )
    list_filter = ("status", "event_type", "endpoint")
    list_select_related = ("endpoint",)
    search_fields = ("id", "event_id")
    fields = (
        "id",
        "endpoint",
        "event_type",
        "event_id",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_status_code",
        "last_error",
        "body",
    )
    readonly_fields = fields
    inlines = (AttemptInline,)
    actions = ("send_again",)

    def has_send_again_permission(self, request):
        return request.user.has_perm("webhooks.change_endpoint")

    @admin.action(description="Send again", permissions=["send_again"])
    def send_again(self, request, queryset):
        count = deliveries.send_again(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%d delivery sent again.", "%d deliveries sent again.", count) % count,
            messages.SUCCESS,
        )
