"""`GET /api/v1/leads/export.csv`: exactly the filtered rows, all pages, licensed data live only."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.http import StreamingHttpResponse
from django.utils import timezone

from creators.models import Tier
from leads.models import LeadSource
from tests.factories import CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db

COLUMNS = [
    "handle",
    "display_name",
    "tier",
    "followers",
    "source",
    "status",
    "requested_at",
    "authorization_expires_at",
    "live_gmv_30d",
    "live_sessions_30d",
    "average_viewers",
    "top_categories",
    "response_due_at",
    "first_response_at",
    "next_task_due_at",
]
LICENSED = {
    "live_gmv_30d": "7250.50",
    "live_sessions_30d": 12,
    "average_viewers": 340,
    "top_categories": ["Beauty", "Home"],
}


def lead(partner, handle, tier=Tier.BRONZE, followers=1_000, **extra):
    creator = CreatorFactory(handle=handle, tier=tier, follower_count=followers)
    return LeadFactory(partner=partner, creator=creator, **extra)


def export(client, query=""):
    response = client.get(f"/api/v1/leads/export.csv?{query}")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return response, list(csv.DictReader(io.StringIO(text))), text


def listed(client, query=""):
    """Every handle the list shows for a query, walking all its pages."""
    handles, url = [], f"/api/v1/leads/?page_size=7&{query}"
    while url:
        body = client.get(url).json()
        handles += [row["creator"]["handle"] for row in body["results"]]
        url = body["next"]
    return handles


@pytest.fixture
def seller(api_as, seller_a):
    return api_as(seller_a)


@pytest.fixture
def mixed_pool(partner_a, partner_b):
    now = timezone.now()
    for i in range(30):
        lead(
            partner_a,
            f"gold_{i:02d}",
            Tier.GOLD,
            20_000 + i * 1_000,
            requested_at=now - dt.timedelta(minutes=i),
        )
    for i in range(6):
        lead(partner_a, f"silver_{i}", Tier.SILVER, 5_000, source=LeadSource.COLLABORATION_REQUEST)
    lead(partner_a, "bronze_x", Tier.BRONZE)
    lead(partner_b, "gold_other_partner", Tier.GOLD)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "tier=gold",
        "tier=gold&followers=10k-100k&followers_min=30000",
        "tier=silver&tier=bronze&ordering=followers",
        "source=collaboration_request",
        "ordering=-followers&page=2&page_size=5",
        "search=gold_1",
        "tier=ruby",
    ],
)
def test_csv_rows_are_exactly_the_filtered_list_across_all_pages(seller, mixed_pool, query):
    _, rows, _ = export(seller, query)
    expected = listed(seller, query.replace("page=2&page_size=5", ""))
    assert [row["handle"] for row in rows] == expected
    assert "gold_other_partner" not in expected


def test_csv_columns_values_and_file_name(seller, partner_a):
    expires = timezone.now() + dt.timedelta(days=2)
    one = lead(
        partner_a,
        "csv_star",
        Tier.DIAMOND,
        12_345_678,
        source=LeadSource.COLLABORATION_REQUEST,
        licensed_data=LICENSED,
        authorization_expires_at=expires,
    )
    one.creator.display_name = "=HYPERLINK(evil)"
    one.creator.save()
    lead(partner_a, "plain_im", Tier.NON_TIERED, 12)

    with time_machine.travel(dt.datetime(2026, 1, 10, 6, 0, tzinfo=dt.UTC), tick=False):
        response, rows, text = export(seller, "ordering=-followers")
    assert response["Content-Type"].startswith("text/csv")
    # The business date (U.S. Pacific) is still January 9 at 06:00 UTC.
    assert response["Content-Disposition"] == 'attachment; filename="leads-alpha-2026-01-09.csv"'
    assert text.splitlines()[0] == ",".join(COLUMNS)
    star, plain = rows
    assert star == {
        "handle": "csv_star",
        "display_name": "'=HYPERLINK(evil)",
        "tier": "diamond",
        "followers": "12345678",
        "source": "collaboration_request",
        "status": "new",
        "requested_at": one.requested_at.isoformat(),
        "authorization_expires_at": expires.isoformat(),
        "live_gmv_30d": "7250.50",
        "live_sessions_30d": "12",
        "average_viewers": "340",
        "top_categories": "Beauty; Home",
        "response_due_at": "",
        "first_response_at": "",
        "next_task_due_at": "",
    }
    assert plain["tier"] == "" and plain["source"] == "instant_message"
    assert [plain[c] for c in COLUMNS[7:]] == [""] * 8


def test_expired_licensed_data_is_left_out_of_the_csv(seller, partner_a):
    now = timezone.now()
    lead(
        partner_a,
        "live_one",
        licensed_data=LICENSED,
        authorization_expires_at=now + dt.timedelta(hours=1),
    )
    lead(
        partner_a,
        "expired_one",
        licensed_data=LICENSED,
        authorization_expires_at=now - dt.timedelta(seconds=1),
    )
    _, rows, text = export(seller)
    by_handle = {row["handle"]: row for row in rows}
    assert by_handle["live_one"]["live_gmv_30d"] == "7250.50"
    assert by_handle["expired_one"]["authorization_expires_at"] != ""
    assert [by_handle["expired_one"][c] for c in COLUMNS[8:12]] == ["", "", "", ""]
    assert text.count("7250.50") == 1

    with time_machine.travel(now + dt.timedelta(hours=2), tick=False):
        _, rows, text = export(seller)
    assert "7250.50" not in text and "Beauty" not in text


def test_another_partners_leads_never_reach_the_csv(api_as, seller_b, partner_a, partner_b):
    lead(
        partner_a,
        "alpha_secret",
        Tier.GOLD,
        licensed_data=LICENSED,
        authorization_expires_at=timezone.now() + dt.timedelta(days=1),
    )
    lead(partner_b, "bravo_own", Tier.GOLD)
    response, rows, text = export(api_as(seller_b), "tier=gold")
    assert [row["handle"] for row in rows] == ["bravo_own"]
    assert "alpha_secret" not in text and "7250.50" not in text
    assert 'filename="leads-bravo-' in response["Content-Disposition"]


def test_the_export_streams_in_constant_queries(seller, partner_a, django_assert_max_num_queries):
    for i in range(60):
        lead(partner_a, f"bulk_{i}", Tier.GOLD)
    with django_assert_max_num_queries(3):
        _, rows, _ = export(seller, "tier=gold")
    assert len(rows) == 60
