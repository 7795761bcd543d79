"""Job locks hold behind a real PgBouncer in transaction pooling (issue 21).

Session advisory locks broke there: taken on one pooled server session, released on another,
so 11 of 20 back-to-back runs were "skipped" and one lock leaked for good. The job lease
(core.locks) is one statement per step, so the pool cannot split it. Each run here is a
separate process, as a worker is, talking to PostgreSQL through PgBouncer only.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from core.models import JobLock, JobRun

from .pgbouncer import runner_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def runner(bouncer, *args, env=None, **popen):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.infra.job_runner", *map(str, args)],
        cwd=ROOT,
        env=runner_env(bouncer, connection.settings_dict["NAME"], **(env or {})),
        stdout=subprocess.PIPE,
        text=True,
        **popen,
    )


def results(process) -> list[dict]:
    out, _ = process.communicate(timeout=240)
    assert process.returncode == 0, out
    return json.loads(out.strip().splitlines()[-1])


def test_twenty_back_to_back_runs_all_run_beside_other_clients_of_the_pool(pgbouncer):
    """The issue's shape: a pool of 4 server sessions, three other clients busy on it."""
    runs = results(runner(pgbouncer, 20, "--noise", 3))
    assert [run["status"] for run in runs] == ["ran"] * 20
    statuses = JobRun.objects.values_list("status", flat=True)
    assert sorted(statuses) == ["succeeded"] * 20
    # Nothing is left held: the lease is free for the next run, through the pool or not.
    assert JobLock.objects.get(name="job:refresh_followers").token == ""
    print(f"PgBouncer back-to-back: {len(runs)} of 20 ran")


def test_two_workers_racing_through_the_pool_never_overlap(pgbouncer):
    first, second = runner(pgbouncer, 20, "--noise", 1), runner(pgbouncer, 20, "--noise", 1)
    runs = results(first) + results(second)
    ran = sorted((run["body"] for run in runs if run["status"] == "ran"), key=lambda b: b[0])
    for (_, left), (entered, _) in zip(ran, ran[1:], strict=False):
        assert left <= entered, "two runs of one job overlapped"
    skipped = len(runs) - len(ran)
    assert len(ran) >= 20 and len(ran) + skipped == 40
    assert JobRun.objects.filter(status="succeeded").count() == len(ran)
    assert JobRun.objects.filter(status="skipped").count() == skipped
    print(f"PgBouncer race: {len(ran)} ran, {skipped} skipped, 0 overlaps")


def test_a_run_beside_a_killed_holder_runs(pgbouncer):
    """The holder is SIGKILLed mid-run (a worker child killed): the next run on this host runs
    at once, and the dead run is recorded as abandoned."""
    holder = runner(pgbouncer, 1, "--hold", 120)
    line = holder.stdout.readline()
    assert line.startswith("holding "), line
    dead_id = int(line.split()[1])
    assert JobRun.objects.get(pk=dead_id).status == "running"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(30)
    started = time.monotonic()
    runs = results(runner(pgbouncer, 1))
    took = time.monotonic() - started
    assert [run["status"] for run in runs] == ["ran"]
    assert JobRun.objects.get(pk=dead_id).status == "abandoned"
    assert JobRun.objects.get(pk=runs[0]["run"]).status == "succeeded"
    print(f"PgBouncer killed holder: taken over in {took:.1f} s")


def test_a_holder_on_a_dead_host_loses_the_job_when_its_lease_lapses(pgbouncer):
    """A holder that cannot be checked (another host) is waited for until its lease lapses
    unrenewed: 10 s here, JOB_LEASE_SECONDS (60) in production."""
    from core.jobs import JobAlreadyRunning
    from creators.services import followers_refresh

    holder = runner(pgbouncer, 1, "--hold", 120, "--lease", 10, env={"FAKE_HOST": "gone-host"})
    line = holder.stdout.readline()
    assert line.startswith("holding "), line
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(30)
    lock = JobLock.objects.get(name="job:refresh_followers")
    assert lock.holder.startswith("gone-host:")
    with pytest.raises(JobAlreadyRunning):  # a direct connection agrees: it is held
        followers_refresh()
    time.sleep(max(0.0, (lock.lease_until - timezone.now()).total_seconds()) + 0.5)
    assert [r["status"] for r in results(runner(pgbouncer, 1, "--lease", 10))] == ["ran"]
    assert list(JobRun.objects.order_by("started_at").values_list("status", flat=True)) == [
        "abandoned",
        "skipped",
        "succeeded",
    ]
