"""/healthz: 200 when the database and the Celery broker answer, 503 naming what failed."""

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_healthy_when_database_and_the_configured_broker_answer(client, settings):
    # Without REDIS_URL this is the file-system broker; with it (CI), Redis must answer PING.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "static": "ok",
        "replica": "not configured",
    }


@pytest.mark.django_db
def test_unreachable_redis_broker_answers_503_naming_the_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "ok"
    assert body["broker"].startswith("error")


@pytest.mark.django_db
def test_missing_filesystem_broker_folder_answers_503(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path / "gone"),
        "data_folder_out": str(tmp_path / "gone"),
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error: data_folder_in is not a writable folder"
    (tmp_path / "gone").mkdir()
    assert client.get("/healthz").json()["broker"] == "ok"


@pytest.mark.django_db
def test_database_failure_answers_503_naming_the_database(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr("partner_center.probes.connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_probes_by_ip_over_http_pass_even_where_pages_are_host_and_https_only(client, settings):
    settings.ALLOWED_HOSTS = ["partners.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    probe = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert probe.status_code == 200 and probe.json()["status"] == "ok"
    # The same request to a page is refused: the bypass is for /healthz only.
    assert client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    redirect = client.get("/accounts/login/", HTTP_HOST="partners.example.com")
    assert redirect.status_code == 301
    assert redirect["Location"] == "https://partners.example.com/accounts/login/"


# --- liveness and readiness apart (issue 21) ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz/live", "/livez"])
def test_liveness_answers_while_the_database_and_broker_are_down(client, monkeypatch, path):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr("partner_center.probes.connection", BrokenConnection())
    assert client.get("/healthz").status_code == 503  # not ready …
    live = client.get(path, HTTP_HOST="10.0.0.7:8000")  # … but alive, probed by IP
    assert live.status_code == 200 and live.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_fails_without_the_static_files_manifest(client, settings, tmp_path):
    """Outside make run and the image, a missing collectstatic made every page a 500 while
    /healthz said 200."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    from django.core.files.storage import storages

    storages._storages = {}
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["static"] == "error: no manifest (run manage.py collectstatic)"
        (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
        assert client.get("/healthz").json()["static"] == "ok"
    finally:
        storages._storages = {}


@pytest.mark.django_db
def test_a_replica_in_fallback_is_reported_but_the_process_stays_ready(client, monkeypatch):
    from core import replica

    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(
        replica, "replica_state", lambda **kw: replica.ReplicaState(False, "unreachable (X)")
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["replica"] == "fallback to primary: unreachable (X)"


@pytest.mark.django_db
def test_metrics_for_allowed_addresses_or_the_token_only(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.1.0.0/16"]
    settings.METRICS_TOKEN = "s3cret-token"
    settings.ALLOWED_HOSTS = ["partners.example.com"]
    refused = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_HOST="10.1.2.3:8000")
    assert refused.status_code == 403 and b"pc_" not in refused.content
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    # A spoofed X-Forwarded-For does not help: the connection's address counts.
    spoofed = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert spoofed.status_code == 403
    by_ip = client.get("/metrics", REMOTE_ADDR="10.1.44.5", HTTP_HOST="10.1.2.3:8000")
    by_token = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    for response in (by_ip, by_token):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        text = response.content.decode()
        assert "pc_http_requests_total" in text and "pc_queue_depth" in text
