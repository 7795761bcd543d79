"""Django admin for partners, creators, the creator-stats feed, tiers and the scheduled jobs."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseModelFormSet
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin

from . import services
from .models import (
    Creator,
    CreatorDailyStats,
    Partner,
    PartnerStaff,
    Tier,
    TierHistory,
    TierThreshold,
)

MAX_ERROR_MESSAGES = 50  # an upload with thousands of bad rows still gets a readable page


class PartnerStaffInline(admin.TabularInline):
    model = PartnerStaff
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_type", "is_listed", "categories", "created_at"]
    list_filter = ["partner_type", "is_listed"]
    search_fields = ["name", "slug", "profile", "categories"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnerStaffInline]

    def has_delete_permission(self, request, obj=None):
        # Deleting would take the partner's leads, requests and IM history with it; untick
        # "is listed" to take a partner off the EC Center instead.
        return False


@admin.register(PartnerStaff)
class PartnerStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "partner"]
    list_select_related = ["user", "partner"]
    search_fields = ["user__username", "partner__name"]
    raw_id_fields = ["user"]


@admin.register(Creator)
class CreatorAdmin(admin.ModelAdmin):
    list_display = [
        "handle",
        "display_name",
        "tier",
        "live_gmv_30d",
        "tier_as_of",
        "follower_count",
        "followers_as_of",
        "user",
    ]
    list_filter = ["tier"]
    list_select_related = ["user"]
    search_fields = ["handle", "display_name"]
    raw_id_fields = ["user"]
    readonly_fields = [
        "tier",
        "live_gmv_30d",
        "tier_as_of",
        "tier_refreshed_at",
        "follower_count",
        "followers_as_of",
        "followers_refreshed_at",
        "created_at",
    ]
    show_full_result_count = False  # an exact count over a million creators is dear

    def save_model(self, request, obj, form, change):
        profile = services.PROFILE_FIELDS & set(form.changed_data)
        if change and profile:
            # Higher apps keep copies of the profile (the pool's search and rows, IM's lists).
            changes = {field: getattr(obj, field) for field in profile}
            services.creator_profile_update(creator=obj, changes=changes)
        else:
            super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # Deleting would take the creator's leads, requests and IM history with it; deactivate
        # the creator's user account instead (they can no longer log in or use a token).
        return False


@admin.register(CreatorDailyStats)
class CreatorDailyStatsAdmin(admin.ModelAdmin):
    list_display = ["creator", "date", "live_gmv_usd", "followers", "live_sessions"]
    list_select_related = ["creator"]
    search_fields = ["creator__handle"]
    date_hierarchy = "date"
    raw_id_fields = ["creator"]
    show_full_result_count = False
    change_list_template = "admin/creators/creatordailystats/change_list.html"

    def save_model(self, request, obj, form, change):
        if change:
            obj.imported_at = timezone.now()  # edited figures: the next refresh reads them
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="creators_creatordailystats_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a creator-stats CSV; a bad row rejects the whole file, listed by line."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            errors = self._import_upload(request)
            if not errors:
                return redirect("admin:creators_creatordailystats_changelist")
            for error in errors[:MAX_ERROR_MESSAGES]:
                self.message_user(request, error, messages.ERROR)
            if len(errors) > MAX_ERROR_MESSAGES:
                self.message_user(
                    request,
                    f"… and {len(errors) - MAX_ERROR_MESSAGES} more errors.",
                    messages.ERROR,
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Import creator-stats CSV",
            "opts": self.model._meta,
        }
        return render(request, "admin/creators/creatordailystats/import.html", context)

    def _import_upload(self, request) -> list[str]:
        upload = request.FILES.get("file")
        if upload is None:
            return ["file: choose a CSV file to upload."]
        try:
            rows = services.stats_csv_parse(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            return ["file: the CSV must be UTF-8 text."]
        except ValidationError as exc:
            return ["Nothing was imported."] + [m for ms in exc.message_dict.values() for m in ms]
        result = services.creator_stats_import(rows=rows)
        self.message_user(
            request,
            f"Imported {result.rows} rows: {result.rows_created} new, "
            f"{result.rows_updated} changed, {result.rows_unchanged} unchanged; "
            f"{result.creators_created} new creators.",
            messages.SUCCESS,
        )
        return []


THRESHOLD_HELP = (
    "Minimum 30-day LIVE GMV (USD) for this tier. "
    f"Only Silver's ${services.SILVER_SOURCE_THRESHOLD:,.0f} comes from the source "
    "(TikTok Shop's Silver-tier+ rule) and is fixed; the other tiers' "
    "amounts are this project's defaults. Changes apply at the next tier refresh."
)


SILVER_FIXED_REASON = (
    "Fixed: TikTok Shop's public Silver-tier+ rule (30-day LIVE GMV ≥ "
    f"${services.SILVER_SOURCE_THRESHOLD:,.0f}) gates Request to Collaborate."
)


class FixedAmountWidget(forms.Widget):
    """Silver's amount as text with its reason: never an input that saving would refuse."""

    def render(self, name, value, attrs=None, renderer=None):
        amount = Decimal(value) if value not in (None, "") else services.SILVER_SOURCE_THRESHOLD
        return format_html(
            '<span class="readonly" data-testid="silver-fixed">{} '
            '<span class="help">{}</span></span>',
            f"${amount:,.2f}",
            SILVER_FIXED_REASON,
        )


