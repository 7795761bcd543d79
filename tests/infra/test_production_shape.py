"""docker-compose.yml, production settings, the front door (README, Makefile, CI), /healthz."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
APP_ENV = ["DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"]


def command(service) -> str:
    value = COMPOSE["services"][service]["command"]
    return " ".join(value) if isinstance(value, list) else value


def test_compose_has_the_five_services_with_their_commands():
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "gunicorn partner_center.wsgi:application" in command("web")
    assert "migrate" in command("web")
    assert command("worker").startswith("celery -A partner_center worker")
    assert command("beat").startswith("celery -A partner_center beat")
    beats = [name for name in services if "beat" in str(services[name].get("command", ""))]
    assert beats == ["beat"]


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_app_services_run_production_settings_against_postgres_and_redis(service):
    env = COMPOSE["services"][service]["environment"]
    assert set(APP_ENV) <= set(env)
    assert env["DJANGO_SETTINGS_MODULE"] == "partner_center.settings.production"
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    depends = COMPOSE["services"][service]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, *code.split()]
        if code.startswith("manage.py")
        else [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key_and_hosts(tmp_path):
    code = "import django, os; django.setup()"
    base = {
        "DJANGO_SETTINGS_MODULE": "partner_center.settings.production",
        "VAR_DIR": str(tmp_path),
    }
    missing_key = run_python(code, **base, ALLOWED_HOSTS="example.com")
    assert missing_key.returncode != 0 and "SECRET_KEY must be set" in missing_key.stderr
    missing_hosts = run_python(code, **base, SECRET_KEY="x" * 60)
    assert missing_hosts.returncode != 0 and "ALLOWED_HOSTS must be set" in missing_hosts.stderr


def test_check_deploy_passes_with_no_warnings(tmp_path):
    result = run_python(
        "manage.py check --deploy --fail-level WARNING",
        DJANGO_SETTINGS_MODULE="partner_center.settings.production",
        SECRET_KEY="k3y-" + "Zq8!pL0v#Tx2@Rb9%Wm4^Yc7&Nd1*Hf6(Js3)Ug5" * 2,
        ALLOWED_HOSTS="partners.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_a_strict_csp_and_csrf(client):
    from django.conf import settings

    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_healthz_checks_database_and_broker(client, settings):
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
    }
    from partner_center.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        down = client.get("/healthz")
    finally:
        app.conf.broker_url = previous
    assert down.status_code == 503 and down.json()["broker"].startswith("error")


def test_readme_makefile_and_ci_agree_on_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    makefile = (ROOT / "Makefile").read_text()
    assert "\nrun:" in makefile and "\ntest:" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "pg_isready" in ci and "redis-cli" in ci
