"""Reads on a replica: the router, the opt-in views and read-your-writes.

The unit tests run everywhere. The front-door tests need a real PostgreSQL streaming replica
(`DATABASE_REPLICA_URL`; CI starts one with scripts/pg_replica.sh) and skip without one: they
pause the replica's WAL replay so that the replica is visibly behind, and check which pages
read from it and that a client which has just written still sees its own write.
"""

import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.test import APIClient

from core import replica
from creators.models import Partner
from leads.models import Lead, LeadStatus
from tests.factories import CreatorUserFactory, LeadFactory, PartnerFactory, SellerFactory

# --- unit: the router and the pin, no replica needed -------------------------------------


@pytest.fixture
def routed(monkeypatch):
    """The router installed and a replica 'configured' (the decision only; nothing connects)."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "replica_state", lambda **kw: replica.ReplicaState(True))
    with override_settings(DATABASE_ROUTERS=["core.replica.PrimaryReplicaRouter"]):
        yield


def test_reads_go_to_the_replica_only_inside_the_block(routed):
    assert router.db_for_read(Lead) == "default"
    with replica.replica_reads():
        assert router.db_for_read(Lead) == "replica"
        assert router.db_for_write(Lead) == "default"  # writes never go to the replica
        with replica.replica_reads(enabled=False):
            assert router.db_for_read(Lead) == "default"
        assert router.db_for_read(Partner) == "replica"
    assert router.db_for_read(Lead) == "default"
    assert router.allow_migrate("default", "leads") is True
    assert router.allow_migrate("replica", "leads") is False


def test_a_streamed_body_reads_from_the_replica_item_by_item(routed):
    def body():
        for _ in range(3):
            yield router.db_for_read(Lead)

    assert list(replica.replica_stream(body())) == ["replica"] * 3
    assert list(replica.replica_stream(body(), enabled=False)) == ["default"] * 3
    assert router.db_for_read(Lead) == "default"


@pytest.mark.django_db
def test_a_client_that_wrote_is_pinned_to_the_primary(routed, seller_a):
    factory = RequestFactory()
    seen = []

    @replica.use_replica
    def view(request):
        seen.append(router.db_for_read(Lead))
        return HttpResponse()

    def get(**cookies):
        request = factory.get("/seller/leads/")
        request.COOKIES.update(cookies)
        request.user = seller_a
        view(request)
        return seen[-1]

    assert get() == "replica"
    post = factory.post("/x/")
    post.user = seller_a
    view(post)
    assert seen[-1] == "default"  # an unsafe request always reads the primary
    assert get(**{replica.PIN_COOKIE: str(time.time() + 5)}) == "default"
    assert get(**{replica.PIN_COOKIE: str(time.time() - 1)}) == "replica"  # pin ran out
    assert get(**{replica.PIN_COOKIE: "tampered"}) == "replica"
    cache.set(replica._pin_key(seller_a.pk), 1, 5)  # a token client that keeps no cookies
    assert get() == "default"


@pytest.mark.django_db
def test_a_successful_write_sets_the_pin_and_a_failed_one_does_not(routed, seller_a):
    lead = LeadFactory(partner=seller_a.partner_staff.partner)
    client = APIClient()
    client.force_login(seller_a)

    refused = client.patch(f"/api/v1/leads/{lead.pk}/", {"status": "nope"}, format="json")
    assert refused.status_code == 400 and replica.PIN_COOKIE not in refused.cookies
    assert cache.get(replica._pin_key(seller_a.pk)) is None

    done = client.patch(f"/api/v1/leads/{lead.pk}/", {"status": "contacted"}, format="json")
    cookie = done.cookies[replica.PIN_COOKIE]
    assert done.status_code == 200 and cookie["max-age"] == settings.REPLICA_PIN_SECONDS
    assert cookie["httponly"] and float(cookie.value) > time.time()
    assert cache.get(replica._pin_key(seller_a.pk)) == 1


@pytest.mark.django_db
def test_without_a_replica_nothing_changes(seller_a):
    if "DATABASE_REPLICA_URL" in __import__("os").environ:
        pytest.skip("a replica is configured in this run")
    assert set(settings.DATABASES) == {"default"}
    assert not replica.replica_configured()
    with replica.replica_reads():
        assert router.db_for_read(Lead) == "default"
    lead = LeadFactory(partner=seller_a.partner_staff.partner)
    client = APIClient()
    client.force_login(seller_a)
    response = client.patch(f"/api/v1/leads/{lead.pk}/", {"status": "contacted"}, format="json")
    assert response.status_code == 200 and replica.PIN_COOKIE not in response.cookies


# --- through the front door, against a real streaming replica ----------------------------

needs_replica = pytest.mark.skipif(
    "replica" not in settings.DATABASES,
    reason="DATABASE_REPLICA_URL is not set (CI starts a streaming replica for these)",
)


def _caught_up(timeout=15.0):
    """Wait until the replica has replayed everything the primary has committed."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        lsn = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    with connections["replica"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError(f"the replica did not replay up to {lsn} in {timeout}s")


