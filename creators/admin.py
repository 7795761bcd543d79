"""Django admin for partners, creators, the creator-stats feed, tiers and the scheduled jobs."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseModelFormSet
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from . import services
from .models import (
    Creator,
    CreatorDailyStats,
    JobRun,
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
    "Minimum 30-day LIVE GMV (USD) for this tier. Only Silver's $1,000 comes from the source "
    "(TikTok Shop: Silver-tier+ = 30-day LIVE GMV >= $1k) and is fixed; the other tiers' "
    "amounts are this project's defaults. Changes apply at the next tier refresh."
)
SILVER_MINIMUM = Decimal("1000.00")


def thresholds_check(overrides: dict[int, Decimal]) -> list[str]:
    """The thresholds after these edits: Silver stays $1,000, each tier above the one below."""
    values = {int(t): v for t, v in services.tier_thresholds().items()}
    values.update(overrides)
    errors = []
    if values[Tier.SILVER] != SILVER_MINIMUM:
        errors.append("Silver's threshold is the source's $1,000 and cannot change.")
    ranked = [int(t) for t in Tier.ranked()]
    for lower, higher in zip(ranked, ranked[1:], strict=False):
        if values[higher] <= values[lower]:
            errors.append(
                f"{Tier(higher).label} (${values[higher]:,}) must be above "
                f"{Tier(lower).label} (${values[lower]:,})."
            )
    return errors


class TierThresholdForm(forms.ModelForm):
    class Meta:
        model = TierThreshold
        fields = ["tier", "min_live_gmv_usd"]
        help_texts = {"min_live_gmv_usd": THRESHOLD_HELP}

    def clean_min_live_gmv_usd(self):
        value = self.cleaned_data["min_live_gmv_usd"]
        if value is not None and value <= 0:
            raise ValidationError("A threshold is a positive amount.")
        return value

    def clean(self):
        cleaned = super().clean()
        tier = cleaned.get("tier", self.instance.tier)
        value = cleaned.get("min_live_gmv_usd")
        # On the changelist the formset checks all edited rows together.
        if tier is not None and value is not None and not getattr(self, "in_formset", False):
            errors = thresholds_check({int(tier): value})
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
        errors = thresholds_check(overrides)
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
        return ["tier"] if obj is not None else []

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": THRESHOLD_HELP}
        return super().changelist_view(request, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TierHistory)
class TierHistoryAdmin(ReadOnlyAdmin):
    list_display = ["creator", "as_of", "previous_tier", "tier", "live_gmv_30d", "recorded_at"]
    list_select_related = ["creator"]
    list_filter = ["tier", "as_of"]
    search_fields = ["creator__handle"]
    show_full_result_count = False


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = [
        "job",
        "status",
        "as_of",
        "started_at",
        "finished_at",
        "duration",
        "rows_changed",
    ]
    list_filter = ["job", "status"]
    change_list_template = "admin/creators/jobrun/change_list.html"

    JOBS = {
        "refresh_tiers": ("Tier refresh", services.tiers_refresh),
        "refresh_followers": ("Follower refresh", services.followers_refresh),
    }

    @admin.display(description="duration")
    def duration(self, run):
        return "—" if run.duration_s is None else f"{run.duration_s:.2f} s"

    def get_urls(self):
        return [
            path(
                "run/<str:job>/",
                self.admin_site.admin_view(self.run_view),
                name="creators_jobrun_run",
            ),
            *super().get_urls(),
        ]

    def run_view(self, request, job):
        """Run a scheduled job now (POST only, superusers), as the beat would."""
        from leads.services import authorizations_expire

        jobs = {
            **self.JOBS,
            "expire_authorizations": ("Authorization expiry", authorizations_expire),
        }
        if request.method != "POST" or job not in jobs or not request.user.is_superuser:
            self.message_user(request, "Only a superuser can run a job, by POST.", messages.ERROR)
            return redirect("admin:creators_jobrun_changelist")
        label, service = jobs[job]
        try:
            run = service()
        except Exception as exc:  # the run is recorded as failed; say so instead of a 500
            self.message_user(
                request, f"{label} failed: {type(exc).__name__}: {exc}", messages.ERROR
            )
            return redirect("admin:creators_jobrun_changelist")
        self.message_user(
            request,
            f"{label} ran: {run.rows_changed} rows changed in {run.duration_s:.2f} s "
            f"(job run #{run.pk}).",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:creators_jobrun_changelist"))
