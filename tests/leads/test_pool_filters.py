"""The Leads Pool's filters through `GET /api/v1/leads/`: each alone, combined, boundaries."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from creators.models import Tier
from leads.models import LeadSource, LeadStatus
from tests.factories import CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db


def lead(partner, handle, tier=Tier.BRONZE, followers=1_000, **extra):
    creator = CreatorFactory(handle=handle, tier=tier, follower_count=followers)
    return LeadFactory(partner=partner, creator=creator, **extra)


def handles(client, query=""):
    response = client.get(f"/api/v1/leads/?page_size=100&{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return sorted(row["creator"]["handle"] for row in body["results"])


@pytest.fixture
def seller(api_as, seller_a):
    return api_as(seller_a)


FOLLOWER_FIGURES = (
    0,
    9_999,
    10_000,
    99_999,
    100_000,
    999_999,
    1_000_000,
    9_999_999,
    10_000_000,
    50_000_000,
)


@pytest.fixture
def boundary_pool(partner_a):
    for followers in FOLLOWER_FIGURES:
        lead(partner_a, f"f_{followers}", followers=followers)


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("0-10k", ["f_0", "f_9999"]),
        ("10k-100k", ["f_10000", "f_99999"]),
        ("100k-1m", ["f_100000", "f_999999"]),
        ("1m-10m", ["f_1000000", "f_9999999"]),
        ("10m+", ["f_10000000", "f_50000000"]),
    ],
)
def test_follower_presets_are_half_open(seller, boundary_pool, preset, expected):
    assert handles(seller, f"followers={preset}") == expected


def test_every_boundary_figure_falls_in_exactly_one_preset(seller, boundary_pool):
    presets = ["0-10k", "10k-100k", "100k-1m", "1m-10m", "10m+"]
    seen = [h for preset in presets for h in handles(seller, f"followers={preset}")]
    assert sorted(seen) == sorted(f"f_{n}" for n in FOLLOWER_FIGURES)
    assert len(seen) == len(set(seen))


def test_the_follower_figure_is_the_leads_refreshed_copy(seller, partner_a):
    """Filtering reads the lead's denormalized copy, which the refresh jobs keep in step."""
    one = lead(partner_a, "copy", followers=5_000)
    one.creator.follower_count = 50_000  # not yet copied by the refresh job
    one.creator.save(update_fields=["follower_count"])
    assert handles(seller, "followers=0-10k") == ["copy"]
    row = seller.get(f"/api/v1/leads/{one.pk}/").json()
    assert row["creator"]["follower_count"] == 5_000


def test_10m_plus_works_escaped_or_not(seller, boundary_pool):
    assert handles(seller, "followers=10m%2B") == ["f_10000000", "f_50000000"]
    assert handles(seller, "followers=10m+") == ["f_10000000", "f_50000000"]


def test_several_presets_combine_with_or(seller, boundary_pool):
    assert handles(seller, "followers=0-10k&followers=10m+") == [
        "f_0",
        "f_10000000",
        "f_50000000",
        "f_9999",
    ]
    assert handles(seller, "followers=10k-100k&followers=100k-1m") == [
        "f_10000",
        "f_100000",
        "f_99999",
        "f_999999",
    ]


def test_manual_ranges_are_inclusive_at_both_ends(seller, boundary_pool):
    assert handles(seller, "followers_min=9999&followers_max=100000") == [
        "f_10000",
        "f_100000",
        "f_9999",
        "f_99999",
    ]
    assert handles(seller, "followers_min=10000000") == ["f_10000000", "f_50000000"]
    assert handles(seller, "followers_max=0") == ["f_0"]
    assert handles(seller, "followers_min=10000&followers_max=10000") == ["f_10000"]
    assert handles(seller, "followers_min=60000000") == []


def test_a_preset_and_a_manual_range_both_apply(seller, boundary_pool):
    assert handles(seller, "followers=10k-100k&followers_min=50000") == ["f_99999"]


def test_tier_source_status_and_search_alone_and_combined(seller, partner_a):
    lead(partner_a, "gold_req", Tier.GOLD, 50_000, source=LeadSource.COLLABORATION_REQUEST)
    lead(partner_a, "gold_im", Tier.GOLD, 500_000, status=LeadStatus.CONTACTED)
    lead(partner_a, "silver_im", Tier.SILVER, 20_000)
    lead(
        partner_a, "diamond_req", Tier.DIAMOND, 20_000_000, source=LeadSource.COLLABORATION_REQUEST
    )
    lead(partner_a, "nobody", Tier.NON_TIERED, 100, status=LeadStatus.CLOSED)

    assert handles(seller, "tier=gold") == ["gold_im", "gold_req"]
    assert handles(seller, "tier=gold&tier=silver") == ["gold_im", "gold_req", "silver_im"]
    assert handles(seller, "tier=none") == ["nobody"]
    assert handles(seller, "tier=diamond&tier=none") == ["diamond_req", "nobody"]
    assert handles(seller, "source=collaboration_request") == ["diamond_req", "gold_req"]
    assert handles(seller, "source=instant_message") == ["gold_im", "nobody", "silver_im"]
    assert handles(seller, "status=contacted") == ["gold_im"]
    assert handles(seller, "status=contacted&status=closed") == ["gold_im", "nobody"]
    assert handles(seller, "search=@GOLD_") == ["gold_im", "gold_req"]
    assert handles(seller, "tier=gold&tier=silver&followers=10k-100k&source=instant_message") == [
        "silver_im"
    ]
    assert handles(seller, "tier=gold&status=new&source=collaboration_request") == ["gold_req"]
    assert handles(seller, "tier=ruby") == []
    assert handles(seller, "tier=gold&followers=10m+") == []


