"""Jobs outlast a database outage (issue 21: during an 18 s PostgreSQL restart a job spent its
5 retries within 15 s, failed for good, and its run record stayed "running").

A real Celery worker (Redis broker) reaches PostgreSQL through a real PgBouncer. The job is
cut off in the middle of its run: PgBouncer is killed, so its connection drops and every new
one is refused, for 20 s, as in a restart. Then PgBouncer comes back. The job retries with its
backoff (15 s, 30 s, …: at least ten minutes in all), the run left "running" is closed as
abandoned, and the job completes. The shared PostgreSQL itself is never restarted here.
"""

import datetime as dt
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from core import job_limits
from core.jobs import JOB_OPTIONS
from core.models import JobRun
from creators.models import Creator
from tests.factories import CreatorDailyStatsFactory, CreatorFactory

from .pgbouncer import runner_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def test_jobs_and_mail_retry_for_at_least_ten_minutes():
    from celery import current_app

    current_app.loader.import_default_modules()
    jobs = [task for name, task in current_app.tasks.items() if name.endswith("_task")]
    for task in jobs:
        waits = job_limits.retry_schedule(backoff=task.retry_backoff, max_retries=task.max_retries)
        assert task.retry_jitter is False, task.name  # full jitter could shrink the window
        assert sum(waits) >= job_limits.RETRY_WINDOW_MIN, task.name
    assert JOB_OPTIONS["retry_backoff_max"] < job_limits.BROKER_VISIBILITY_TIMEOUT


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_job_cut_off_by_a_database_outage_completes_when_the_database_is_back(pgbouncer):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("a real worker needs Redis: set REDIS_URL (CI does)")
    from creators.tasks import refresh_followers_task
    from partner_center.celery import app

    creator = CreatorFactory(follower_count=0)
    CreatorDailyStatsFactory(creator=creator, date=dt.date(2026, 11, 20), followers=4242)

    # Hold the creator's row so that the job's UPDATE waits in the middle of its run.
    holding, release = threading.Event(), threading.Event()

    def hold_row():
        try:
            with transaction.atomic():
                Creator.objects.select_for_update().get(pk=creator.pk)
                holding.set()
                release.wait(120)
        finally:
            connections.close_all()

    locker = threading.Thread(target=hold_row)
    locker.start()
    assert holding.wait(30)

    queue = f"outage-{uuid.uuid4().hex[:8]}"
    # The worker runs as in production: not the test settings' eager mode, whose retries
    # would run at once instead of after their backoff.
    env = runner_env(
        pgbouncer,
        connection.settings_dict["NAME"],
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="partner_center.settings.local",
        CACHE_KEY_PREFIX=queue,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "partner_center", "worker", "-Q", queue,
         "--pool=solo", "--without-heartbeat", "--without-mingle", "--without-gossip",
         "-l", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(worker.stdout), daemon=True)
    reader.start()
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    try:
        refresh_followers_task.apply_async(queue=queue)
        first = wait_for(
            lambda: JobRun.objects.filter(job=JobRun.Job.REFRESH_FOLLOWERS).first(),
            90,
            "the worker to start the run",
        )
        time.sleep(1)  # its UPDATE is now waiting for the held row
        cut_at = time.monotonic()
        pgbouncer.kill()
        release.set()
        time.sleep(20)  # the outage
        pgbouncer.start()
        try:
            done = wait_for(
                lambda: JobRun.objects.filter(
                    job=JobRun.Job.REFRESH_FOLLOWERS, status=JobRun.Status.SUCCEEDED
                ).first(),
                120,
                "the retried job to succeed",
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the worker said:\n{''.join(output)[-4000:]}") from None
        took = time.monotonic() - cut_at
    finally:
        app.conf.update(task_always_eager=True)
        release.set()
        locker.join(30)
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    first.refresh_from_db()
    # The run that was cut off is closed (abandoned by the retry, or failed if it could say so).
    assert first.status in (JobRun.Status.ABANDONED, JobRun.Status.FAILED), first.status
    assert not JobRun.objects.filter(status=JobRun.Status.RUNNING).exists()
    assert done.rows_changed == 1
    creator.refresh_from_db()
    assert creator.follower_count == 4242
    log = "".join(output)
    assert "Retry in" in log, log[-3000:]
    print(f"DB outage: cut off, 20 s down, job completed {took:.0f} s after the cut")
