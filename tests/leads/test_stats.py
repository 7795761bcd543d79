"""`GET /api/v1/leads/stats/`: the pipeline's figures, checked against a plain Python count
over the same leads, with the pool's filters and a constant number of queries."""

import datetime as dt
import random
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creators.models import Tier
from leads.models import Lead, LeadEvent, LeadSource, LeadStatus
from leads.services import lead_set_status
from tests.factories import CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db

STATS = "/api/v1/leads/stats/"
NOW = dt.datetime(2026, 3, 10, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def pipeline(partner_a, partner_b):
    """60 leads of partner A over every source, status and tier, requested over 40 days, some
    with authorizations ending over the next 10 days; a few were collaborating and are closed
    now; partner B's and removed leads must not count."""
    rng = random.Random(13)
    leads = []
    for i in range(60):
        tier = rng.choice(list(Tier))
        lead = LeadFactory(
            partner=partner_a,
            creator=CreatorFactory(tier=tier, follower_count=rng.randint(0, 2_000_000)),
            source=rng.choice(LeadSource.values),
            status=rng.choice(LeadStatus.values),
            requested_at=NOW - dt.timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23)),
            authorization_expires_at=(
                NOW + dt.timedelta(hours=rng.randint(-30, 24 * 9)) if i % 2 else None
            ),
        )
        if lead.status == LeadStatus.CLOSED and i % 3 == 0:
            # Collaborated once, closed since: through the pipeline's own moves.
            Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.CONTACTED)
            lead_set_status(lead=lead, status=LeadStatus.COLLABORATING, user=None)
            lead = lead_set_status(lead=lead, status=LeadStatus.CLOSED, user=None)
        leads.append(lead)
    LeadFactory(partner=partner_b, status=LeadStatus.COLLABORATING, requested_at=NOW)
    LeadFactory(partner=partner_a, removed_at=NOW, requested_at=NOW)
    return leads


def expected(leads):
    """The same figures, counted in Python."""
    today = NOW.date()
    reached = {
        event.lead_id for event in LeadEvent.objects.filter(to_status=LeadStatus.COLLABORATING)
    } | {lead.pk for lead in leads if lead.status == LeadStatus.COLLABORATING}
    by_source = {s: dict.fromkeys(LeadStatus.values, 0) for s in LeadSource.values}
    for lead in leads:
        by_source[lead.source][lead.status] += 1
    tier_key = lambda lead: Tier(lead.creator_tier).key or "none"  # noqa: E731
    requested = Counter(lead.requested_at.astimezone(dt.UTC).date() for lead in leads)
    expiring = Counter(
        lead.authorization_expires_at.astimezone(dt.UTC).date()
        for lead in leads
        if lead.authorization_expires_at and lead.authorization_expires_at > NOW
    )

    def share(group):
        return round(sum(lead.pk in reached for lead in group) / len(group), 4) if group else 0.0

    return {
        "total": len(leads),
        "by_status": {s: sum(lead.status == s for lead in leads) for s in LeadStatus.values},
        "by_source": by_source,
        "by_tier": {
            (tier.key or "none"): sum(1 for lead in leads if tier_key(lead) == (tier.key or "none"))
            for tier in Tier
        },
        "conversion": {
            source: share([lead for lead in leads if lead.source == source])
            for source in LeadSource.values
        },
        "requests_per_day": [
            [(today - dt.timedelta(days=n)).isoformat(), requested[today - dt.timedelta(days=n)]]
            for n in range(29, -1, -1)
        ],
        "expiring_per_day": [
            [(today + dt.timedelta(days=n)).isoformat(), expiring[today + dt.timedelta(days=n)]]
            for n in range(7)
        ],
    }


def test_the_figures_match_a_plain_count(api_as, seller_a, pipeline):
    with time_machine.travel(NOW, tick=False):
        body = api_as(seller_a).get(STATS).json()
    want = expected(pipeline)
    for key, value in want.items():
        assert body[key] == value, key
    assert body["total"] == 60 and sum(body["by_tier"].values()) == 60
    assert 0 < sum(n for _d, n in body["expiring_per_day"]) < 30
    assert all(0 <= share <= 1 for share in body["conversion"].values())


