"""docker-compose.yml and the Dockerfile describe the production shape."""

import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat"]
APP_ENV = ["DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"]


def command(service: str) -> str:
    value = SERVICES[service].get("command", "")
    return shlex.join(value) if isinstance(value, list) else " ".join(value.split())


def test_the_services_postgres_its_replica_pgbouncer_redis_migrate_web_worker_beat():
    assert set(SERVICES) == {
        "postgres",
        "postgres-replica",
        "pgbouncer",
        "redis",
        "migrate",
        "web",
        "worker",
        "beat",
    }
    assert SERVICES["postgres"]["image"].startswith("postgres:15.")
    assert SERVICES["redis"]["image"].startswith("redis:7.")
    assert any(":/var/lib/postgresql/data" in volume for volume in SERVICES["postgres"]["volumes"])
    for service in ("postgres", "redis"):
        assert SERVICES[service]["healthcheck"]["test"]


def test_web_serves_the_wsgi_app_on_gunicorn_and_never_migrates():
    web = command("web")
    assert "migrate" not in web  # the one-off `migrate` service does, once
    assert web.startswith("gunicorn partner_center.wsgi:application -c gunicorn.conf.py")
    assert "--bind 0.0.0.0:8000" in web
    assert "/healthz" in str(SERVICES["web"]["healthcheck"]["test"])


