"""Jobs survive a killed worker.

- A run left "running" by a dead worker is marked abandoned, and the next run proceeds.
- Two runs of the same job never overlap: the second is recorded as skipped.
- On Redis, an unacknowledged job is redelivered after a visibility timeout derived from the
  jobs' own time limits (minutes, not Redis's default hour).
"""

import datetime as dt
import os
import subprocess
import sys
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

from core import job_limits
from core.jobs import JOB_OPTIONS, JobAlreadyRunning
from core.locks import lock_key
from core.models import JobRun
from creators.services import followers_refresh
from creators.tasks import (
    refresh_followers_task,
    refresh_tiers_task,
    tier_refresh_catch_up_task,
)
from leads.tasks import expire_authorizations_task

pytestmark = pytest.mark.django_db

FOLLOWERS = JobRun.Job.REFRESH_FOLLOWERS


def stale_run(minutes_ago: float) -> JobRun:
    return JobRun.objects.create(
        job=FOLLOWERS, started_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def test_a_run_left_running_past_its_time_limit_is_abandoned_and_the_next_proceeds():
    dead = stale_run(job_limits.JOB_TIME_LIMIT / 60 + 1)
    result = refresh_followers_task.delay().get()
    dead.refresh_from_db()
    assert dead.status == JobRun.Status.ABANDONED and dead.finished_at is not None
    assert "Abandoned" in dead.detail
    assert JobRun.objects.get(pk=result["job_run"]).status == JobRun.Status.SUCCEEDED


def test_a_live_run_is_not_overlapped(transactional_db):
    """SQLite: a run within its time limit is live. PostgreSQL: whoever holds the job's lock."""
    if connection.vendor == "postgresql":
        held, release = threading.Event(), threading.Event()

        def hold_the_lock():
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [lock_key(f"job:{FOLLOWERS}")])
                JobRun.objects.create(job=FOLLOWERS, started_at=timezone.now())
                held.set()
                release.wait(30)
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(f"job:{FOLLOWERS}")])
            connections.close_all()

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        assert held.wait(30)
    else:
        stale_run(1)
    try:
        result = refresh_followers_task.delay().get()
        assert "another run is in progress" in result["skipped"]
        with pytest.raises(JobAlreadyRunning):
            followers_refresh()
        # The command says so in one line (exit 1), no traceback.
        with pytest.raises(CommandError, match=r"another run is in progress.*Nothing was done"):
            call_command("refresh_followers")
    finally:
        if connection.vendor == "postgresql":
            release.set()
            holder.join(30)
    statuses = list(JobRun.objects.order_by("started_at").values_list("status", flat=True))
    assert statuses == ["running", "skipped", "skipped", "skipped"]
    assert "in progress" in JobRun.objects.filter(status="skipped").first().detail


@pytest.mark.postgres
def test_on_postgresql_a_dead_workers_run_is_abandoned_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's advisory locks tell a dead run from a live one")
    dead = stale_run(1)  # well within its time limit, but nobody holds the job's lock
    run = followers_refresh()
    dead.refresh_from_db()
    assert (dead.status, run.status) == (JobRun.Status.ABANDONED, JobRun.Status.SUCCEEDED)


def test_other_jobs_are_not_held_up_by_one_that_is_running():
    stale_run(1)
    assert "job_run" in expire_authorizations_task.delay().get()
    assert "job_run" in refresh_tiers_task.delay(as_of="2026-11-02").get()


def test_redis_visibility_timeout_comes_from_the_jobs_time_limits():
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/15"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = (
        "from partner_center.settings import base;"
        "print(base.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    timeout = int(out.stdout.strip())
    from partner_center.celery import app

    app.loader.import_default_modules()
    jobs = [task for name, task in app.tasks.items() if name.endswith("_task")]
    assert len(jobs) >= 6  # every scheduled job, the reminders and the digest included
    limits = [task.time_limit for task in jobs]
    # Longer than any job may run (no double delivery of a live job), and minutes, not an hour.
    assert max(limits) < timeout <= 15 * 60
    assert JOB_OPTIONS["retry_backoff_max"] < timeout  # a retry's ETA does not outlive it
    assert JOB_OPTIONS["acks_late"] and JOB_OPTIONS["reject_on_worker_lost"]


def test_a_lost_tier_refresh_is_caught_up_within_the_hour():
    """The file-system broker loses a job its killed worker had taken: the run stays
    "running". The hourly catch-up abandons it (past its limit) and runs the refresh."""
    from core.clock import tier_refresh_latest

    due = tier_refresh_latest()
    JobRun.objects.create(
        job=JobRun.Job.REFRESH_TIERS,
        as_of=due,
        started_at=timezone.now() - dt.timedelta(seconds=job_limits.JOB_TIME_LIMIT + 60),
    )
    result = tier_refresh_catch_up_task.delay().get()
    assert result["due"] == due.isoformat()
    runs = dict(JobRun.objects.filter(job=JobRun.Job.REFRESH_TIERS).values_list("status", "as_of"))
    assert runs == {"abandoned": due, "succeeded": due}
    assert tier_refresh_catch_up_task.delay().get() == {"due": None}  # nothing more to do