def test_the_pools_filters_apply(api_as, seller_a, pipeline):
    query = "tier=gold&tier=diamond&source=collaboration_request&followers=100k-1m&followers=1m-10m"
    with time_machine.travel(NOW, tick=False):
        body = api_as(seller_a).get(f"{STATS}?{query}").json()
        pool = api_as(seller_a).get(f"/api/v1/leads/?{query}&page_size=100").json()
    ids = {lead["id"] for lead in pool["results"]}
    matching = [lead for lead in pipeline if lead.pk in ids]
    assert body["total"] == pool["count"] == len(matching) > 0
    want = expected(matching)
    assert body["by_source"] == want["by_source"] and body["conversion"] == want["conversion"]
    assert body["requests_per_day"] == want["requests_per_day"]


def test_an_invalid_filter_is_a_400_naming_it(api_as, seller_a):
    bad = api_as(seller_a).get(f"{STATS}?tier=wood")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["tier"]


def test_creators_get_403_and_other_partners_see_their_own(
    api_as, creator_bronze, seller_b, pipeline
):
    assert api_as(creator_bronze.user).get(STATS).status_code == 403
    assert api_as(seller_b).get(STATS).json()["total"] == 1


def test_constant_queries(api_as, seller_a, partner_a, pipeline):
    api = api_as(seller_a)
    with CaptureQueriesContext(connection) as some:
        api.get(STATS)
    for _ in range(20):
        LeadFactory(partner=partner_a, status=LeadStatus.COLLABORATING, requested_at=NOW)
    with CaptureQueriesContext(connection) as more:
        assert api.get(STATS).json()["total"] == 80
    assert len(more) == len(some)
    assert Lead.objects.filter(partner=partner_a).count() == 81


def test_reaching_collaborating_is_stamped_once_and_kept(api_as, seller_a, partner_a):
    """The conversion's column: stamped by the single move and the bulk action, the first
    time only, and kept when the lead moves on to closed or back to contacted."""
    seller = api_as(seller_a)
    one, many = LeadFactory(partner=partner_a), [LeadFactory(partner=partner_a) for _ in range(3)]
    with time_machine.travel(NOW, tick=False):
        moved = seller.patch(f"/api/v1/leads/{one.pk}/", {"status": "collaborating"}, format="json")
        assert moved.status_code == 200
        body = {"action": "set_status", "status": "collaborating", "ids": [m.pk for m in many]}
        assert seller.post("/api/v1/leads/bulk/", body, format="json").json()["updated"] == 3
    later = NOW + dt.timedelta(days=2)
    with time_machine.travel(later, tick=False):
        for status in ("contacted", "collaborating", "closed"):
            patched = seller.patch(f"/api/v1/leads/{one.pk}/", {"status": status}, format="json")
            assert patched.status_code == 200
        body = {"action": "set_status", "status": "closed", "ids": [m.pk for m in many]}
        seller.post("/api/v1/leads/bulk/", body, format="json")
        stats = seller.get(STATS).json()
    stamps = set(
        Lead.objects.filter(partner=partner_a).values_list("reached_collaborating_at", flat=True)
    )
    assert stamps == {NOW}
    assert stats["by_status"]["closed"] == 4 and stats["by_status"]["collaborating"] == 0
    assert stats["conversion"][LeadSource.INSTANT_MESSAGE] == 1.0  # all four collaborated


def test_the_counts_come_once_per_pool_version_and_stay_exact(api_as, seller_a, partner_a):
    """By source, status and tier is cached like the pool's count: a second read skips the
    aggregate, and any write to the leads (here a status move) shows at once."""
    seller = api_as(seller_a)
    lead = LeadFactory(partner=partner_a, status=LeadStatus.CONTACTED)
    LeadFactory(partner=partner_a, status=LeadStatus.NEW)
    with CaptureQueriesContext(connection) as first:
        assert seller.get(STATS).json()["by_status"]["contacted"] == 1
    with CaptureQueriesContext(connection) as second:
        again = seller.get(STATS).json()
    assert len(second) == len(first) - 1
    assert again["by_status"] == {"new": 1, "contacted": 1, "collaborating": 0, "closed": 0}

    moved = seller.patch(f"/api/v1/leads/{lead.pk}/", {"status": "collaborating"}, format="json")
    assert moved.status_code == 200
    after = seller.get(STATS).json()
    assert after["by_status"]["collaborating"] == 1 and after["by_status"]["contacted"] == 0
    assert after["conversion"][LeadSource.INSTANT_MESSAGE] == 0.5
    # A filter that depends on the caller (owner=me) is computed every time, never cached.
    assert seller.get(f"{STATS}?owner=me").json()["total"] == 0
