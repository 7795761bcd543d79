"""The leads list's carry-over (api/pool_cache.py): after a write that names the only leads
whose rows it changed (a note, an owner, a status), a served page holding none of them is
served again with no query on the leads; a page holding one, a question the write moved
(a status filter after a status change) and a write that names no leads are computed again.
Every answer equals a fresh one (the cache cleared)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creators.models import Tier
from leads import services
from leads.models import LeadStatus
from leads.services.notes import note_create
from tests.conftest import clear_cache
from tests.factories import CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(api_as, seller_a, partner_a):
    gold = LeadFactory(partner=partner_a, creator=CreatorFactory(handle="gold_one", tier=Tier.GOLD))
    silver = LeadFactory(
        partner=partner_a, creator=CreatorFactory(handle="silver_one", tier=Tier.SILVER)
    )
    return api_as(seller_a), gold, silver


def _get(client, query):
    """The answer, and whether the leads were read to make it."""
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(f"/api/v1/leads/?{query}")
    assert answer.status_code == 200, answer.content
    read = any('FROM "leads_lead"' in q["sql"] for q in captured.captured_queries)
    return answer.json(), read


def _fresh(client, query):
    clear_cache()
    return client.get(f"/api/v1/leads/?{query}").json()


def _warm(client, *queries):
    for query in queries:
        _get(client, query)


def test_a_note_carries_the_pages_without_its_lead(
    pool, seller_a, django_capture_on_commit_callbacks
):
    client, gold, _ = pool
    _warm(client, "tier=gold", "tier=silver")
    with django_capture_on_commit_callbacks(execute=True):
        note_create(lead=gold, author=seller_a, body="called")

    silver_page, read = _get(client, "tier=silver")
    assert not read, "the silver page holds no lead the note changed"
    gold_page, read_gold = _get(client, "tier=gold")
    assert read_gold
    assert gold_page["results"][0]["notes_count"] == 1
    assert silver_page == _fresh(client, "tier=silver")
    assert gold_page == _fresh(client, "tier=gold")


def test_a_status_change_carries_other_questions_not_the_status_ones(
    pool, seller_a, django_capture_on_commit_callbacks
):
    client, gold, _ = pool
    _warm(client, "tier=silver", "status=new", "status=contacted")
    with django_capture_on_commit_callbacks(execute=True):
        services.lead_set_status(lead=gold, status=LeadStatus.CONTACTED, user=seller_a)

    silver_page, read = _get(client, "tier=silver")
    assert not read
    new, read_new = _get(client, "status=new")
    contacted, read_contacted = _get(client, "status=contacted")
    assert read_new and read_contacted
    assert (new["count"], contacted["count"]) == (1, 1)
    assert contacted["results"][0]["id"] == gold.pk
    assert silver_page == _fresh(client, "tier=silver")


def test_an_owner_change_rebuilds_its_leads_page(
    pool, seller_a, django_capture_on_commit_callbacks
):
    client, gold, silver = pool
    _warm(client, "tier=gold", "tier=silver")
    with django_capture_on_commit_callbacks(execute=True):
        services.lead_assign(lead=silver, owner=seller_a, user=seller_a)

    _, read_gold = _get(client, "tier=gold")
    silver_page, read_silver = _get(client, "tier=silver")
    assert not read_gold and read_silver
    assert silver_page["results"][0]["owner"]["id"] == seller_a.pk
    assert silver_page == _fresh(client, "tier=silver")


def test_nothing_is_carried_without_the_record_of_what_changed(pool, seller_a):
    """Before the write's commit records its leads (here: never, the test's transaction is not
    committed), a new version carries nothing."""
    client, gold, _ = pool
    _warm(client, "tier=silver")
    note_create(lead=gold, author=seller_a, body="called")
    _, read = _get(client, "tier=silver")
    assert read


def test_a_write_that_names_no_leads_carries_nothing(
    pool, seller_a, partner_a, django_capture_on_commit_callbacks
):
    client, gold, silver = pool
    _warm(client, "tier=silver")
    with django_capture_on_commit_callbacks(execute=True):
        services.lead_remove(lead=gold, user=seller_a)
    page, read = _get(client, "tier=silver")
    assert read
    assert page == _fresh(client, "tier=silver")


def _lead_reads(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if 'FROM "leads_lead"' in q["sql"]]


def test_a_page_holding_a_changed_lead_reads_only_that_leads_row(
    pool, seller_a, partner_a, django_capture_on_commit_callbacks
):
    """The carried page's other rows are kept; the rows of the leads the writes named are read
    again by id (one lead: one compiled read; two: one primary-key query), and the answer
    equals a fresh one after each write."""
    client, gold, silver = pool
    third = LeadFactory(partner=partner_a, creator=CreatorFactory(handle="third_one"))
    _warm(client, "")
    with django_capture_on_commit_callbacks(execute=True):
        note_create(lead=silver, author=seller_a, body="called")
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/api/v1/leads/").json()
    reads = _lead_reads(captured)
    assert len(reads) == 1 and f'"leads_lead"."id" = {silver.pk}' in reads[0], reads
    assert {row["id"]: row["notes_count"] for row in page["results"]} == {
        third.pk: 0,
        silver.pk: 1,
        gold.pk: 0,
    }
    assert page == _fresh(client, "")

    _warm(client, "")
    with django_capture_on_commit_callbacks(execute=True):
        note_create(lead=gold, author=seller_a, body="one")
    with django_capture_on_commit_callbacks(execute=True):
        services.lead_assign(lead=third, owner=seller_a, user=seller_a)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/api/v1/leads/").json()
    reads = _lead_reads(captured)
    assert len(reads) == 1, reads
    read_ids = re.search(r'"leads_lead"\."id" IN \(([^)]*)\)', reads[0]).group(1)
    assert {int(pk) for pk in read_ids.split(",")} == {gold.pk, third.pk}
    rows = {row["id"]: row for row in page["results"]}
    assert rows[gold.pk]["notes_count"] == 1
    assert rows[third.pk]["owner"]["id"] == seller_a.pk
    assert page == _fresh(client, "")
