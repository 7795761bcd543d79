"""The Leads Pool API: lead shape, bad filters, isolation, status, licensed data, queries."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from core.clock import business_today
from creators.models import Tier
from leads import services
from leads.models import Lead, LeadEvent, LeadSource, LeadStatus
from tests.factories import CreatorDailyStatsFactory, CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db

BAD_FILTERS = [
    ("tier=mythic", "tier"),
    ("tier=gold&tier=", "tier"),
    ("followers=5k-6k", "followers"),
    ("followers_min=abc", "followers_min"),
    ("followers_min=-1", "followers_min"),
    ("followers_min=1.5", "followers_min"),
    ("followers_max=lots", "followers_max"),
    ("followers_min=500&followers_max=100", "followers_min"),
    ("source=email", "source"),
    ("status=won", "status"),
    ("ordering=-creator__secret", "ordering"),
    ("ordering=id", "ordering"),
    ("requested_after=yesterday", "requested_after"),
    ("requested_before=2026-13-01", "requested_before"),
    ("requested_after=2026-02-10&requested_before=2026-02-01", "requested_after"),
    ("search=" + "x" * 65, "search"),
]


def lead(partner, handle, tier=Tier.BRONZE, followers=1_000, **extra):
    creator = CreatorFactory(handle=handle, tier=tier, follower_count=followers)
    return LeadFactory(partner=partner, creator=creator, **extra)


@pytest.fixture
def seller(api_as, seller_a):
    return api_as(seller_a)


@pytest.mark.parametrize(("query", "field"), BAD_FILTERS)
@pytest.mark.parametrize("path", ["/api/v1/leads/", "/api/v1/leads/export.csv"])
def test_bad_filters_answer_400_naming_the_parameter(seller, partner_a, path, query, field):
    lead(partner_a, "present")
    response = seller.get(f"{path}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["errors"][field][0]
    assert field in body["detail"]


def test_a_lead_carries_the_contract_fields(seller, partner_a):
    creator = CreatorFactory(handle="glow_up", display_name="Glow Up", tier=Tier.GOLD)
    one = LeadFactory(
        partner=partner_a,
        creator=creator,
        creator_follower_count=123_456,
        source=LeadSource.COLLABORATION_REQUEST,
    )
    LeadFactory(partner=partner_a, creator=CreatorFactory(handle="plain", tier=Tier.NON_TIERED))

    rows = {r["creator"]["handle"]: r for r in seller.get("/api/v1/leads/").json()["results"]}
    assert rows["glow_up"] == seller.get(f"/api/v1/leads/{one.pk}/").json()
    assert rows["glow_up"] == {
        "id": one.pk,
        "creator": {
            "handle": "glow_up",
            "display_name": "Glow Up",
            "tier": "gold",
            "tier_label": "Gold",
            "follower_count": 123_456,
            "avatar_url": None,
        },
        "source": "collaboration_request",
        "source_label": "Collaboration request",
        "status": "new",
        "requested_at": one.requested_at.isoformat().replace("+00:00", "Z"),
        "authorization_expires_at": None,
        "authorization_active": False,
        "licensed_data": None,
        "message": None,
        "owner": None,
        "notes_count": 0,
        "response_due_at": None,
        "first_response_at": None,
        "next_task_due_at": None,
        "close_reason": None,
    }
    assert rows["plain"]["creator"]["tier"] is None
    assert rows["plain"]["creator"]["tier_label"] == "Non-tiered"
    assert rows["plain"]["source"] == "instant_message"


@pytest.fixture
def requested_lead(partner_a, creator_silver):
    """A real Request to Collaborate: the lead carries 7 days of licensed data."""
    for day in range(1, 4):
        CreatorDailyStatsFactory(
            creator=creator_silver,
            date=business_today() - dt.timedelta(days=day),
            live_gmv_usd=Decimal("500.00"),
            live_sessions=2,
            average_viewers=80,
            top_category="Beauty",
        )
    result = services.collaboration_request_submit(
        creator=creator_silver, partner=partner_a, message="Let's work", consent=True
    )
    return result.request.lead


def test_licensed_data_shows_while_authorized_and_vanishes_at_expiry_without_the_job(
    seller, requested_lead
):
    expires_at = requested_lead.authorization_expires_at
    url = f"/api/v1/leads/{requested_lead.pk}/"

    with time_machine.travel(expires_at - dt.timedelta(minutes=1), tick=False):
        detail = seller.get(url).json()
        listed = seller.get("/api/v1/leads/").json()["results"][0]
    assert detail["authorization_active"] is True
    assert detail["licensed_data"]["live_gmv_30d"] == "1500.00"
    assert detail["licensed_data"]["live_sessions_30d"] == 6
    assert detail["licensed_data"]["top_categories"] == ["Beauty"]
    assert listed["licensed_data"] == detail["licensed_data"]

    # At the expiry instant the data is gone, although the expiry job has not run.
    with time_machine.travel(expires_at, tick=False):
        detail = seller.get(url).json()
        listed = seller.get("/api/v1/leads/").json()["results"][0]
    requested_lead.refresh_from_db()
    assert requested_lead.collaboration_requests.get().is_open  # the job has not run
    assert requested_lead.licensed_data is not None
    assert detail["licensed_data"] is None and detail["authorization_active"] is False
    assert listed["licensed_data"] is None
    assert detail["authorization_expires_at"] is not None


def test_sellers_see_and_change_only_their_own_partners_leads(
    api_as, seller_b, partner_a, partner_b
):
    theirs = lead(partner_a, "alpha_only")
    lead(partner_b, "bravo_own")
    other = api_as(seller_b)
    listed = other.get("/api/v1/leads/?page_size=100").json()
    assert [r["creator"]["handle"] for r in listed["results"]] == ["bravo_own"]
    assert other.get("/api/v1/leads/?search=alpha_only").json()["count"] == 0
    missing = other.get(f"/api/v1/leads/{theirs.pk}/")
    assert missing.status_code == 404 and "alpha_only" not in missing.content.decode()
    patch = other.patch(f"/api/v1/leads/{theirs.pk}/", {"status": "closed"}, format="json")
    assert patch.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == LeadStatus.NEW and not theirs.events.exists()


def test_status_moves_through_the_pipeline_by_patch(seller, seller_a, partner_a):
    one = lead(partner_a, "mover")
    url = f"/api/v1/leads/{one.pk}/"
    response = seller.patch(url, {"status": "contacted"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "contacted"
    assert response.json()["creator"]["handle"] == "mover"
    assert seller.get("/api/v1/leads/?status=contacted").json()["count"] == 1
    event = one.events.get()
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        LeadEvent.Kind.STATUS_CHANGED,
        "new",
        "contacted",
        seller_a,
    )
    assert seller.patch(url, {"status": "collaborating"}, format="json").status_code == 200
    one.refresh_from_db()
    assert one.status == LeadStatus.COLLABORATING


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "won"}, "status"),
        ({}, "status"),
        ({"status": "contacted", "source": "instant_message"}, "source"),
        ({"status": "contacted", "licensed_data": {"x": 1}}, "licensed_data"),
    ],
)
def test_bad_patches_answer_400_naming_the_field_and_change_nothing(seller, partner_a, body, field):
    one = lead(partner_a, "stays")
    response = seller.patch(f"/api/v1/leads/{one.pk}/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    one.refresh_from_db()
    assert one.status == LeadStatus.NEW and one.source == LeadSource.INSTANT_MESSAGE
    assert not one.events.exists()


def test_a_move_the_pipeline_forbids_names_status(seller, partner_a):
    one = lead(partner_a, "closed_one", status=LeadStatus.CLOSED)
    response = seller.patch(f"/api/v1/leads/{one.pk}/", {"status": "collaborating"}, format="json")
    assert response.status_code == 400
    assert "cannot move" in response.json()["errors"]["status"][0]


def test_removed_leads_cannot_be_patched(seller, partner_a, seller_a):
    gone = lead(partner_a, "gone", removed_at=timezone.now(), removed_by=seller_a)
    assert seller.patch(f"/api/v1/leads/{gone.pk}/", {"status": "closed"}).status_code == 404


def test_put_and_delete_are_not_offered(seller, partner_a):
    one = lead(partner_a, "fixed")
    assert seller.put(f"/api/v1/leads/{one.pk}/", {"status": "closed"}).status_code == 405
    assert seller.delete(f"/api/v1/leads/{one.pk}/").status_code == 405
    assert Lead.objects.in_pool().filter(pk=one.pk).exists()


def test_only_sellers_may_use_the_pool_api(api_as, creator_silver, admin_user, partner_a):
    one = lead(partner_a, "private")
    for user in (creator_silver.user, admin_user):
        client = api_as(user)
        for path in ("/api/v1/leads/", f"/api/v1/leads/{one.pk}/", "/api/v1/leads/export.csv"):
            response = client.get(path)
            assert response.status_code == 403, path
            assert "private" not in response.content.decode()
    anonymous = api_as(None).get("/api/v1/leads/")
    assert anonymous.status_code in (401, 403)
    assert "errors" in anonymous.json() or "detail" in anonymous.json()


def test_query_count_is_constant_whatever_the_page_size(
    seller, partner_a, django_assert_max_num_queries
):
    expires = timezone.now() + dt.timedelta(days=3)
    for i in range(5):
        lead(
            partner_a,
            f"few_{i}",
            Tier.GOLD,
            licensed_data={"live_gmv_30d": "1"},
            authorization_expires_at=expires,
        )
    # Session, user with partner, count, page.
    with django_assert_max_num_queries(4):
        assert len(seller.get("/api/v1/leads/?tier=gold").json()["results"]) == 5
    for i in range(45):
        lead(
            partner_a,
            f"many_{i}",
            Tier.GOLD,
            licensed_data={"live_gmv_30d": "1"},
            authorization_expires_at=expires,
        )
    with django_assert_max_num_queries(4):
        body = seller.get("/api/v1/leads/?tier=gold&page_size=50&search=_").json()
    assert len(body["results"]) == 50 and body["count"] == 50
    with django_assert_max_num_queries(4):
        assert seller.get(f"/api/v1/leads/{body['results'][0]['id']}/").status_code == 200


def test_the_schema_describes_filters_errors_and_the_csv(seller):
    schema = seller.get("/api/v1/schema/?format=json").json()
    listing = schema["paths"]["/api/v1/leads/"]["get"]
    export = schema["paths"]["/api/v1/leads/export.csv"]["get"]

    def enums(operation):
        found = {}
        for p in operation["parameters"]:
            items = p["schema"].get("items", p["schema"])
            found[p["name"]] = sorted(items.get("enum", []))
        return found

    for operation in (listing, export):
        params = enums(operation)
        assert params["tier"] == sorted(
            [
                "bronze",
                "silver",
                "gold",
                "platinum",
                "ruby",
                "emerald",
                "sapphire",
                "diamond",
                "none",
            ]
        )
        assert params["followers"] == sorted(["0-10k", "10k-100k", "100k-1m", "1m-10m", "10m+"])
        assert params["source"] == ["collaboration_request", "instant_message"]
        assert params["status"] == ["closed", "collaborating", "contacted", "new"]
        assert params["ordering"] == sorted(
            [
                "-requested_at",
                "requested_at",
                "-followers",
                "followers",
                "-tier",
                "tier",
                "authorization_expires_at",
                "next_task_due_at",
            ]
        )
        for name in (
            "followers_min",
            "followers_max",
            "search",
            "requested_after",
            "requested_before",
        ):
            assert name in params
        error = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}
    assert "page" in enums(listing) and "page" not in enums(export)
    assert list(export["responses"]["200"]["content"]) == ["text/csv"]
    patch = schema["paths"]["/api/v1/leads/{id}/"]["patch"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert list(schema["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]) == [
        "status",
        "owner",
    ]
    creator = schema["components"]["schemas"]["LeadCreator"]["properties"]
    assert {"handle", "display_name", "tier", "tier_label", "follower_count", "avatar_url"} <= set(
        creator
    )
