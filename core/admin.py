"""Django admin for the ground layer: the Job runs page, the read-only admin base, and the
lockout records' admin (django-axes's, mended)."""

import datetime as dt

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from celery import current_app
from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import JobLock, JobRun

# What "Run now" may queue: the job, its label and its Celery task (by name, so the ground
# layer never imports the domain apps that define them).
RUNNABLE_JOBS = {
    JobRun.Job.REFRESH_TIERS: "creators.tasks.refresh_tiers_task",
    JobRun.Job.REFRESH_FOLLOWERS: "creators.tasks.refresh_followers_task",
    JobRun.Job.EXPIRE_AUTHORIZATIONS: "leads.tasks.expire_authorizations_task",
}


# The Job runs list polls while a job runs, or for up to QUEUED_WAIT after "Run now" queued one
# that no worker has started yet (the session remembers when).
POLL_SECONDS = 2
QUEUED_KEY = "jobrun_queued"
QUEUED_WAIT = dt.timedelta(minutes=2)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody edits by hand: history, job runs, events."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    change_list_template = "admin/core/jobrun/change_list.html"

    def changelist_view(self, request, extra_context=None):
        """The list refreshes itself (htmx, every POLL_SECONDS) while a run is running or a job
        queued by "Run now" has not started yet, and stops once every run is done."""
        extra_context = {
            **(extra_context or {}),
            "poll_seconds": POLL_SECONDS,
            "polling": self._any_running() or bool(self._waiting(request)),
        }
        return super().changelist_view(request, extra_context)

    @staticmethod
    def _any_running() -> bool:
        return JobRun.objects.filter(status=JobRun.Status.RUNNING).exists()

    @staticmethod
    def _waiting(request) -> list[str]:
        """Jobs queued from this session in the last QUEUED_WAIT with no run started since."""
        now = timezone.now()
        waiting = []
        for job, at in request.session.get(QUEUED_KEY, {}).items():
            queued_at = parse_datetime(at)
            if queued_at is None or now - queued_at > QUEUED_WAIT:
                continue
            if not JobRun.objects.filter(job=job, started_at__gte=queued_at).exists():
                waiting.append(job)
        return waiting

    @admin.display(description="duration")
    def duration(self, run):
        return "—" if run.duration_s is None else f"{run.duration_s:.2f} s"

    def get_urls(self):
        return [
            path(
                "run/<str:job>/",
                self.admin_site.admin_view(self.run_view),
                name="core_jobrun_run",
            ),
            *super().get_urls(),
        ]

    def run_view(self, request, job):
        """Queue a scheduled job now (POST only, superusers), as the beat would."""
        if request.method != "POST" or job not in RUNNABLE_JOBS or not request.user.is_superuser:
            self.message_user(request, "Only a superuser can run a job, by POST.", messages.ERROR)
            return redirect("admin:core_jobrun_changelist")
        label = JobRun.Job(job).label
        current_app.loader.import_default_modules()  # the domain apps' tasks, registered
        queued = request.session.get(QUEUED_KEY, {})
        request.session[QUEUED_KEY] = {**queued, job: timezone.now().isoformat()}
        current_app.tasks[RUNNABLE_JOBS[job]].delay()
        self.message_user(
            request,
            f"{label} queued: the worker runs it, and this page shows it running, then done.",
            messages.SUCCESS,
        )
        return redirect("admin:core_jobrun_changelist")


# django-axes's lockout records. Its "Clean up expired attempts" action failed from the admin
# (a 500 either way): it reads a time axes stamps on login requests only, and with the cache
# handler (REDIS_URL) its delete signal reaches a handler that has no receiver for it. The
# time is stamped first; with the cache handler the lockouts live in the cache, expire there
# by themselves, and this table is not used, so the action says so.
if admin.site.is_registered(AccessAttempt):

    class LockoutAttemptAdmin(AccessAttemptAdmin):
        @admin.action(description="Clean up expired attempts")
        def cleanup_expired_attempts(self, request, queryset):
            if settings.AXES_HANDLER != "axes.handlers.database.AxesDatabaseHandler":
                self.message_user(
                    request,
                    "Lockouts are kept in the shared cache and end by themselves after the "
                    "cool-off; this table is not used, so there is nothing to clean up.",
                )
                return None
            request.axes_attempt_time = timezone.now()
            return super().cleanup_expired_attempts(request, queryset)

    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, LockoutAttemptAdmin)


@admin.register(JobLock)
class JobLockAdmin(ReadOnlyAdmin):
    """Who holds each job's lease (core/locks.py), and until when it holds unrenewed."""

    list_display = ["name", "holder", "acquired_at", "renewed_at", "lease_until"]