def test_worker_and_exactly_one_beat_run_the_project_celery_app():
    assert command("worker").startswith("celery -A partner_center worker")
    assert command("beat").startswith("celery -A partner_center beat")
    beats = [name for name in SERVICES if " beat" in command(name) and "celery" in command(name)]
    assert beats == ["beat"]
    # No replicas for beat: one schedule, one firing per job.
    assert SERVICES["beat"].get("deploy", {}).get("replicas", 1) == 1
    assert "one beat" in (ROOT / "docker-compose.yml").read_text().lower()


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_run_production_settings_against_postgres_and_redis(service):
    definition = SERVICES[service]
    env = definition["environment"]
    assert set(APP_ENV) <= set(env)
    assert env["DJANGO_SETTINGS_MODULE"] == "partner_center.settings.production"
    # Writes and ordinary reads through PgBouncer, with what transaction pooling needs; the
    # read-only lists on the replica; migrations straight to the primary.
    assert env["DATABASE_URL"].startswith("postgres://")
    assert "@pgbouncer:6432/partner_center" in env["DATABASE_URL"]
    assert env["DATABASE_TRANSACTION_POOLING"] == "true"
    assert "@postgres-replica:5432/partner_center" in env["DATABASE_REPLICA_URL"]
    assert "@postgres:5432/partner_center" in env["MIGRATE_DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    # The secret comes from the operator's environment; compose stops if it is missing.
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert env["ALLOWED_HOSTS"].startswith("${ALLOWED_HOSTS")
    assert definition["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert definition["depends_on"]["redis"]["condition"] == "service_healthy"
    for database in ("pgbouncer", "postgres-replica"):
        assert definition["depends_on"][database]["condition"] == "service_healthy"
    assert env["NUM_PROXIES"] == "${NUM_PROXIES:-1}"  # one TLS proxy in front
    assert env["SITE_URL"].startswith("${SITE_URL:?")  # production refuses to start without


def test_migrations_run_once_on_the_primary_and_the_app_waits_for_them():
    migrate = SERVICES["migrate"]
    line = command("migrate")
    assert 'DATABASE_URL="$$MIGRATE_DATABASE_URL" exec python manage.py migrate' in line
    assert migrate["restart"] == "no"  # a one-off: it exits 0 and stays down
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for service in APP_SERVICES:
        waits = SERVICES[service]["depends_on"]["migrate"]
        assert waits == {"condition": "service_completed_successfully"}


def readme_variables() -> set[str]:
    """Every variable README's configuration table names."""
    import re

    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration (environment)", 1)[1].split("\n\n", 2)[1]
    names = set()
    for row in table.splitlines()[2:]:
        first_cell = row.split("|")[1]
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


@pytest.mark.parametrize("service", APP_SERVICES + ["migrate"])
def test_every_variable_of_the_readme_table_is_passed(service):
    names = readme_variables()
    assert {"EMAIL_HOST", "SITE_URL", "DEFAULT_FROM_EMAIL", "NUM_PROXIES", "LOG_LEVEL"} <= names
    assert len(names) > 30
    assert names - set(SERVICES[service]["environment"]) == set()


def test_images_are_pinned_by_version():
    import re

    images = [SERVICES[name]["image"] for name in SERVICES if "image" in SERVICES[name]]
    for image in images:
        if image == "live-partner-center":
            continue  # built here from the Dockerfile
        name, _, tag = image.partition(":")
        # A release, not a moving major tag: postgres 15.10, redis 7.4.2, pgbouncer v1.25.1.
        assert re.match(r"v?\d+\.\d+", tag) and tag != "latest", image
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11.11-slim-bookworm" in dockerfile


def test_worker_and_beat_have_healthchecks_and_jobs_get_time_to_finish():
    import re

    worker, beat = SERVICES["worker"], SERVICES["beat"]
    assert "inspect ping" in " ".join(worker["healthcheck"]["test"])
    assert "celerybeat-schedule.heartbeat" in " ".join(beat["healthcheck"]["test"])

    def seconds(text: str) -> int:
        units = {"s": 1, "m": 60, "h": 3600}
        return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([smh])", text))

    from core import job_limits

    assert seconds(worker["stop_grace_period"]) > job_limits.JOB_TIME_LIMIT
    assert seconds(worker["stop_grace_period"]) > job_limits.JOB_SOFT_TIME_LIMIT
    assert seconds(SERVICES["web"]["stop_grace_period"]) > 60  # gunicorn's timeout


def test_beat_is_a_refusing_singleton_with_its_schedule_on_a_volume():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULER == "partner_center.beat.SingletonScheduler"
    beat = SERVICES["beat"]
    assert "-s /app/var/beat/celerybeat-schedule" in command("beat")
    assert "beat:/app/var/beat" in beat["volumes"] and "beat" in COMPOSE["volumes"]


def test_mail_files_are_on_a_volume_for_web_and_worker():
    for service in ("web", "worker"):
        assert "mail:/app/var/mail" in SERVICES[service]["volumes"]
    assert "mail" in COMPOSE["volumes"]


def test_the_replica_streams_from_the_primary():
    primary, standby = SERVICES["postgres"], SERVICES["postgres-replica"]
    assert standby["image"] == primary["image"]
    assert "max_wal_senders=10" in primary["command"]
    init = (ROOT / "deploy" / "postgres" / "init-replication.sh").read_text()
    assert "WITH REPLICATION LOGIN" in init
    assert "host replication replicator all scram-sha-256" in init
    assert any(
        v.startswith("./deploy/postgres/init-replication.sh:/docker-entrypoint-initdb.d/")
        for v in primary["volumes"]
    )
    entry = (ROOT / "deploy" / "postgres" / "replica-entrypoint.sh").read_text()
    assert "pg_basebackup -h postgres -p 5432 -U replicator" in " ".join(entry.split())
    assert " -R " in entry and "hot_standby=on" in entry
    assert standby["user"] == "postgres"  # postgres refuses to run as root
    assert standby["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert any(":/var/lib/postgresql/data" in volume for volume in standby["volumes"])
    assert "pgreplica" in COMPOSE["volumes"]
    assert standby["healthcheck"]["test"]


def test_pgbouncer_pools_transactions_in_front_of_the_primary():
    bouncer = SERVICES["pgbouncer"]
    env = bouncer["environment"]
    assert env["POOL_MODE"] == "transaction"
    assert "@postgres:5432/partner_center" in env["DATABASE_URL"]
    assert env["LISTEN_PORT"] == "6432"
    assert bouncer["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert bouncer["healthcheck"]["test"]


def test_transaction_pooling_turns_server_side_cursors_off(monkeypatch):
    import importlib

    import partner_center.settings.base as base

    monkeypatch.setenv("DATABASE_URL", "postgres://u@pgbouncer:6432/partner_center")
    monkeypatch.setenv("DATABASE_TRANSACTION_POOLING", "true")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://u@postgres-replica:5432/partner_center")
    try:
        pooled = importlib.reload(base)
        assert pooled.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert pooled.DATABASES["replica"]["HOST"] == "postgres-replica"
        assert pooled.DATABASE_ROUTERS == ["core.replica.PrimaryReplicaRouter"]
        monkeypatch.delenv("DATABASE_TRANSACTION_POOLING")
        monkeypatch.delenv("DATABASE_REPLICA_URL")
        plain = importlib.reload(base)
        assert plain.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] is False
        assert "replica" not in plain.DATABASES and plain.DATABASE_ROUTERS == []
    finally:
        monkeypatch.undo()
        importlib.reload(base)


def test_dockerfile_builds_from_the_lock_file_without_dev_tools():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "USER app" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var"} <= set(ignored)
