"""Exactly one beat, enforced: a second beat refuses to start (partner_center/beat.py)."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from core.models import JobLock
from partner_center.beat import BeatAlreadyRunning, SingletonScheduler
from partner_center.celery import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_second_beat_refuses_and_the_first_keeps_time(tmp_path):
    first = SingletonScheduler(app=app, schedule_filename=str(tmp_path / "first"))
    try:
        with pytest.raises(BeatAlreadyRunning, match="refusing to start a second one"):
            SingletonScheduler(app=app, schedule_filename=str(tmp_path / "second"))
        assert JobLock.objects.get(name="celery-beat").token  # still the first's
        first.tick()
        assert first.heartbeat_path.exists()  # what compose's healthcheck reads
        assert time.time() - first.heartbeat_path.stat().st_mtime < 5
    finally:
        first.close()
    # Once the first stops, a beat starts again (a restart, a replacement).
    again = SingletonScheduler(app=app, schedule_filename=str(tmp_path / "again"))
    again.close()


@pytest.mark.django_db
def test_a_beat_that_lost_its_lease_stops(tmp_path):
    beat = SingletonScheduler(app=app, schedule_filename=str(tmp_path / "beat"))
    try:
        beat._lease.lost.set()
        with pytest.raises(SystemExit):
            beat.tick()
    finally:
        beat.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_second_beat_process_exits_naming_the_first(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the beat process must share the test's database: PostgreSQL (CI)")
    JobLock.objects.create(
        name="celery-beat",
        holder="beat-container-1:7:1",
        token="x" * 32,
        lease_until=timezone.now() + dt.timedelta(seconds=60),
    )
    env = {**os.environ, "DATABASE_URL": _database_url(), "VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_REPLICA_URL", None)
    beat = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "partner_center", "beat", "-s",
         str(tmp_path / "schedule"), "-l", "INFO"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert beat.returncode != 0
    assert "Another celery beat is running (beat-container-1:7:1" in beat.stdout + beat.stderr


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