def test_search_matches_display_name_or_handle_case_insensitively(seller, partner_a):
    creator = CreatorFactory(handle="lipstick_lab", display_name="Maria Gómez")
    LeadFactory(partner=partner_a, creator=creator)
    lead(partner_a, "other_one")
    assert handles(seller, "search=maria") == ["lipstick_lab"]
    assert handles(seller, "search=STICK") == ["lipstick_lab"]
    assert handles(seller, "search=%40lipstick") == ["lipstick_lab"]
    assert handles(seller, "search=nobody-like-this") == []
    assert handles(seller, "search=") == ["lipstick_lab", "other_one"]


def test_sorting_has_a_stable_tiebreaker(seller, partner_a):
    now = timezone.now()
    old = lead(partner_a, "old", followers=5, requested_at=now - dt.timedelta(days=10))
    lead(partner_a, "new", Tier.GOLD, followers=50, requested_at=now)
    lead(partner_a, "mid", Tier.SILVER, followers=500, requested_at=now - dt.timedelta(days=3))
    twin = lead(partner_a, "twin", followers=5, requested_at=old.requested_at)

    def order(query):
        response = seller.get(f"/api/v1/leads/?{query}")
        return [r["creator"]["handle"] for r in response.json()["results"]]

    assert order("") == ["new", "mid", "twin", "old"]
    assert order("ordering=-requested_at") == order("")
    assert order("ordering=requested_at") == ["old", "twin", "mid", "new"]
    assert order("ordering=-followers") == ["mid", "new", "twin", "old"]
    assert order("ordering=followers") == ["old", "twin", "new", "mid"]
    assert order("ordering=-tier") == ["new", "mid", "twin", "old"]
    assert order("ordering=tier") == ["twin", "old", "mid", "new"]
    assert twin.pk > old.pk


def test_request_time_range_counts_whole_utc_days(seller, partner_a):
    # The table shows request times in UTC, so the dates filter in UTC too: 23:59 on January
    # 9 is January 9 (it would be the 9th in Pacific too), 00:00 on the 10th is the 10th
    # (it was still the 9th in Pacific, where the filter used to read dates).
    lead(partner_a, "jan_9", requested_at=dt.datetime(2026, 1, 9, 23, 59, tzinfo=dt.UTC))
    lead(partner_a, "jan_10", requested_at=dt.datetime(2026, 1, 10, 0, 0, tzinfo=dt.UTC))
    lead(partner_a, "jan_12", requested_at=dt.datetime(2026, 1, 12, 23, 59, tzinfo=dt.UTC))
    assert handles(seller, "requested_after=2026-01-10") == ["jan_10", "jan_12"]
    assert handles(seller, "requested_before=2026-01-09") == ["jan_9"]
    assert handles(seller, "requested_after=2026-01-10&requested_before=2026-01-10") == ["jan_10"]
    assert handles(seller, "requested_before=2026-01-12") == ["jan_10", "jan_12", "jan_9"]
    assert handles(seller, "requested_after=2026-01-13") == []


def test_removed_leads_are_absent_everywhere(seller, partner_a, seller_a):
    kept = lead(partner_a, "kept", Tier.GOLD)
    gone = lead(partner_a, "gone", Tier.GOLD, removed_at=timezone.now(), removed_by=seller_a)
    assert handles(seller) == ["kept"]
    assert handles(seller, "tier=gold") == ["kept"]
    assert seller.get(f"/api/v1/leads/{kept.pk}/").status_code == 200
    assert seller.get(f"/api/v1/leads/{gone.pk}/").status_code == 404


def test_an_empty_pool_answers_an_empty_page(seller):
    body = seller.get("/api/v1/leads/?tier=gold").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


@time_machine.travel(dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC), tick=False)
def test_pages_follow_the_filters(seller, partner_a):
    for i in range(7):
        lead(partner_a, f"g{i}", Tier.GOLD, requested_at=timezone.now() - dt.timedelta(hours=i))
    lead(partner_a, "s0", Tier.SILVER)
    first = seller.get("/api/v1/leads/?tier=gold&page_size=5").json()
    assert first["count"] == 7 and len(first["results"]) == 5
    assert "tier=gold" in first["next"] and "page=2" in first["next"]
    second = seller.get(first["next"]).json()
    assert [r["creator"]["handle"] for r in second["results"]] == ["g5", "g6"]
    assert second["next"] is None
