"""Job bookkeeping shared by every scheduled job: the run record, the Celery options, and
the newest successful runs (what pages call "tier data as of …")."""

import datetime as dt
from contextlib import contextmanager

from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.db.models import Q, Subquery
from django.utils import timezone

from .models import JobRun

# Transient database errors a job retries with backoff; anything else fails the run.
RETRYABLE = (OperationalError, InterfaceError)

# Every job is idempotent, so `acks_late` is safe: a redelivery after a crash is harmless.
JOB_OPTIONS = {
    "acks_late": True,
    "autoretry_for": RETRYABLE,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
    "soft_time_limit": 30 * 60,
    "time_limit": 35 * 60,
}

FRESHNESS_CACHE_SECONDS = 60
FRESHNESS_JOBS = (JobRun.Job.REFRESH_FOLLOWERS, JobRun.Job.REFRESH_TIERS)


def _freshness_key(jobs) -> str:
    return "job-runs-latest:" + ",".join(sorted(jobs))


@contextmanager
def job_run_record(*, job: str, as_of: dt.date | None = None):
    """Record a job run: started, then succeeded with its row count, or failed."""
    run = JobRun.objects.create(job=job, as_of=as_of, started_at=timezone.now())
    try:
        yield run
    except Exception as exc:
        run.status = JobRun.Status.FAILED
        run.finished_at = timezone.now()
        run.detail = f"{type(exc).__name__}: {exc}"[:2000]
        run.save(update_fields=["status", "finished_at", "detail"])
        raise
    run.status = JobRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    # Pages cache "Tier data as of …" for a minute; a finished run in this process clears it.
    cache.delete(_freshness_key(FRESHNESS_JOBS))
    run.save(update_fields=["status", "finished_at", "rows_changed", "detail"])


def job_runs_latest(*, jobs: list[str]) -> dict[str, JobRun]:
    """The newest successful run of each job (cached a minute: it changes daily at most)."""
    key = _freshness_key(jobs)
    runs = cache.get(key)
    if runs is None:
        condition = Q()
        for job in jobs:
            condition |= Q(
                pk=Subquery(
                    JobRun.objects.filter(job=job, status=JobRun.Status.SUCCEEDED)
                    .order_by("-started_at")
                    .values("pk")[:1]
                )
            )
        runs = {run.job: run for run in JobRun.objects.filter(condition)}
        cache.set(key, runs, FRESHNESS_CACHE_SECONDS)
    return runs


def job_last_success_started_at(*, job: str) -> dt.datetime | None:
    """When the newest successful run of a job started, or None."""
    return (
        JobRun.objects.filter(job=job, status=JobRun.Status.SUCCEEDED)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
