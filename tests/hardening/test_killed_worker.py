"""Jobs survive a killed worker.

- A run left "running" by a dead worker is marked abandoned, and the next run proceeds.
- Two runs of the same job never overlap: the second is recorded as skipped. Who runs is
  decided by the job's lease (core.locks): a holder killed on this host is known dead at
  once, a holder elsewhere loses the lease when it stops renewing it.
- On Redis, an unacknowledged job is redelivered after a visibility timeout derived from the
  jobs' own time limits (minutes, not Redis's default hour).
"""

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core import job_limits
from core.jobs import JOB_OPTIONS, JobAlreadyRunning, job_lock_name
from core.locks import holder_name
from core.models import JobLock, JobRun
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


def hold_lease(holder: str, *, seconds: float = 60) -> JobLock:
    """The job's lease as another process holds it (whatever row a test before left)."""
    lock, _ = JobLock.objects.update_or_create(
        name=job_lock_name(FOLLOWERS),
        defaults={
            "holder": holder,
            "token": "t" * 32,
            "lease_until": timezone.now() + dt.timedelta(seconds=seconds),
            "acquired_at": timezone.now(),
        },
    )
    return lock


def followers_lock() -> JobLock:
    return JobLock.objects.get(name=job_lock_name(FOLLOWERS))


def exited_process_holder() -> str:
    """The holder name of a process of this host that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    name = holder_name(child.pid)
    child.kill()
    child.wait()
    return name


def test_a_live_run_is_not_overlapped():
    """Whoever holds the job's lease is live: every other start is recorded as skipped."""
    hold_lease("worker-on-another-host:4242:123456")
    stale_run(1)
    result = refresh_followers_task.delay().get()
    assert "another run is in progress" in result["skipped"]
    with pytest.raises(JobAlreadyRunning):
        followers_refresh()
    # The command says so in one line (exit 1), no traceback.
    with pytest.raises(CommandError, match=r"another run is in progress.*Nothing was done"):
        call_command("refresh_followers")
    statuses = list(JobRun.objects.order_by("started_at").values_list("status", flat=True))
    assert statuses == ["running", "skipped", "skipped", "skipped"]
    assert "in progress" in JobRun.objects.filter(status="skipped").first().detail
    # The lease is untouched: still the other host's.
    assert followers_lock().holder == "worker-on-another-host:4242:123456"


def test_a_run_whose_holder_was_killed_on_this_host_is_taken_over_at_once():
    """A killed worker child's redelivered task runs at once: its holder no longer exists."""
    hold_lease(exited_process_holder(), seconds=600)
    dead = stale_run(1)
    run = followers_refresh()
    dead.refresh_from_db()
    assert (dead.status, run.status) == (JobRun.Status.ABANDONED, JobRun.Status.SUCCEEDED)
    assert "Abandoned" in dead.detail
    lock = followers_lock()
    assert (lock.holder, lock.token) == ("", "")  # released when the run finished


def test_a_lapsed_lease_of_another_host_is_taken_over():
    """A holder elsewhere that stopped renewing (its host died) loses the job after the lease."""
    hold_lease("dead-host:7:99", seconds=-1)
    dead = stale_run(1)
    assert "job_run" in refresh_followers_task.delay().get()
    dead.refresh_from_db()
    assert dead.status == JobRun.Status.ABANDONED


def test_a_run_of_this_process_that_ended_without_releasing_is_taken_over():
    """A run whose release failed (the database was away) does not block this process's
    retry: the lease names this process, but no run here holds it any more."""
    hold_lease(holder_name(), seconds=600)
    assert followers_refresh().status == JobRun.Status.SUCCEEDED


def test_every_run_of_a_job_releases_its_lease_whatever_the_outcome(monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("boom")

    from creators.signals import creator_figures_refreshed

    creator_figures_refreshed.connect(crash, dispatch_uid="test-lease-crash")
    try:
        with pytest.raises(RuntimeError):
            followers_refresh()
    finally:
        creator_figures_refreshed.disconnect(dispatch_uid="test-lease-crash")
    assert followers_lock().token == ""
    assert followers_refresh().status == JobRun.Status.SUCCEEDED
    assert list(JobRun.objects.order_by("started_at").values_list("status", flat=True)) == [
        "failed",
        "succeeded",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_running_job_renews_its_lease(settings):
    """The holder's thread pushes the lease ahead while the job runs, on its own connection."""
    from core.locks import lease_acquire, lease_release

    settings.JOB_LEASE_SECONDS = 2
    settings.JOB_LEASE_RENEW_SECONDS = 0.2
    lease = lease_acquire("job:test-renewal")
    assert lease is not None
    first = JobLock.objects.get(name="job:test-renewal").lease_until
    time.sleep(1.0)
    lock = JobLock.objects.get(name="job:test-renewal")
    assert lock.lease_until > first and lock.renewed_at > lock.acquired_at
    # Held and renewed: nobody else gets it.
    assert lease_acquire("job:test-renewal", renew=False) is None
    lease_release(lease)
    assert JobLock.objects.get(name="job:test-renewal").token == ""
    assert not lease.lost.is_set()


def test_a_stale_run_without_a_live_holder_is_abandoned_at_once():
    dead = stale_run(1)  # well within its time limit, but nobody holds the job's lease
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
