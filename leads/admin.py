from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import services
from .models import CollaborationRequest, Lead, LeadEvent, LeadStatus, Notification


class LicensedDataMixin:
    """Licensed data is shown only while authorized; superusers may audit expired snapshots."""

    @admin.display(description="authorization")
    def authorization(self, obj):
        if obj.authorization_expires_at is None:
            return "—"
        if obj.authorization_expires_at > timezone.now():
            return f"active until {obj.authorization_expires_at:%Y-%m-%d %H:%M} UTC"
        return "expired"

    @admin.display(description="licensed data")
    def licensed_data_shown(self, obj):
        if obj.authorization_expires_at and obj.authorization_expires_at > timezone.now():
            return obj.licensed_data
        request = getattr(self, "_request", None)
        if request is not None and request.user.is_superuser and obj.licensed_data:
            return f"expired — audit copy: {obj.licensed_data}"
        return "expired — hidden" if obj.licensed_data else "—"

    def get_queryset(self, request):
        self._request = request
        return super().get_queryset(request)


class LeadEventInline(admin.TabularInline):
    model = LeadEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "from_status", "to_status", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(LicensedDataMixin, admin.ModelAdmin):
    list_display = [
        "creator",
        "partner",
        "source",
        "status",
        "creator_tier",
        "creator_follower_count",
        "requested_at",
        "authorization",
        "removed_at",
    ]
    list_filter = [
        "source",
        "status",
        "creator_tier",
        "partner",
        ("removed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["creator__handle", "creator__display_name", "partner__name"]
    list_select_related = ["creator", "partner"]
    raw_id_fields = ["creator", "partner", "removed_by", "added_by"]
    readonly_fields = [
        "partner",
        "creator",
        "source",
        "status",
        "requested_at",
        "creator_tier",
        "creator_follower_count",
        "licensed_data_shown",
        "authorization_expires_at",
        "authorization_expired_at",
        "removed_at",
        "removed_by",
        "added_by",
        "created_at",
        "updated_at",
    ]
    exclude = ["licensed_data"]
    inlines = [LeadEventInline]
    actions = ["close_leads"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # removals are soft: use "Remove from leads"

    @admin.action(description="Close selected leads")
    def close_leads(self, request, queryset):
        closed = 0
        for lead in queryset:
            try:
                services.lead_set_status(lead=lead, status=LeadStatus.CLOSED, user=request.user)
                closed += 1
            except ValidationError as exc:
                self.message_user(request, f"{lead}: {' '.join(exc.messages)}", messages.WARNING)
        self.message_user(request, f"Closed {closed} leads.")


@admin.register(CollaborationRequest)
class CollaborationRequestAdmin(LicensedDataMixin, admin.ModelAdmin):
    list_display = [
        "creator",
        "partner",
        "submitted_at",
        "is_open",
        "authorization",
        "creator_tier",
    ]
    list_filter = ["is_open", "creator_tier", "partner"]
    search_fields = ["creator__handle", "partner__name"]
    list_select_related = ["creator", "partner"]
    readonly_fields = [
        "partner",
        "creator",
        "lead",
        "message",
        "consent_given",
        "creator_tier",
        "licensed_data_shown",
        "submitted_at",
        "authorization_expires_at",
        "is_open",
        "expired_at",
        "closed_at",
    ]
    exclude = ["licensed_data"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["partner", "kind", "text", "created_at", "read_at"]
    list_filter = ["kind", "partner", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "partner__name"]
    list_select_related = ["partner"]
    raw_id_fields = ["lead", "user"]


@admin.register(LeadEvent)
class LeadEventAdmin(admin.ModelAdmin):
    list_display = ["lead", "kind", "actor", "from_status", "to_status", "created_at"]
    list_filter = ["kind"]
    search_fields = ["lead__creator__handle", "lead__partner__name"]
    list_select_related = ["lead__creator", "lead__partner", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
