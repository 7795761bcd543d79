"""A job whose worker child is killed runs to completion on re-delivery within a minute
(issue 21: the dead child's database session still held the session lock, so the retry was
recorded as "skipped" and the work waited for the next schedule).

A real prefork Celery worker (Redis broker) reaches PostgreSQL through a real PgBouncer in
transaction mode. Its child is SIGKILLed in the middle of the follower refresh; Celery
re-delivers the task (acks_late, reject_on_worker_lost) to a new child, which finds the lease
held by a process of this host that no longer exists, takes it at once, abandons the dead run
and completes.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from core.models import JobLock, JobRun
from creators.models import Creator
from tests.factories import CreatorDailyStatsFactory, CreatorFactory

from .pgbouncer import runner_env
from .test_db_outage import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def test_a_job_whose_worker_child_is_killed_completes_on_redelivery(pgbouncer):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("a real worker needs Redis: set REDIS_URL (CI does)")
    from creators.tasks import refresh_followers_task
    from partner_center.celery import app

    creator = CreatorFactory(follower_count=0)
    CreatorDailyStatsFactory(creator=creator, date=dt.date(2026, 11, 21), followers=5151)
    holding, release = threading.Event(), threading.Event()

    def hold_row():  # the job's UPDATE waits here: it is mid-run when its child is killed
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
    queue = f"killed-{uuid.uuid4().hex[:8]}"
    env = runner_env(
        pgbouncer,
        connection.settings_dict["NAME"],
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="partner_center.settings.local",
        CACHE_KEY_PREFIX=queue,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "partner_center", "worker", "-Q", queue,
         "--pool=prefork", "--concurrency=1", "--without-heartbeat", "--without-mingle",
         "--without-gossip", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(worker.stdout), daemon=True).start()
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    try:
        refresh_followers_task.apply_async(queue=queue)
        first = wait_for(
            lambda: JobRun.objects.filter(job=JobRun.Job.REFRESH_FOLLOWERS).first(),
            90,
            "the worker to start the run",
        )
        child = int(JobLock.objects.get(name="job:refresh_followers").holder.split(":")[1])
        assert child != worker.pid  # the pool child, not the worker's main process
        os.kill(child, signal.SIGKILL)
        killed_at = time.monotonic()
        release.set()
        try:
            done = wait_for(
                lambda: JobRun.objects.filter(
                    job=JobRun.Job.REFRESH_FOLLOWERS, status=JobRun.Status.SUCCEEDED
                ).first(),
                60,
                "the redelivered job to succeed",
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the worker said:\n{''.join(output)[-4000:]}") from None
        took = time.monotonic() - killed_at
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
    assert first.status == JobRun.Status.ABANDONED
    assert not JobRun.objects.filter(status=JobRun.Status.SKIPPED).exists()
    creator.refresh_from_db()
    assert creator.follower_count == 5151 and done.rows_changed == 1
    assert took < 60
    print(f"Killed worker child: redelivered job completed {took:.1f} s after the kill")
