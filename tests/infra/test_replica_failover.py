"""A replica that can fail (issue 21: with DATABASE_REPLICA_URL pointing at a stopped replica,
the leads list and the partners API answered 500 while /healthz said 200).

If the replica cannot be reached, fails in the middle of a request, or lags more than
REPLICA_MAX_LAG_SECONDS, the reads meant for it go to the primary: a log line when its state
changes, `pc_replica_fallbacks_total` per request, and never a 500.
"""

import socket

import pytest
from django.conf import settings
from django.db import OperationalError, connections, router
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from prometheus_client import REGISTRY
from rest_framework.test import APIClient

from core import replica
from leads.models import Lead
from tests.factories import CreatorUserFactory, LeadFactory, PartnerFactory, SellerFactory

from .test_replica import _caught_up, _ReplayPaused


def fallbacks(reason: str) -> float:
    return REGISTRY.get_sample_value("pc_replica_fallbacks_total", {"reason": reason}) or 0.0


@pytest.fixture
def configured(monkeypatch):
    """The router installed and a replica 'configured'; whether it answers is the test's."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    replica.replica_state_reset()
    with override_settings(DATABASE_ROUTERS=["core.replica.PrimaryReplicaRouter"]):
        yield
    replica.replica_state_reset()


def test_an_unreachable_replica_sends_the_reads_to_the_primary_with_a_log_line(
    configured, monkeypatch, caplog
):
    monkeypatch.setattr(
        replica, "_check_replica", lambda: replica.ReplicaState(False, "unreachable (X)")
    )
    before = fallbacks("unreachable")
    with replica.replica_reads():
        assert router.db_for_read(Lead) == "default"
    with replica.replica_reads():
        assert router.db_for_read(Lead) == "default"
    assert fallbacks("unreachable") == before + 2  # per request
    lines = [r.getMessage() for r in caplog.records if r.name == "core.replica"]
    assert lines == ["Replica unreachable (X): its reads fall back to the primary."]  # once


def test_a_replica_that_fails_mid_request_is_marked_down_and_the_page_answered_again(
    configured, monkeypatch
):
    monkeypatch.setattr(replica, "_check_replica", lambda: replica.ReplicaState(True))
    seen = []

    @replica.use_replica
    def view(request):
        seen.append(router.db_for_read(Lead))
        if seen[-1] == "replica":
            raise OperationalError("server closed the connection unexpectedly")
        return HttpResponse("from the primary")

    request = RequestFactory().get("/seller/leads/")
    request.user = None
    response = view(request)
    assert response.content == b"from the primary" and seen == ["replica", "default"]
    assert replica.replica_state().usable is False  # until the next check


@pytest.mark.django_db
def test_the_replica_check_names_a_missing_replica_unreachable(configured):
    if "replica" in settings.DATABASES:
        pytest.skip("a replica is configured in this run")
    state = replica.replica_state(refresh=True)
    assert not state.usable and state.reason.startswith("unreachable")


# --- against CI's real streaming replica ---------------------------------------------------

needs_replica = pytest.mark.skipif(
    "replica" not in settings.DATABASES,
    reason="DATABASE_REPLICA_URL is not set (CI starts a streaming replica for these)",
)
real = [
    needs_replica,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture
def replica_on(settings):
    settings.REPLICA_READS = True
    connections["replica"].close()
    replica.replica_state_reset()
    yield
    connections["replica"].close()
    replica.replica_state_reset()
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture
def replica_stopped(replica_on):
    """The replica as if stopped: its address now refuses connections (a port nobody holds)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    conn = connections["replica"]
    conn.close()
    real_port = conn.settings_dict["PORT"]
    conn.settings_dict["PORT"] = dead_port
    yield
    conn.close()
    conn.settings_dict["PORT"] = real_port


@pytest.mark.parametrize("_", [None], ids=["stopped"])
@pytest.mark.usefixtures("replica_stopped")
@needs_replica
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_with_the_replica_stopped_every_list_it_serves_still_answers(_):
    partner = PartnerFactory(name="Failover Agency")
    seller = SellerFactory(partner=partner).user
    LeadFactory(partner=partner, creator__handle="failover_ava")
    creator = CreatorUserFactory()
    before = fallbacks("unreachable")
    seller_api, creator_api = APIClient(), APIClient()
    seller_api.force_login(seller)
    creator_api.force_login(creator.user)

    leads = seller_api.get("/api/v1/leads/")
    assert leads.status_code == 200
    assert [r["creator"]["handle"] for r in leads.json()["results"]] == ["failover_ava"]
    export = seller_api.get("/api/v1/leads/export.csv")
    assert export.status_code == 200 and b"failover_ava" in b"".join(export.streaming_content)
    page = seller_api.get("/seller/leads/")
    assert page.status_code == 200 and "failover_ava" in page.content.decode()
    partners = creator_api.get("/api/v1/partners/")
    assert partners.status_code == 200
    assert "Failover Agency" in [p["name"] for p in partners.json()["results"]]
    directory = creator_api.get("/ec/partners/")
    assert directory.status_code == 200 and "Failover Agency" in directory.content.decode()
    assert fallbacks("unreachable") >= before + 5
    assert replica.replica_state().reason.startswith("unreachable")


@pytest.mark.usefixtures("replica_on")
@pytest.mark.parametrize("_", [None], ids=["lagging"])
@needs_replica
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_replica_lagging_past_the_limit_is_skipped(_, settings):
    partner = PartnerFactory()
    writer, colleague = SellerFactory(partner=partner).user, SellerFactory(partner=partner).user
    lead = LeadFactory(partner=partner)
    _caught_up()
    writer_api, colleague_api = APIClient(), APIClient()
    writer_api.force_login(writer)
    colleague_api.force_login(colleague)
    with _ReplayPaused():
        writer_api.patch(f"/api/v1/leads/{lead.pk}/", {"status": "contacted"}, format="json")
        settings.REPLICA_MAX_LAG_SECONDS = 0  # the paused replica is now too far behind
        replica.replica_state_reset()
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            rows = colleague_api.get("/api/v1/leads/").json()["results"]
        assert rows[0]["status"] == "contacted"  # fresh: read from the primary
        assert "leads_lead" not in " ".join(q["sql"] for q in on_replica.captured_queries)
        state = replica.replica_state()
        assert not state.usable and state.reason.startswith("lagging")
