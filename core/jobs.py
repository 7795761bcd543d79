"""Job bookkeeping shared by every scheduled job: the run record, the Celery options, and
the newest successful runs (what pages call "tier data as of …")."""

import datetime as dt
import logging
from contextlib import contextmanager

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from . import job_limits
from .locks import Lease, lease_acquire, lease_current, lease_release
from .logging import log_fields
from .models import JobRun

logger = logging.getLogger(__name__)

# Transient database errors a job retries with backoff; anything else fails the run.
RETRYABLE = (OperationalError, InterfaceError)

# Every job is idempotent, so `acks_late` is safe: a redelivery after a crash is harmless.
JOB_OPTIONS = {
    "acks_late": True,
    # A worker killed mid-task (SIGKILL, OOM) does not ack it: the broker redelivers it.
    "reject_on_worker_lost": True,
    "autoretry_for": RETRYABLE,
    # 15 s, 30 s, 1, 2, 4 min, then every 5 min (core/job_limits.py): a database restart or
    # failover of up to about 20 minutes is ridden out, not turned into a failed job.
    "retry_backoff": job_limits.JOB_RETRY_BACKOFF,
    "retry_backoff_max": job_limits.RETRY_BACKOFF_MAX,
    "retry_jitter": False,
    "max_retries": job_limits.JOB_MAX_RETRIES,
    "soft_time_limit": job_limits.JOB_SOFT_TIME_LIMIT,
    "time_limit": job_limits.JOB_TIME_LIMIT,
}
# After this long a run still marked "running" is abandoned: its worker died. (Exclusive
# jobs do not wait for it: whoever takes the job's lease knows every other run is over.)
RUN_TIME_LIMITS = {
    JobRun.Job.REFRESH_TIERS: job_limits.JOB_TIME_LIMIT,
    JobRun.Job.REFRESH_FOLLOWERS: job_limits.JOB_TIME_LIMIT,
    JobRun.Job.EXPIRE_AUTHORIZATIONS: job_limits.EXPIRY_TIME_LIMIT,
    JobRun.Job.IMPORT_CREATOR_STATS: job_limits.IMPORT_TIME_LIMIT,
    JobRun.Job.REMIND_EXPIRING_AUTHORIZATIONS: job_limits.JOB_TIME_LIMIT,
    JobRun.Job.SEND_EXPIRY_DIGEST: job_limits.JOB_TIME_LIMIT,
}
ABANDONED_DETAIL = (
    "Abandoned: its worker stopped before the run finished (killed, cut off from the "
    "database, or past its time limit). The next run does the work again."
)


class JobAlreadyRunning(Exception):
    """Another run of the same job is in progress; this one was recorded as skipped."""


def job_lock_name(job: str) -> str:
    return f"job:{job}"


def _job_run_start(*, job: str, as_of, exclusive: bool) -> tuple[JobRun, Lease | None]:
    """Record a run as started, after marking the job's dead runs abandoned.

    With `exclusive`, two runs of one job never overlap: the run must take the job's lease
    (core.locks), and a run that cannot is recorded as skipped and JobAlreadyRunning is
    raised. Holding the lease proves every other run of the job is over, so each run still
    marked "running" is abandoned at once. Without `exclusive`, a run still "running" past
    its job's time limit is.
    """
    now = timezone.now()
    lease = lease_acquire(job_lock_name(job)) if exclusive else None
    try:
        with transaction.atomic():
            running = JobRun.objects.filter(job=job, status=JobRun.Status.RUNNING)
            limit = dt.timedelta(seconds=RUN_TIME_LIMITS.get(job, job_limits.JOB_TIME_LIMIT))
            dead = running if lease is not None else running.filter(started_at__lt=now - limit)
            abandoned = dead.update(
                status=JobRun.Status.ABANDONED, finished_at=now, detail=ABANDONED_DETAIL
            )
            if abandoned:
                logger.warning("%s: %d dead run(s) marked abandoned.", job, abandoned)
            skipped = exclusive and lease is None
            live = running.order_by("started_at").first() if skipped else None
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
    except BaseException:
        if lease is not None:
            lease_release(lease)
        raise
    if skipped:
        holder = lease_current(job_lock_name(job))
        logger.info("%s skipped: held by %s", job, holder.holder if holder else "?")
        raise JobAlreadyRunning(f"{JobRun.Job(job).label}: another run is in progress{since}.")
    return run, lease


def _run_close(run: JobRun, fields: list[str]) -> None:
    """Save the run's outcome; if the database is away, say so in the log: the next run of
    the job marks this one abandoned."""
    for attempt in (1, 2):
        try:
            run.save(update_fields=fields)
            return
        except RETRYABLE as exc:
            if connection.in_atomic_block or attempt == 2:
                logger.error(
                    "%s run %s: outcome %s not recorded (%s); the next run abandons it.",
                    run.job,
                    run.pk,
                    run.status,
                    exc,
                )
                return
            connection.close()  # a connection the error broke: try once on a new one


def _run_logged(run: JobRun) -> None:
    """One line per finished run: what the alerts and a person reading the logs need."""
    logger.log(
        logging.INFO if run.status == JobRun.Status.SUCCEEDED else logging.ERROR,
        "job run",
        extra={
            "job": run.job,
            "job_run": run.pk,
            "status": run.status,
            "rows_changed": run.rows_changed,
            "duration_s": run.duration_s,
            **({"detail": run.detail[:500]} if run.status != JobRun.Status.SUCCEEDED else {}),
        },
    )


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
    run, lease = _job_run_start(job=job, as_of=as_of, exclusive=exclusive)
    try:
        try:
            with log_fields(job=job, job_run=run.pk):
                yield run
        except BaseException as exc:
            run.status = JobRun.Status.FAILED
            run.finished_at = timezone.now()
            run.detail = f"{type(exc).__name__}: {exc}"[:2000]
            _run_close(run, ["status", "finished_at", "detail"])
            _run_logged(run)
            raise
        run.status = JobRun.Status.SUCCEEDED
        run.finished_at = timezone.now()
        # Pages cache "Tier data as of …" for a minute; a finished run in this process clears it.
        cache.delete(_freshness_key(FRESHNESS_JOBS))
        _run_close(run, ["status", "finished_at", "rows_changed", "detail"])
        _run_logged(run)
    finally:
        if lease is not None:
            lease_release(lease)


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
