"""Production settings: refuse to start half-configured, pass `check --deploy`, strict headers."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = "partner_center.settings.production"


def run(args: list[str], tmp_path: Path, **env: str | None) -> subprocess.CompletedProcess:
    """Run the project's Python with a clean environment: only what is passed here (and a
    SITE_URL unless it is passed as None)."""
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "VAR_DIR": str(tmp_path),
        "SITE_URL": "https://partners.example.com",
    }
    merged = {name: value for name, value in {**clean, **env}.items() if value is not None}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=merged,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(tmp_path: Path, names: list[str], **env: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    result = run(["-c", code], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "example.com"}, "SECRET_KEY must be set in production"),
        ({"SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS must be set in production"),
        ({"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": " "}, "ALLOWED_HOSTS must be set"),
        (
            {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "x.com", "SITE_URL": None},
            "SITE_URL must be set in production",
        ),
        (
            {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "x.com", "SITE_URL": "x"},
            "SITE_URL must be the public address",
        ),
        (
            {
                "SECRET_KEY": "insecure-embedded-default-key-change-me-in-production",
                "ALLOWED_HOSTS": "example.com",
            },
            "not the embedded default",
        ),
    ],
)
def test_production_refuses_to_start_half_configured(tmp_path, env, message):
    result = run(
        ["-c", "import django; django.setup()"], tmp_path, DJANGO_SETTINGS_MODULE=PRODUCTION, **env
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_check_deploy_passes_with_no_warnings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_reads_its_services_and_hosts_from_the_environment(tmp_path):
    values = settings_of(
        tmp_path,
        ["DEBUG", "ALLOWED_HOSTS", "DATABASES", "CELERY_BROKER_URL", "SESSION_COOKIE_SECURE"],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="partners.example.com, api.example.com",
        DATABASE_URL="postgres://pc:pw@db.internal:5432/partner_center",
        REDIS_URL="redis://cache.internal:6379/2",
    )
    assert values["DEBUG"] is False and values["SESSION_COOKIE_SECURE"] is True
    assert values["ALLOWED_HOSTS"] == ["partners.example.com", "api.example.com"]
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"], database["USER"]) == (
        "db.internal",
        "partner_center",
        "pc",
    )
    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/2"


@pytest.mark.parametrize("blank", [{}, {"DATABASE_URL": "", "REDIS_URL": ""}])
def test_embedded_default_needs_no_variable_sqlite_and_filesystem_broker(tmp_path, blank):
    values = settings_of(
        tmp_path,
        ["DATABASES", "CELERY_BROKER_URL", "CELERY_BROKER_TRANSPORT_OPTIONS"],
        DJANGO_SETTINGS_MODULE="partner_center.settings.local",
        **blank,  # an empty variable counts as unset
    )
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "partner_center.sqlite3")
    assert values["CELERY_BROKER_URL"] == "filesystem://"
    folder = values["CELERY_BROKER_TRANSPORT_OPTIONS"]["data_folder_in"]
    assert folder.startswith(str(tmp_path)) and Path(folder).is_dir()


def test_login_page_carries_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    # The page itself obeys it: no inline scripts, styles or handlers.
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\s(style|onclick|onload|hx-on[:\w-]*)=", html)


@pytest.mark.django_db
def test_csrf_protection_rejects_a_login_post_without_the_token():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "admin", "password": "demo"})
    assert response.status_code == 403
    assert "sessionid" not in response.cookies
    page = strict.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token, "the login form carries a CSRF token"
    with_token = strict.post(
        "/accounts/login/",
        {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token.group(1)},
    )
    assert with_token.status_code == 200  # the form again, with its error: CSRF passed
    assert "errornote" in with_token.content.decode() or "correct username" in (
        with_token.content.decode()
    )


def test_production_message_ids_and_links_use_the_site_url(tmp_path):
    code = (
        "import django; django.setup(); from django.core import mail; "
        "from django.conf import settings; from core.mail import absolute_url; "
        "m = mail.EmailMessage('s', 'b', to=['a@example.com']); "
        "print(m.message()['Message-ID'], absolute_url('/seller/leads/'), settings.SITE_HOST)"
    )
    result = run(
        ["-c", code],
        tmp_path,
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="partners.example.com",
        SITE_URL="https://partners.example.com/",
    )
    assert result.returncode == 0, result.stderr
    message_id, link, host = result.stdout.split()
    assert message_id.endswith("@partners.example.com>")
    assert link == "https://partners.example.com/seller/leads/"
    assert host == "partners.example.com"
