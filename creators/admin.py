from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse

from . import services
from .models import (
    Creator,
    CreatorDailyStats,
    JobRun,
    Partner,
    PartnerStaff,
    TierHistory,
    TierThreshold,
)


class PartnerStaffInline(admin.TabularInline):
    model = PartnerStaff
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_type", "is_listed", "categories", "created_at"]
    list_filter = ["partner_type", "is_listed"]
    search_fields = ["name", "slug", "categories"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnerStaffInline]


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
    ]
    list_filter = ["tier"]
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


@admin.register(CreatorDailyStats)
class CreatorDailyStatsAdmin(admin.ModelAdmin):
    list_display = ["creator", "date", "live_gmv_usd", "followers", "live_sessions"]
    list_select_related = ["creator"]
    search_fields = ["creator__handle"]
    date_hierarchy = "date"
    raw_id_fields = ["creator"]
    show_full_result_count = False
    change_list_template = "admin/creators/creatordailystats/change_list.html"

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
        """Upload a creator-stats CSV; a bad row rejects the whole file."""
        if not self.has_add_permission(request):
            raise PermissionError
        errors = []
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                errors = ["file: choose a CSV file to upload."]
            else:
                try:
                    rows = services.stats_csv_parse(upload.read().decode("utf-8-sig"))
                    result = services.creator_stats_import(rows=rows)
                except UnicodeDecodeError:
                    errors = ["file: the CSV must be UTF-8 text."]
                except ValidationError as exc:
                    errors = [m for ms in exc.message_dict.values() for m in ms]
                else:
                    self.message_user(
                        request,
                        f"Imported {result.rows} rows: {result.rows_created} new, "
                        f"{result.rows_updated} changed, {result.rows_unchanged} unchanged; "
                        f"{result.creators_created} new creators.",
                    )
                    return redirect("admin:creators_creatordailystats_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import creator-stats CSV",
            "errors": errors,
            "opts": self.model._meta,
        }
        return render(request, "admin/creators/creatordailystats/import.html", context)


@admin.register(TierThreshold)
class TierThresholdAdmin(admin.ModelAdmin):
    list_display = ["tier", "min_live_gmv_usd"]
    list_editable = ["min_live_gmv_usd"]
    ordering = ["tier"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "subtitle": "Only Silver's $1,000 comes from the source; the others are defaults.",
        }
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
        """Run a scheduled job now (POST only), as the beat would."""
        from leads.services import authorizations_expire

        jobs = {
            **self.JOBS,
            "expire_authorizations": ("Authorization expiry", authorizations_expire),
        }
        if request.method != "POST" or job not in jobs or not request.user.is_superuser:
            self.message_user(request, "Only a superuser can run a job, by POST.", messages.ERROR)
            return redirect("admin:creators_jobrun_changelist")
        label, service = jobs[job]
        run = service()
        self.message_user(
            request, f"{label} ran: {run.rows_changed} rows changed in {run.duration_s:.2f} s."
        )
        return redirect(reverse("admin:creators_jobrun_changelist"))
