"""Job bookkeeping shared by every scheduled job: the run record, the Celery options, and
the newest successful runs (what pages call "tier data as of …")."""

import datetime as dt
from contextlib import contextmanager

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from . import job_limits
from .locks import lock_key
from .models import JobRun

# Transient database errors a job retries with backoff; anything else fails the run.
RETRYABLE = (OperationalError, InterfaceError)

# Every job is idempotent, so `acks_late` is safe: a redelivery after a crash is harmless.
JOB_OPTIONS = {
    "acks_late": True,
    # A worker killed mid-task (SIGKILL, OOM) does not ack it: the broker redelivers it.
    "reject_on_worker_lost": True,
    "autoretry_for": RETRYABLE,
    "retry_backoff": True,
    "retry_backoff_max": job_limits.RETRY_BACKOFF_MAX,
    "max_retries": 5,
    "soft_time_limit": job_limits.JOB_SOFT_TIME_LIMIT,
    "time_limit": job_limits.JOB_TIME_LIMIT,
}
# After this long a run still marked "running" is abandoned: its worker died.
RUN_TIME_LIMITS = {
    JobRun.Job.REFRESH_TIERS: job_limits.JOB_TIME_LIMIT,
    JobRun.Job.REFRESH_FOLLOWERS: job_limits.JOB_TIME_LIMIT,
    JobRun.Job.EXPIRE_AUTHORIZATIONS: job_limits.EXPIRY_TIME_LIMIT,
    JobRun.Job.IMPORT_CREATOR_STATS: job_limits.IMPORT_TIME_LIMIT,
    JobRun.Job.REMIND_EXPIRING_AUTHORIZATIONS: job_limits.JOB_TIME_LIMIT,
    JobRun.Job.SEND_EXPIRY_DIGEST: job_limits.JOB_TIME_LIMIT,
}


class JobAlreadyRunning(Exception):
    """Another run of the same job is in progress; this one was recorded as skipped."""


def _job_lock_try(job: str) -> bool:
    """PostgreSQL: take the job's session advisory lock if free (held until released, or
    until the connection ends, which a killed worker's does). Elsewhere: True."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(f"job:{job}")])
        return bool(cursor.fetchone()[0])


def _job_lock_release(job: str) -> None:
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(f"job:{job}")])
    except DatabaseError:
        connection.close()  # closing the session releases its locks too


def _job_run_start(*, job: str, as_of, exclusive: bool) -> JobRun:
    """Record a run as started, after marking the job's dead runs abandoned.

    With `exclusive`, two runs of one job never overlap: a run that finds another one live
    is recorded as skipped and JobAlreadyRunning is raised. On PostgreSQL the job's session
    advisory lock says who is live, so a run whose worker died is abandoned at once; on
    SQLite a run still "running" past its job's time limit is (the check and the insert
    share one IMMEDIATE transaction, so two starts cannot interleave).
    """
    now = timezone.now()
    locked = _job_lock_try(job) if exclusive else True
    with transaction.atomic():
        running = JobRun.objects.filter(job=job, status=JobRun.Status.RUNNING)
        limit = dt.timedelta(seconds=RUN_TIME_LIMITS.get(job, job_limits.JOB_TIME_LIMIT))
        dead = (
            running
            if (exclusive and locked and connection.vendor == "postgresql")
            else (running.filter(started_at__lt=now - limit))
        )
        dead.update(
            status=JobRun.Status.ABANDONED,
            finished_at=now,
            detail="Abandoned: its worker stopped before the run finished (killed, or "
            "past its time limit). The next run does the work again.",
        )
        live = running.exclude(status=JobRun.Status.ABANDONED).order_by("started_at").first()
        skipped = exclusive and (not locked or live is not None)
        since = f" (started {live.started_at:%Y-%m-%d %H:%M:%S} UTC)" if live else ""
        run = JobRun.objects.create(
            job=job,
            as_of=as_of,
            started_at=now,
            **(
                {
                    "finished_at": now,
                    "status": JobRun.Status.SKIPPED,
                    "detail": f"Skipped: another run of this job is in progress{since}.",
                }
                if skipped
                else {}
            ),
        )
    if skipped:
        if locked:
            _job_lock_release(job)
        raise JobAlreadyRunning(f"{JobRun.Job(job).label}: another run is in progress{since}.")
    return run


FRESHNESS_CACHE_SECONDS = 60
FRESHNESS_JOBS = (JobRun.Job.REFRESH_FOLLOWERS, JobRun.Job.REFRESH_TIERS)


def _freshness_key(jobs) -> str:
    return "job-runs-latest:" + ",".join(sorted(jobs))


@contextmanager
def job_run_record(*, job: str, as_of: dt.date | None = None, exclusive: bool = True):
    """Record a job run: started, then succeeded with its row count, or failed.

    Runs of one job do not overlap (see `_job_run_start`); the feed import passes
    `exclusive=False`, since its imports queue behind one another instead of being skipped.
    """
    run = _job_run_start(job=job, as_of=as_of, exclusive=exclusive)
    try:
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
    finally:
        if exclusive:
            _job_lock_release(job)


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
