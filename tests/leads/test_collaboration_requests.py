"""Request to Collaborate through the API: Silver gate on the server, one open request, renewal."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from creators.models import Tier, TierThreshold
from leads.models import (
    CollaborationRequest,
    Lead,
    LeadEvent,
    LeadSource,
    LeadStatus,
)
from leads.services import lead_add, lead_remove, lead_set_status, silver_rule
from notifications.models import Notification, NotificationKind
from tests.factories import CreatorDailyStatsFactory, CreatorUserFactory, PartnerFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
URL = "/api/v1/collaboration-requests/"


@pytest.fixture
def silver_feed(creator_silver):
    """creator_silver with two feed days inside the 30 days before T0."""
    CreatorDailyStatsFactory(
        creator=creator_silver,
        date=dt.date(2026, 11, 20),
        live_gmv_usd=Decimal("800.00"),
        live_sessions=2,
        average_viewers=120,
        top_category="Beauty",
    )
    CreatorDailyStatsFactory(
        creator=creator_silver,
        date=dt.date(2026, 11, 21),
        live_gmv_usd=Decimal("700.00"),
        live_sessions=1,
        average_viewers=80,
        top_category="Beauty",
    )
    return creator_silver


def submit(api_as, creator, partner, **body):
    body = {"partner": partner.pk, "message": "Hi!", "consent": True, **body}
    return api_as(creator.user).post(URL, body, "json")


@time_machine.travel(T0, tick=False)
def test_a_silver_request_lands_in_the_partner_pool_with_licensed_data(
    api_as, silver_feed, partner_a, seller_a
):
    response = submit(api_as, silver_feed, partner_a, message="I host beauty LIVEs.")

    assert response.status_code == 201
    body = response.json()
    assert body["partner"] == {"id": partner_a.pk, "name": "Alpha LIVE Agency"}
    assert body["status"] == "new" and body["status_label"] == "New"
    assert body["message"] == "I host beauty LIVEs."
    assert body["submitted_at"] == "2026-11-25T12:00:00Z"
    assert body["authorization_expires_at"] == "2026-12-02T12:00:00Z"
    assert body["authorization_active"] is True
    assert body["licensed_data"]["live_gmv_30d"] == "1500.00"
    assert body["licensed_data"]["top_categories"] == ["Beauty"]

    lead = Lead.objects.get(partner=partner_a, creator=silver_feed)
    assert lead.source == LeadSource.COLLABORATION_REQUEST and lead.status == LeadStatus.NEW
    assert lead.requested_at == T0
    assert lead.authorization_expires_at == T0 + dt.timedelta(days=7)
    assert lead.creator_tier == Tier.SILVER and lead.creator_follower_count == 25_000
    assert lead.licensed_data == {
        "live_gmv_30d": "1500.00",
        "live_sessions_30d": 3,
        "average_viewers": 100,
        "top_categories": ["Beauty"],
        "window_start": "2026-10-26",
        "window_end": "2026-11-24",
    }
    request = CollaborationRequest.objects.get()
    assert request.lead == lead and request.consent_given and request.is_open
    assert request.licensed_data == lead.licensed_data
    assert request.authorization_expires_at == request.submitted_at + dt.timedelta(days=7)
    note = Notification.objects.get(partner=partner_a)
    assert note.kind == NotificationKind.NEW_REQUEST and "@creator_silver" in note.text
    assert note.lead_id == lead.pk and note.link == f"/seller/leads/{lead.pk}/"
    assert lead.events.get().kind == LeadEvent.Kind.REQUESTED
    # The seller sees it in the Leads Pool, with the licensed data.
    pool = api_as(seller_a).get("/api/v1/leads/").json()["results"]
    assert [row["creator"]["handle"] for row in pool] == ["creator_silver"]
    assert pool[0]["source"] == "collaboration_request"
    assert pool[0]["licensed_data"]["live_gmv_30d"] == "1500.00"


@pytest.mark.parametrize("who", ["creator_bronze", "creator_none"])
def test_below_silver_is_refused_by_the_api_with_the_rule(request, api_as, partner_a, who):
    creator = request.getfixturevalue(who)

    response = submit(api_as, creator, partner_a)

    assert response.status_code == 403
    assert response.json() == {
        "detail": silver_rule(),
        "tier": "bronze" if who == "creator_bronze" else None,
        "live_gmv_30d": "420.00" if who == "creator_bronze" else "0.00",
        "required_tier": "silver",
        "required_live_gmv_30d": "1000.00",
    }
    assert "Silver tier" in silver_rule() and "$1,000" in silver_rule()
    assert not Lead.objects.exists() and not CollaborationRequest.objects.exists()
    assert not Notification.objects.exists()


def test_below_silver_is_refused_even_without_consent(api_as, creator_bronze, partner_a):
    response = submit(api_as, creator_bronze, partner_a, consent=False)
    assert response.status_code == 403 and response.json()["required_tier"] == "silver"


def test_the_refusal_quotes_the_admin_edited_silver_threshold(api_as, creator_bronze, partner_a):
    TierThreshold.objects.update_or_create(
        tier=Tier.SILVER, defaults={"min_live_gmv_usd": Decimal("1200.00")}
    )
    assert submit(api_as, creator_bronze, partner_a).json()["required_live_gmv_30d"] == "1200.00"


def test_a_refreshed_silver_creator_can_request_whatever_gmv_did_since(api_as, partner_a):
    # The tier holds until the next refresh: a Silver creator whose GMV fell still qualifies.
    creator = CreatorUserFactory(tier=Tier.SILVER, live_gmv_30d="10.00")
    assert submit(api_as, creator, partner_a).status_code == 201


def test_double_submission_gives_one_request_and_one_lead(api_as, silver_feed, partner_a):
    first = submit(api_as, silver_feed, partner_a)
    second = submit(api_as, silver_feed, partner_a, message="Again")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()  # the open request, unchanged
    assert CollaborationRequest.objects.count() == 1 and Lead.objects.count() == 1
    assert Notification.objects.count() == 1


def test_one_creator_may_request_several_partners(api_as, silver_feed, partner_a, partner_b):
    assert submit(api_as, silver_feed, partner_a).status_code == 201
    assert submit(api_as, silver_feed, partner_b).status_code == 201
    assert sorted(Lead.objects.values_list("partner__slug", flat=True)) == ["alpha", "bravo"]


def test_the_api_validates_fields(api_as, silver_feed, partner_a):
    client = api_as(silver_feed.user)
    hidden = PartnerFactory(is_listed=False)
    for partner in [999_999, "abc", hidden.pk, None]:
        response = client.post(URL, {"partner": partner}, format="json")
        assert response.status_code == 400 and "partner" in response.json()["errors"]
    response = client.post(URL, {}, format="json")
    assert response.status_code == 400 and "partner" in response.json()["errors"]
    response = submit(api_as, silver_feed, partner_a, message="x" * 2001)
    assert response.status_code == 400 and "message" in response.json()["errors"]
    response = submit(api_as, silver_feed, partner_a, consent=False)
    assert response.status_code == 400 and "consent" in response.json()["errors"]
    assert not Lead.objects.exists()
    assert submit(api_as, silver_feed, partner_a, message="x" * 2000).status_code == 201


def test_a_request_without_consent_true_is_refused_naming_consent(api_as, silver_feed, partner_a):
    client = api_as(silver_feed.user)
    for body in [{}, {"consent": False}, {"consent": None}, {"consent": "maybe"}]:
        response = client.post(URL, {"partner": partner_a.pk, **body}, format="json")
        assert response.status_code == 400, body
        assert list(response.json()["errors"]) == ["consent"], body
    assert not CollaborationRequest.objects.exists() and not Lead.objects.exists()
    response = client.post(URL, {"partner": partner_a.pk, "consent": True}, format="json")
    assert response.status_code == 201 and CollaborationRequest.objects.get().consent_given


def test_only_creators_may_use_the_api(api_as, partner_a, seller_a, admin_user):
    for user in [seller_a, admin_user]:
        client = api_as(user)
        response = client.post(URL, {"partner": partner_a.pk}, format="json")
        assert response.status_code == 403 and "creators" in response.json()["detail"]
        assert client.get(URL).status_code == 403
    assert api_as(None).post(URL, {"partner": partner_a.pk}, format="json").status_code in (
        401,
        403,
    )
    assert not Lead.objects.exists()


def test_creators_list_and_read_only_their_own(
    api_as, silver_feed, partner_a, partner_b, django_assert_max_num_queries
):
    other = CreatorUserFactory(tier=Tier.GOLD)
    theirs = submit(api_as, other, partner_a).json()["id"]
    with time_machine.travel(T0, tick=False):
        older = submit(api_as, silver_feed, partner_a).json()["id"]
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        newer = submit(api_as, silver_feed, partner_b).json()["id"]
    client = api_as(silver_feed.user)

    with django_assert_max_num_queries(6):
        listing = client.get(URL).json()
    assert listing["count"] == 2
    assert [row["id"] for row in listing["results"]] == [newer, older]  # newest first
    assert client.get(f"{URL}{older}/").json()["partner"]["name"] == "Alpha LIVE Agency"
    response = client.get(f"{URL}{theirs}/")
    assert response.status_code == 404 and "detail" in response.json()


def test_the_creator_sees_the_seller_move_their_request(api_as, silver_feed, partner_a, seller_a):
    submitted = submit(api_as, silver_feed, partner_a).json()
    lead = Lead.objects.get()
    mine = api_as(silver_feed.user)

    def status():
        return mine.get(f"{URL}{submitted['id']}/").json()["status"]

    api_as(seller_a).patch(f"/api/v1/leads/{lead.pk}/", {"status": "contacted"}, format="json")
    assert status() == "contacted"
    lead_set_status(lead=lead, status=LeadStatus.COLLABORATING, user=seller_a)
    assert status() == "collaborating"
    lead_set_status(lead=lead, status=LeadStatus.CLOSED, user=seller_a)
    assert status() == "closed"


def test_an_unanswered_request_reads_authorization_expired_after_seven_days(
    api_as, silver_feed, partner_a, seller_a
):
    with time_machine.travel(T0, tick=False):
        new = submit(api_as, silver_feed, partner_a).json()["id"]
    with time_machine.travel(T0 + dt.timedelta(days=7, seconds=1), tick=False):
        body = api_as(silver_feed.user).get(f"{URL}{new}/").json()
    assert body["status"] == "authorization_expired"
    assert body["status_label"] == "Authorization expired"
    assert body["authorization_active"] is False
    assert body["licensed_data"]["live_gmv_30d"] == "1500.00"  # the creator's own snapshot


def test_other_partners_sellers_never_see_the_request(api_as, silver_feed, partner_a, seller_b):
    submit(api_as, silver_feed, partner_a)
    lead = Lead.objects.get()
    other = api_as(seller_b)
    assert other.get(f"/api/v1/leads/{lead.pk}/").status_code == 404
    assert other.get("/api/v1/leads/").json()["count"] == 0
    assert other.get("/api/v1/notifications/").json()["count"] == 0


def test_a_new_request_after_expiry_or_closing_renews_the_same_lead(
    api_as, silver_feed, partner_a, seller_a
):
    with time_machine.travel(T0, tick=False):
        first = submit(api_as, silver_feed, partner_a).json()
    later = T0 + dt.timedelta(days=9)  # expired; the job has not run
    with time_machine.travel(later, tick=False):
        renewed = submit(api_as, silver_feed, partner_a)
        assert renewed.status_code == 201 and renewed.json()["id"] != first["id"]
        lead = Lead.objects.get()
        assert lead.authorization_expires_at == later + dt.timedelta(days=7)
        assert lead.visible_licensed_data() is not None
        assert CollaborationRequest.objects.get(pk=first["id"]).expired_at == later
        lead_set_status(lead=lead, status=LeadStatus.CLOSED, user=seller_a)
    closing = later + dt.timedelta(hours=1)
    with time_machine.travel(closing, tick=False):
        again = submit(api_as, silver_feed, partner_a)
    assert again.status_code == 201
    assert Lead.objects.count() == 1 and CollaborationRequest.objects.count() == 3
    lead = Lead.objects.get()
    assert lead.status == LeadStatus.NEW
    assert lead.authorization_expires_at == closing + dt.timedelta(days=7)
    assert CollaborationRequest.objects.filter(is_open=True).get().pk == again.json()["id"]
    kinds = list(lead.events.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds == ["requested", "renewed", "status_changed", "renewed"]
    # The earlier requests keep how they ended.
    history = {
        row["id"]: row["status"] for row in api_as(silver_feed.user).get(URL).json()["results"]
    }
    assert history == {
        first["id"]: "authorization_expired",
        renewed.json()["id"]: "closed",
        again.json()["id"]: "new",
    }
    assert Notification.objects.filter(kind=NotificationKind.NEW_REQUEST).count() == 3


def test_a_request_after_the_seller_removed_the_lead_puts_it_back_in_the_pool(
    api_as, silver_feed, partner_a, seller_a
):
    submit(api_as, silver_feed, partner_a)
    lead_remove(lead=Lead.objects.get(), user=seller_a)
    assert api_as(seller_a).get("/api/v1/leads/").json()["count"] == 0

    again = submit(api_as, silver_feed, partner_a)

    assert again.status_code == 201
    assert api_as(seller_a).get("/api/v1/leads/").json()["count"] == 1
    assert CollaborationRequest.objects.filter(is_open=True).count() == 1
    assert Lead.objects.get().events.first().kind == LeadEvent.Kind.REQUESTED


def test_a_request_from_an_im_lead_turns_it_into_a_collaboration_request(
    api_as, silver_feed, partner_a, seller_a
):
    lead, _ = lead_add(partner=partner_a, creator=silver_feed, user=seller_a)
    assert lead.source == LeadSource.INSTANT_MESSAGE

    assert submit(api_as, silver_feed, partner_a).status_code == 201

    lead.refresh_from_db()
    assert lead.source == LeadSource.COLLABORATION_REQUEST and lead.licensed_data
    assert Lead.objects.count() == 1
    # Its first request, not a renewal of an authorization it never had.
    assert lead.events.first().kind == LeadEvent.Kind.REQUESTED


def test_the_create_endpoint_is_throttled(api_as, silver_feed, partner_a, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"collaboration_request": "2/min"})
    cache.clear()
    codes = [submit(api_as, silver_feed, partner_a).status_code for _ in range(3)]
    assert codes == [201, 200, 429]
    assert api_as(silver_feed.user).get(URL).status_code == 200  # reads are not throttled


def test_the_schema_documents_the_answers(api_as, admin_user):
    schema = api_as(admin_user).get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    operation = schema.json()["paths"]["/api/v1/collaboration-requests/"]["post"]
    assert {"200", "201", "400", "403"} <= set(operation["responses"])
    forbidden = operation["responses"]["403"]["content"]["application/json"]["schema"]["$ref"]
    assert forbidden.endswith("/BelowSilver")
    components = schema.json()["components"]["schemas"]
    assert set(components["CollaborationRequest"]["properties"]) >= {
        "id",
        "partner",
        "status",
        "submitted_at",
        "authorization_expires_at",
        "licensed_data",
        "message",
    }
