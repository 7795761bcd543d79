"""Reads for the creators domain."""

from .models import JobRun

FRESHNESS_CACHE_SECONDS = 60


def job_runs_latest(*, jobs: list[str]) -> dict[str, JobRun]:
    """The newest successful run of each job (cached a minute: it changes daily at most)."""
    from django.core.cache import cache

    key = "job-runs-latest:" + ",".join(sorted(jobs))
    runs = cache.get(key)
    if runs is None:
        runs = _job_runs_latest(jobs)
        cache.set(key, runs, FRESHNESS_CACHE_SECONDS)
    return runs


def _job_runs_latest(jobs: list[str]) -> dict[str, JobRun]:
    from django.db.models import Subquery

    latest = [
        Subquery(
            JobRun.objects.filter(job=job, status=JobRun.Status.SUCCEEDED)
            .order_by("-started_at")
            .values("pk")[:1]
        )
        for job in jobs
    ]
    from django.db.models import Q

    condition = Q()
    for subquery in latest:
        condition |= Q(pk=subquery)
    return {run.job: run for run in JobRun.objects.filter(condition)}


def job_run_latest(*, job: str) -> JobRun | None:
    """The newest successful run of a job (it says how fresh tiers or followers are)."""
    return (
        JobRun.objects.filter(job=job, status=JobRun.Status.SUCCEEDED)
        .order_by("-started_at")
        .first()
    )


def tier_refresh_due(*, now=None):
    """The 2nd-of-month refresh date whose run is missing (beat was down then), or None.

    Tiers refresh at 02:00 on the 2nd in the business time zone; this returns the latest such
    moment that has passed when no successful refresh has recorded it as its `as_of`.
    """
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import timezone

    zone = ZoneInfo(settings.PARTNER_CENTER_TIME_ZONE)
    local = (now or timezone.now()).astimezone(zone)
    scheduled = dt.datetime(local.year, local.month, 2, 2, 0, tzinfo=zone)
    if local < scheduled:
        previous_month = (scheduled.replace(day=1) - dt.timedelta(days=1)).replace(day=2)
        scheduled = previous_month
    due = scheduled.date()
    ran = JobRun.objects.filter(
        job=JobRun.Job.REFRESH_TIERS, status=JobRun.Status.SUCCEEDED, as_of=due
    ).exists()
    return None if ran else due


def partner_directory(*, search: str = ""):
    """Listed partners with how many creators collaborate with them, optionally searched."""
    from django.db.models import Count, Q

    from leads.models import LeadStatus

    from .models import Partner

    partners = Partner.objects.filter(is_listed=True).annotate(
        creator_count=Count(
            "leads",
            filter=Q(leads__status=LeadStatus.COLLABORATING, leads__removed_at__isnull=True),
        )
    )
    term = search.strip()
    if term:
        partners = partners.filter(
            Q(name__icontains=term) | Q(profile__icontains=term) | Q(categories__icontains=term)
        )
    return partners.order_by("name", "id")