def threshold_label(tier) -> str:
    return f"Minimum 30-day LIVE GMV (USD) for {Tier(int(tier)).label}"


class TierThresholdForm(forms.ModelForm):
    class Meta:
        model = TierThreshold
        fields = ["tier", "min_live_gmv_usd"]
        help_texts = {"min_live_gmv_usd": THRESHOLD_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        amount = self.fields.get("min_live_gmv_usd")
        tier = self.instance.tier if self.instance.pk else None
        if amount is not None and tier is not None:
            # The changelist's inputs have no <label>: each is named for its tier.
            amount.widget.attrs["aria-label"] = threshold_label(tier)
            if tier == Tier.SILVER:
                amount.disabled = True  # the posted value is ignored; the stored one stays
                amount.widget = FixedAmountWidget()
        if "tier" in self.fields and not self.instance.pk:
            # Silver's row is the source's figure: it is not added or changed by hand.
            self.fields["tier"].choices = [
                choice for choice in self.fields["tier"].choices if choice[0] != Tier.SILVER
            ]

    def clean(self):
        cleaned = super().clean()
        tier = cleaned.get("tier", self.instance.tier)
        value = cleaned.get("min_live_gmv_usd")
        # On the changelist the formset checks all edited rows together.
        if tier is not None and value is not None and not getattr(self, "in_formset", False):
            errors = services.tier_thresholds_errors(overrides={int(tier): value})
            if errors:
                raise ValidationError({"min_live_gmv_usd": errors})
        return cleaned


class TierThresholdFormSet(BaseModelFormSet):
    """The editable changelist: every edited row is checked against the others at once."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.in_formset = True
        return form

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        overrides = {
            int(form.instance.tier): form.cleaned_data["min_live_gmv_usd"]
            for form in self.forms
            if form.cleaned_data.get("min_live_gmv_usd") is not None
        }
        errors = services.tier_thresholds_errors(overrides=overrides)
        if errors:
            raise ValidationError(errors)


@admin.register(TierThreshold)
class TierThresholdAdmin(admin.ModelAdmin):
    form = TierThresholdForm
    list_display = ["tier", "min_live_gmv_usd"]
    list_editable = ["min_live_gmv_usd"]
    ordering = ["tier"]

    def get_changelist_form(self, request, **kwargs):
        return TierThresholdForm

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=TierThresholdFormSet, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.tier == Tier.SILVER:
            return ["tier", "min_live_gmv_usd"]
        return ["tier"] if obj is not None else []

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": THRESHOLD_HELP}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.tier == Tier.SILVER:
            extra_context = {**(extra_context or {}), "subtitle": SILVER_FIXED_REASON}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(TierHistory)
class TierHistoryAdmin(ReadOnlyAdmin):
    list_display = ["creator", "as_of", "previous_tier", "tier", "live_gmv_30d", "recorded_at"]
    list_select_related = ["creator"]
    list_filter = ["tier", "as_of"]
    search_fields = ["creator__handle"]
    show_full_result_count = False