class _ReplayPaused:
    """The replica stops replaying WAL, so it visibly lags the primary until the block ends."""

    def __enter__(self):
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_pause()")

    def __exit__(self, *exc):
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture
def replica_on(settings):
    settings.REPLICA_READS = True
    connections["replica"].close()  # a fresh session: no snapshot from before the writes
    replica.replica_state_reset()
    yield
    replica.replica_state_reset()
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")  # even if a test failed while paused


def _tables(queries) -> str:
    return " ".join(q["sql"] for q in queries.captured_queries)


@needs_replica
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_pool_api_and_export_read_from_the_replica_and_a_writer_reads_its_writes(
    replica_on,
):
    partner = PartnerFactory(name="Replica Agency")
    writer = SellerFactory(partner=partner).user
    colleague = SellerFactory(partner=partner).user
    lead = LeadFactory(partner=partner, creator__handle="replica_ava")
    _caught_up()
    writer_api, colleague_api = APIClient(), APIClient()
    writer_api.force_login(writer)
    colleague_api.force_login(colleague)

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        body = colleague_api.get("/api/v1/leads/").json()
    assert [(row["creator"]["handle"], row["status"]) for row in body["results"]] == [
        ("replica_ava", "new")
    ]
    assert "leads_lead" in _tables(on_replica)

    with _ReplayPaused():
        changed = writer_api.patch(
            f"/api/v1/leads/{lead.pk}/", {"status": "contacted"}, format="json"
        )
        assert changed.status_code == 200 and changed.json()["status"] == "contacted"
        # The colleague reads the replica, which has not replayed the change yet: proof
        # that the list really comes from the replica.
        stale = colleague_api.get("/api/v1/leads/").json()["results"][0]["status"]
        assert stale == "new"
        export = b"".join(colleague_api.get("/api/v1/leads/export.csv").streaming_content)
        assert b"replica_ava" in export and b",new," in export and b"contacted" not in export
        # The writer reads its own write: pinned to the primary for a few seconds.
        with CaptureQueriesContext(connections["replica"]) as pinned:
            mine = writer_api.get("/api/v1/leads/").json()["results"][0]["status"]
        assert mine == "contacted" and not pinned.captured_queries
        page = writer_api.get("/seller/leads/").content.decode()
        assert "replica_ava" in page and 'value="contacted" selected' in page
    _caught_up()
    assert colleague_api.get("/api/v1/leads/").json()["results"][0]["status"] == "contacted"


@needs_replica
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_directory_page_and_api_read_from_the_replica(replica_on):
    PartnerFactory(name="Seen Agency")
    creator = CreatorUserFactory()
    _caught_up()
    client = APIClient()
    client.force_login(creator.user)
    with _ReplayPaused():
        PartnerFactory(name="Brand New Agency")  # not replayed yet
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            page = client.get("/ec/partners/").content.decode()
            names = [p["name"] for p in client.get("/api/v1/partners/").json()["results"]]
        assert "Seen Agency" in page and "Brand New Agency" not in page
        assert names == ["Seen Agency"]
        assert "creators_partner" in _tables(on_replica)
    _caught_up()
    names = [p["name"] for p in client.get("/api/v1/partners/").json()["results"]]
    assert names == ["Brand New Agency", "Seen Agency"]


@needs_replica
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_pages_not_marked_for_the_replica_and_all_writes_use_the_primary(replica_on):
    partner = PartnerFactory()
    seller = SellerFactory(partner=partner).user
    lead = LeadFactory(partner=partner)
    _caught_up()
    client = APIClient()
    client.force_login(seller)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get(f"/api/v1/leads/{lead.pk}/").status_code == 200  # detail: primary
        assert client.get("/api/v1/me/").status_code == 200
        client.patch(f"/api/v1/leads/{lead.pk}/", {"status": "collaborating"}, format="json")
    assert on_replica.captured_queries == []
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.COLLABORATING
