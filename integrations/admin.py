"""Django admin of integrations: endpoints and the delivery log, read-only (staff change
endpoints on the settings page or the API, through the services)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["id", "partner", "kind", "url", "active", "consecutive_failures", "removed_at"]
    list_filter = ["kind", "active"]
    list_select_related = ["partner"]
    search_fields = ["url", "partner__name"]
    # The signing secret is never shown again after creation, here neither.
    exclude = ["secret"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["at", "status_code", "duration_ms", "error", "response_excerpt"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-id"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "endpoint",
        "type",
        "status",
        "attempts",
        "last_status_code",
        "last_duration_ms",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "type"]
    list_select_related = ["endpoint"]
    raw_id_fields = ["endpoint", "replay_of"]
    inlines = [WebhookAttemptInline]
    show_full_result_count = False
