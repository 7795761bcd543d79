"""Admin for leads, collaboration requests and lead history.

Writes go through `leads.services` (admin actions), so the rules are the ones pages and the API
follow. Licensed data is shown only while its authorization lasts (`is_authorized`), to
superusers too: at the end the expiry job erases it, and until that run it reads "expired".
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core.admin import ReadOnlyAdmin

from . import services
from .models import CollaborationRequest, Lead, LeadEvent, LeadStatus


class LicensedDataMixin:
    """Licensed data is shown only while authorized, to everyone: no audit copy is kept past
    the days the creator consented to (docs/security.md, retention)."""

    @admin.display(description="authorization")
    def authorization(self, obj):
        if obj.authorization_expires_at is None:
            return "—"
        if obj.is_authorized():
            return f"active until {obj.authorization_expires_at:%Y-%m-%d %H:%M} UTC"
        return "expired"

    @admin.display(description="licensed data")
    def licensed_data_shown(self, obj):
        if obj.is_authorized():
            return obj.licensed_data
        if obj.authorization_expires_at is None:
            return "—"
        return "expired — erased at expiry" if not obj.licensed_data else "expired — hidden"

    @admin.display(description="licensed 30-day LIVE GMV")
    def licensed_gmv(self, obj):
        if not obj.licensed_data:
            return "—"
        if not obj.is_authorized():
            return "expired — hidden"
        return f"${obj.licensed_data.get('live_gmv_30d', '—')}"


class LeadEventInline(admin.TabularInline):
    model = LeadEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "from_status", "to_status", "created_at"]
    fields = readonly_fields
    ordering = ["-created_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(LicensedDataMixin, admin.ModelAdmin):
    list_display = [
        "partner",
        "creator",
        "source",
        "status",
        "creator_tier",
        "creator_follower_count",
        "requested_at",
        "removed_at",
        "authorization",
        "licensed_gmv",
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
    readonly_fields = [
        "partner",
        "creator",
        "source",
        "status",
        "reached_collaborating_at",
        "requested_at",
        "creator_tier",
        "creator_follower_count",
        "licensed_data_shown",
        "authorization",
        "authorization_expires_at",
        "removed_at",
        "removed_by",
        "added_by",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    inlines = [LeadEventInline]
    actions = ["close_leads", "remove_leads"]
    date_hierarchy = "requested_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # removals are soft: use the "Remove selected leads from the pool" action

    @admin.action(description="Close selected leads", permissions=["change"])
    def close_leads(self, request, queryset):
        closed = 0
        for lead in queryset:
            try:
                if lead.status != LeadStatus.CLOSED:
                    services.lead_set_status(lead=lead, status=LeadStatus.CLOSED, user=request.user)
                    closed += 1
            except ValidationError as exc:
                self.message_user(request, f"{lead}: {' '.join(exc.messages)}", messages.WARNING)
        self.message_user(request, f"Closed {closed} lead{'s' if closed != 1 else ''}.")

    @admin.action(description="Remove selected leads from the pool", permissions=["change"])
    def remove_leads(self, request, queryset):
        removed = sum(services.lead_remove(lead=lead, user=request.user) for lead in queryset)
        self.message_user(request, f"Removed {removed} lead{'s' if removed != 1 else ''}.")


@admin.register(CollaborationRequest)
class CollaborationRequestAdmin(LicensedDataMixin, admin.ModelAdmin):
    list_display = [
        "creator",
        "partner",
        "submitted_at",
        "is_open",
        "authorization",
        "licensed_gmv",
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
        "authorization",
        "authorization_expires_at",
        "is_open",
        "expired_at",
        "closed_at",
    ]
    fields = readonly_fields
    date_hierarchy = "submitted_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LeadEvent)
class LeadEventAdmin(ReadOnlyAdmin):
    list_display = ["lead", "kind", "actor", "from_status", "to_status", "created_at"]
    list_filter = ["kind"]
    search_fields = ["lead__creator__handle", "lead__partner__name"]
    list_select_related = ["lead__creator", "lead__partner", "actor"]
    show_full_result_count = False
