"""The runbook's backup and restore (docs/operations.md), done as written: pg_dump in the
custom format, pg_restore into an empty database, and the restored copy holds the same rows
and answers the app."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from core.models import JobRun
from leads.models import Lead
from tests.factories import LeadFactory, PartnerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def pg_args() -> list[str]:
    s = connection.settings_dict
    return ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]


def psql(database: str, sql: str) -> str:
    out = subprocess.run(
        ["psql", *pg_args(), "-d", database, "-tAq", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PGPASSWORD": connection.settings_dict["PASSWORD"] or ""},
    )
    return out.stdout.strip()


def test_a_pg_dump_restores_into_an_empty_database_with_every_row(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the backup runbook is PostgreSQL's: set DATABASE_URL (CI does)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore are not installed")
    partner = PartnerFactory(name="Backup Agency")
    LeadFactory.create_batch(5, partner=partner)
    JobRun.objects.create(job=JobRun.Job.REFRESH_TIERS, started_at="2026-12-02T10:00Z")
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "partner_center.dump"
    env = {**os.environ, "PGPASSWORD": connection.settings_dict["PASSWORD"] or ""}

    # The runbook's two commands (there through `docker compose exec postgres`).
    subprocess.run(
        ["pg_dump", *pg_args(), "-Fc", "-d", source, "-f", str(dump)], check=True, env=env
    )
    restored = f"restore_{uuid.uuid4().hex[:10]}"
    psql("postgres", f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", *pg_args(), "--no-owner", "--exit-on-error", "-d", restored, str(dump)],
            check=True,
            env=env,
        )
        for table in ("leads_lead", "creators_partner", "creators_creator", "creators_jobrun"):
            assert psql(restored, f"SELECT count(*) FROM {table}") == psql(
                source, f"SELECT count(*) FROM {table}"
            ), table
        assert psql(restored, "SELECT count(*) FROM leads_lead") == str(Lead.objects.count())
        assert "Backup Agency" in psql(restored, "SELECT name FROM creators_partner")
        # The app runs on the copy: every migration is recorded as applied.
        s = connection.settings_dict
        url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{restored}"
        check = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": url, "DATABASE_REPLICA_URL": ""},
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        psql("postgres", f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
