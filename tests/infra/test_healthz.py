"""/healthz: 200 when the database and the Celery broker answer, 503 naming what failed."""

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_healthy_when_database_and_the_configured_broker_answer(client, settings):
    # Without REDIS_URL this is the file-system broker; with it (CI), Redis must answer PING.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


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

    monkeypatch.setattr("partner_center.views.connection", BrokenConnection())
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
