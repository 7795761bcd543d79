"""The Leads Pool: each filter alone and combined, boundaries, bad input, CSV, isolation."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from creators.models import Tier
from leads.models import Lead, LeadSource, LeadStatus
from tests.factories import CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db


def lead(partner, handle, tier=Tier.BRONZE, followers=1_000, **extra):
    creator = CreatorFactory(handle=handle, tier=tier, follower_count=followers)
    return LeadFactory(partner=partner, creator=creator, **extra)


def handles(client, query=""):
    response = client.get(f"/api/v1/leads/?page_size=100&{query}")
    assert response.status_code == 200, response.content
    return sorted(row["creator"]["handle"] for row in response.json()["results"])


@pytest.fixture
def seller(api_as, seller_a):
    return api_as(seller_a)


@pytest.fixture
def boundary_pool(partner_a):
    for followers in (
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
    ):
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


def test_10m_plus_works_escaped_or_not(seller, boundary_pool):
    assert handles(seller, "followers=10m%2B") == handles(seller, "followers=10m+")


def test_several_presets_combine_with_or_and_manual_ranges_are_inclusive(seller, boundary_pool):
    assert handles(seller, "followers=0-10k&followers=10m+") == [
        "f_0",
        "f_10000000",
        "f_50000000",
        "f_9999",
    ]
    assert handles(seller, "followers_min=9999&followers_max=100000") == [
        "f_10000",
        "f_100000",
        "f_9999",
        "f_99999",
    ]
    assert handles(seller, "followers_min=10000000") == ["f_10000000", "f_50000000"]


def test_tier_source_status_and_search_alone_and_combined(seller, partner_a):
    lead(partner_a, "gold_req", Tier.GOLD, 50_000, source=LeadSource.COLLABORATION_REQUEST)
    lead(partner_a, "gold_im", Tier.GOLD, 500_000, status=LeadStatus.CONTACTED)
    lead(partner_a, "silver_im", Tier.SILVER, 20_000)
    lead(
        partner_a, "diamond_req", Tier.DIAMOND, 20_000_000, source=LeadSource.COLLABORATION_REQUEST
    )
    lead(partner_a, "nobody", Tier.NON_TIERED, 100)

    assert handles(seller, "tier=gold") == ["gold_im", "gold_req"]
    assert handles(seller, "tier=gold&tier=silver") == ["gold_im", "gold_req", "silver_im"]
    assert handles(seller, "tier=none") == ["nobody"]
    assert handles(seller, "source=collaboration_request") == ["diamond_req", "gold_req"]
    assert handles(seller, "status=contacted") == ["gold_im"]
    assert handles(seller, "search=@GOLD_") == ["gold_im", "gold_req"]
    assert handles(seller, "tier=gold&tier=silver&followers=10k-100k&source=instant_message") == [
        "silver_im"
    ]
    assert handles(seller, "tier=ruby") == []


def test_sorting_and_request_time_range(seller, partner_a):
    now = timezone.now()
    lead(partner_a, "old", followers=5, requested_at=now - dt.timedelta(days=10))
    lead(partner_a, "new", Tier.GOLD, followers=50, requested_at=now)
    lead(partner_a, "mid", Tier.SILVER, followers=500, requested_at=now - dt.timedelta(days=3))

    def order(query):
        return [
            r["creator"]["handle"] for r in seller.get(f"/api/v1/leads/?{query}").json()["results"]
        ]

    assert order("") == ["new", "mid", "old"]
    assert order("ordering=requested_at") == ["old", "mid", "new"]
    assert order("ordering=-followers") == ["mid", "new", "old"]
    assert order("ordering=-tier") == ["new", "mid", "old"]
    since = (now - dt.timedelta(days=5)).date().isoformat()
    assert handles(seller, f"requested_after={since}") == ["mid", "new"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("tier=mythic", "tier"),
        ("followers=5k-6k", "followers"),
        ("followers_min=abc", "followers_min"),
        ("followers_min=-1", "followers_min"),
        ("followers_min=500&followers_max=100", "followers_min"),
        ("source=email", "source"),
        ("status=won", "status"),
        ("ordering=-creator__secret", "ordering"),
        ("requested_after=yesterday", "requested_after"),
    ],
)
def test_bad_filters_answer_400_naming_the_parameter(seller, client, seller_a, query, field):
    response = seller.get(f"/api/v1/leads/?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]

    client.force_login(seller_a)
    page = client.get(f"/seller/leads/?{query}")
    assert page.status_code == 400
    message = response.json()["errors"][field][0]
    assert message.replace("'", "&#x27;") in page.content.decode()


def test_csv_export_has_exactly_the_filtered_rows_across_pages(seller, partner_a, partner_b):
    for i in range(30):
        lead(partner_a, f"gold_{i:02d}", Tier.GOLD, 20_000 + i)
    lead(partner_a, "bronze_x", Tier.BRONZE)
    lead(partner_b, "gold_other_partner", Tier.GOLD)

    response = seller.get("/api/v1/leads/export.csv?tier=gold&page=2")

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    listed = set()
    for page in (1, 2):
        listed |= {
            r["creator"]["handle"]
            for r in seller.get(f"/api/v1/leads/?tier=gold&page={page}").json()["results"]
        }
    assert {r["handle"] for r in rows} == listed and len(rows) == 30
    assert {r["tier"] for r in rows} == {"gold"}


def test_removed_leads_leave_the_pool(seller, partner_a, seller_a):
    kept = lead(partner_a, "kept")
    lead(partner_a, "gone", removed_at=timezone.now(), removed_by=seller_a)
    assert handles(seller) == ["kept"]
    assert seller.get(f"/api/v1/leads/{kept.pk}/").status_code == 200


def test_sellers_see_and_change_only_their_own_partners_leads(api_as, seller_b, partner_a):
    theirs = lead(partner_a, "alpha_only")
    other = api_as(seller_b)
    assert other.get("/api/v1/leads/").json()["count"] == 0
    assert other.get(f"/api/v1/leads/{theirs.pk}/").status_code == 404
    patch = other.patch(f"/api/v1/leads/{theirs.pk}/", {"status": "closed"}, format="json")
    assert patch.status_code == 404
    export = b"".join(other.get("/api/v1/leads/export.csv").streaming_content).decode()
    assert "alpha_only" not in export
    theirs.refresh_from_db()
    assert theirs.status == LeadStatus.NEW


def test_status_changes_by_patch_and_bad_values_name_the_field(seller, partner_a):
    one = lead(partner_a, "mover")
    response = seller.patch(f"/api/v1/leads/{one.pk}/", {"status": "contacted"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "contacted"
    bad = seller.patch(f"/api/v1/leads/{one.pk}/", {"status": "won"}, format="json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["status"]
    readonly = seller.patch(f"/api/v1/leads/{one.pk}/", {"source": "x"}, format="json")
    assert readonly.status_code == 400 and list(readonly.json()["errors"]) == ["source"]
    one.refresh_from_db()
    assert one.status == LeadStatus.CONTACTED and one.events.count() == 1


def test_query_count_is_constant_whatever_the_page_size(
    seller, client, seller_a, partner_a, django_assert_max_num_queries
):
    for i in range(5):
        lead(partner_a, f"few_{i}")
    with django_assert_max_num_queries(5):
        assert seller.get("/api/v1/leads/").json()["count"] == 5
    for i in range(45):
        lead(partner_a, f"many_{i}")
    with django_assert_max_num_queries(5):
        assert len(seller.get("/api/v1/leads/?page_size=50").json()["results"]) == 50
    client.force_login(seller_a)
    with django_assert_max_num_queries(9):
        page = client.get("/seller/leads/").content.decode()
    assert page.count('<tr id="lead-') == 25


def test_the_page_shows_the_pool_to_its_sellers_only(client, seller_a, partner_a, creator_silver):
    lead(
        partner_a,
        "shown_here",
        Tier.GOLD,
        123_456,
        source=LeadSource.COLLABORATION_REQUEST,
        licensed_data={
            "live_gmv_30d": "7000.00",
            "live_sessions_30d": 4,
            "average_viewers": 90,
            "top_categories": ["Beauty"],
        },
        authorization_expires_at=timezone.now() + dt.timedelta(days=2, hours=4, minutes=5),
    )
    client.force_login(seller_a)
    page = client.get("/seller/leads/").content.decode()
    assert "Seller Management &gt;" in page and "Seller leads pool" in page
    assert "Leads Pool" in page and "1 lead" in page
    assert "@shown_here" in page and "Gold" in page and "123,456" in page
    assert "Collaboration request" in page and "expires in 2 days 4 h" in page
    assert "$7,000.00" in page
    assert "No leads match these filters" in client.get("/seller/leads/?tier=ruby").content.decode()

    client.force_login(creator_silver.user)
    assert client.get("/seller/leads/").status_code == 403
    client.logout()
    assert client.get("/seller/leads/").status_code == 302


def test_inline_status_and_removal_from_the_page(client, seller_a, partner_a):
    one = lead(partner_a, "inline_me")
    client.force_login(seller_a)
    row = client.post(
        f"/seller/leads/{one.pk}/status/", {"status": "collaborating"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'value="collaborating" selected' in row
    row = client.post(
        f"/seller/leads/{one.pk}/status/", {"status": "bogus"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Unknown status" in row
    removed = client.post(f"/seller/leads/{one.pk}/remove/", HTTP_HX_REQUEST="true")
    assert "was removed from the Leads Pool" in removed.content.decode()
    one.refresh_from_db()
    assert one.removed_at is not None and one.removed_by == seller_a
    assert Lead.objects.filter(pk=one.pk).exists()
