"""Production refuses a weak key; shared cache and lockouts; hashed static names; the image."""

import secrets
from pathlib import Path

import pytest

from tests.infra.test_settings import PRODUCTION, run, settings_of

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "example.com"}


@pytest.mark.parametrize(
    "key",
    [
        "abc",  # the outside test's 3-character key
        "x1y2z" * 9 + "abcd",  # 49 characters: one short of 50
        "abcd" * 20,  # long, but only 4 distinct characters
        "django-insecure-" + secrets.token_urlsafe(50),  # Django's startproject placeholder
        "insecure-embedded-default-key-change-me-in-production",  # the embedded one
    ],
)
def test_production_refuses_a_short_or_embedded_secret_key(tmp_path, key):
    result = run(
        ["-c", "import django; django.setup()"],
        tmp_path,
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY=key,
        ALLOWED_HOSTS="example.com",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr.strip().splitlines()[-1]


def test_production_accepts_a_strong_key(tmp_path):
    values = settings_of(tmp_path, ["DEBUG"], DJANGO_SETTINGS_MODULE=PRODUCTION, **GOOD)
    assert values["DEBUG"] is False


@pytest.mark.parametrize("redis", [{}, {"REDIS_URL": "redis://cache.internal:6379/2"}])
def test_check_deploy_stays_clean_with_and_without_redis(tmp_path, redis):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
        **GOOD,
        **redis,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_with_redis_throttles_and_lockouts_share_one_cache(tmp_path):
    values = settings_of(
        tmp_path,
        ["CACHES", "AXES_HANDLER", "DATABASES"],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        REDIS_URL="redis://cache.internal:6379/2",
        DATABASE_URL="postgres://pc:pw@db.internal:5432/partner_center",
        **GOOD,
    )
    cache = values["CACHES"]["default"]
    assert cache["BACKEND"] == "core.redis_cache.PooledRedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/2"
    assert values["AXES_HANDLER"] == "axes.handlers.cache.AxesCacheHandler"
    database = values["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 60 and database["CONN_HEALTH_CHECKS"] is True


def test_without_redis_lockouts_still_reach_every_process_through_the_database(tmp_path):
    values = settings_of(
        tmp_path,
        ["CACHES", "AXES_HANDLER", "NUM_PROXIES", "REST_FRAMEWORK"],
        DJANGO_SETTINGS_MODULE="partner_center.settings.local",
    )
    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert values["AXES_HANDLER"] == "axes.handlers.database.AxesDatabaseHandler"
    # No proxy is trusted unless the operator says how many there are.
    assert values["NUM_PROXIES"] == 0 == values["REST_FRAMEWORK"]["NUM_PROXIES"]


def test_production_static_files_are_cache_busted(tmp_path):
    static_root = tmp_path / "staticfiles"
    result = run(
        ["manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        tmp_path,
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        **GOOD,
    )
    assert result.returncode == 0, result.stderr
    assert (static_root / "staticfiles.json").is_file()
    hashed = [p.name for p in (static_root / "css").glob("app.*.css")]
    assert hashed, "app.css has a hashed copy"
    code = (
        "import django; django.setup(); from django.templatetags.static import static; "
        "print(static('css/app.css'))"
    )
    url = run(["-c", code], tmp_path, DJANGO_SETTINGS_MODULE=PRODUCTION, **GOOD)
    assert url.returncode == 0, url.stderr
    assert url.stdout.strip() in {f"/static/css/{name}" for name in hashed}


def test_the_image_runs_production_settings_by_default():
    dockerfile = (ROOT / "Dockerfile").read_text()
    env_block = dockerfile.split("ENV ", 1)[1].split("\nRUN ", 1)[0]
    assert "DJANGO_SETTINGS_MODULE=partner_center.settings.production" in env_block
    # The build-time key passes production's own check.
    build_key = dockerfile.split("SECRET_KEY=", 1)[1].split()[0]
    assert len(build_key) >= 50
