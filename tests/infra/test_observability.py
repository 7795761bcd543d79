"""What an operator sees: JSON log lines per request and per job, Prometheus metrics, and
error reports that carry a user id and nothing else about the user (issue 21)."""

import io
import json
import logging

import pytest
from django.test import override_settings
from django.urls import path
from prometheus_client import REGISTRY

from core.logging import ContextFilter, JsonFormatter, TextFormatter
from core.models import JobRun


@pytest.fixture
def json_lines():
    """The root logger's lines as production writes them (LOG_FORMAT=json)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    before = root.level
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(before)


@pytest.mark.django_db
def test_every_request_is_one_json_line_with_its_id_user_status_and_duration(
    client, seller_a, json_lines
):
    client.force_login(seller_a)
    response = client.get("/seller/leads/?status=new", HTTP_X_REQUEST_ID="proxy-req-0001")
    assert response.status_code == 200 and response["X-Request-ID"] == "proxy-req-0001"
    [line] = [entry for entry in json_lines() if entry["logger"] == "partner_center.request"]
    assert line["message"] == "request" and line["level"] == "INFO"
    assert line["request_id"] == "proxy-req-0001" and line["user_id"] == seller_a.pk
    assert (line["method"], line["path"], line["status"]) == ("GET", "/seller/leads/", 200)
    assert line["route"] == "/seller/leads/" and line["duration_ms"] > 0
    assert line["time"].endswith("+00:00")
    # A request id of the caller's that is not a short token is replaced, not echoed.
    other = client.get("/seller/leads/", HTTP_X_REQUEST_ID="<script>")
    assert other["X-Request-ID"] != "<script>" and len(other["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_job_run_is_one_json_line_and_its_own_lines_carry_the_job(json_lines):
    from creators.services import followers_refresh

    run = followers_refresh()
    [line] = [entry for entry in json_lines() if entry["message"] == "job run"]
    assert line["job"] == JobRun.Job.REFRESH_FOLLOWERS and line["job_run"] == run.pk
    assert line["status"] == "succeeded" and line["duration_s"] is not None
    assert "rows_changed" in line and line["logger"] == "core.jobs"


def test_make_run_lines_stay_readable():
    record = logging.LogRecord("core.jobs", logging.INFO, "", 0, "job run", None, None)
    record.request_id, record.job = "abc123", "refresh_tiers"
    line = TextFormatter().format(record)
    assert " INFO    core.jobs [abc123] job run job=refresh_tiers" in line
    assert not line.startswith("{")


def metric(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db
def test_requests_are_counted_and_timed_by_route_not_by_raw_path(client, seller_a):
    client.force_login(seller_a)
    route = "/seller/leads/<int:lead_id>/"
    before = metric("pc_http_requests_total", route=route, status="404")
    client.get("/seller/leads/999991/")
    client.get("/seller/leads/999992/")
    assert metric("pc_http_requests_total", route=route, status="404") == before + 2
    assert metric("pc_http_request_duration_seconds_count", route=route) >= 2


@pytest.mark.django_db
def test_metrics_show_job_runs_failures_and_queue_depth(client, settings):
    from creators.services import followers_refresh

    followers_refresh()
    JobRun.objects.create(
        job=JobRun.Job.REFRESH_TIERS, status=JobRun.Status.FAILED, started_at="2026-12-01T00:00Z"
    )
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    text = client.get("/metrics").content.decode()
    assert 'pc_job_runs_total{job="refresh_followers",status="succeeded"} 1.0' in text
    assert 'pc_job_runs_total{job="refresh_tiers",status="failed"} 1.0' in text
    assert 'pc_job_last_success_timestamp_seconds{job="refresh_followers"}' in text
    assert 'pc_queue_depth{queue="celery"}' in text
    assert "pc_replica_fallbacks_total" in text and "pc_pool_count_cache_total" in text


def boom(request):
    secret_gmv = "licensed-gmv-" + str(12345 * 3)  # noqa: F841 - a local never reported
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom)]


@pytest.mark.django_db
def test_sentry_reports_the_user_id_only(client, seller_a):
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from partner_center.observability import sentry_init

    sent = []

    class Capture(Transport):
        def capture_envelope(self, envelope):
            sent.extend(item.payload.json for item in envelope.items if item.payload.json)

    sentry_init(dsn="https://public@sentry.example.com/1", environment="test", transport=Capture)
    try:
        client.force_login(seller_a)
        client.raise_request_exception = False
        with override_settings(ROOT_URLCONF=__name__):
            response = client.post(
                "/boom/?email=x@example.com",
                {"password": "hunter2"},
                HTTP_AUTHORIZATION="Token abc",
            )
        assert response.status_code == 500
        sentry_sdk.flush()
    finally:
        sentry_sdk.init(dsn=None)
    [event] = [e for e in sent if e.get("exception")]
    assert event["user"] == {"id": str(seller_a.pk)}
    text = json.dumps(event)
    for leak in ("hunter2", "x@example.com", "Token abc", "licensed-gmv-37035", "sessionid"):
        assert leak not in text, leak
    assert seller_a.email not in text and seller_a.username not in text
    assert event["tags"]["request_id"]
