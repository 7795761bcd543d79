"""Request to Collaborate: Silver gate on the server, one open request, 7-day authorization."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from leads.models import (
    CollaborationRequest,
    Lead,
    LeadSource,
    LeadStatus,
    Notification,
    NotificationKind,
)
from leads.services import lead_set_status
from tests.factories import CreatorDailyStatsFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def silver_feed(creator_silver):
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
    return api_as(creator.user).post(
        "/api/v1/collaboration-requests/",
        {"partner": partner.pk, "message": "Hi!", **body},
        format="json",
    )


@time_machine.travel(T0, tick=False)
def test_a_silver_request_lands_in_the_partner_pool_with_licensed_data(
    api_as, silver_feed, partner_a, seller_a
):
    response = submit(api_as, silver_feed, partner_a)

    assert response.status_code == 201
    body = response.json()
    assert body["authorization_expires_at"] == "2026-12-02T12:00:00Z"
    lead = Lead.objects.get(partner=partner_a, creator=silver_feed)
    assert lead.source == LeadSource.COLLABORATION_REQUEST and lead.status == LeadStatus.NEW
    assert lead.authorization_expires_at == T0 + dt.timedelta(days=7)
    assert lead.licensed_data["live_gmv_30d"] == "1500.00"
    assert lead.licensed_data["live_sessions_30d"] == 3
    assert lead.licensed_data["average_viewers"] == 100
    assert lead.licensed_data["top_categories"] == ["Beauty"]
    note = Notification.objects.get(partner=partner_a)
    assert note.kind == NotificationKind.NEW_REQUEST and "@creator_silver" in note.text
    pool = api_as(seller_a).get("/api/v1/leads/").json()["results"]
    assert pool[0]["licensed_data"]["live_gmv_30d"] == "1500.00"


@pytest.mark.parametrize("who", ["creator_bronze", "creator_none"])
def test_below_silver_is_refused_by_the_api_with_the_rule(request, api_as, partner_a, who):
    creator = request.getfixturevalue(who)

    response = submit(api_as, creator, partner_a)

    assert response.status_code == 403
    body = response.json()
    assert "Silver tier" in body["detail"] and "$1,000" in body["detail"]
    assert body["required_tier"] == "silver" and body["required_live_gmv_30d"] == "1000.00"
    assert body["tier"] == ("bronze" if who == "creator_bronze" else None)
    assert not Lead.objects.exists() and not CollaborationRequest.objects.exists()


def test_the_below_silver_page_explains_and_offers_im(client, creator_bronze, partner_a):
    client.force_login(creator_bronze.user)

    page = client.get(f"/ec/partners/{partner_a.slug}/request/").content.decode()

    assert "Formal requests need Silver tier" in page
    assert "30-day LIVE GMV ≥ $1,000" in page
    assert "Bronze" in page and "$420.00" in page
    assert "$580.00 more 30-day LIVE GMV to reach Silver" in page
    assert f"/ec/messages/start/{partner_a.pk}/" in page
    # Bypassing the page with a POST changes nothing.
    response = client.post(f"/ec/partners/{partner_a.slug}/request/", {"consent": "on"})
    assert response.status_code == 403 and not Lead.objects.exists()


def test_double_submission_gives_one_request_and_one_lead(api_as, client, silver_feed, partner_a):
    first = submit(api_as, silver_feed, partner_a)
    second = submit(api_as, silver_feed, partner_a)
    client.force_login(silver_feed.user)
    page = client.post(f"/ec/partners/{partner_a.slug}/request/", {"consent": "on"})

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert page.status_code == 302 and page["Location"].endswith("?repeat=1")
    assert CollaborationRequest.objects.count() == 1 and Lead.objects.count() == 1
    assert Notification.objects.count() == 1


def test_the_page_form_needs_consent_and_shows_the_result(client, silver_feed, partner_a):
    client.force_login(silver_feed.user)
    url = f"/ec/partners/{partner_a.slug}/request/"

    refused = client.post(url, {"message": "hello"})
    assert refused.status_code == 400
    assert "Tick the box" in refused.content.decode() and not Lead.objects.exists()

    done = client.post(url, {"message": "hello", "consent": "on"}, follow=True)
    page = done.content.decode()
    assert "Request submitted" in page and "Alpha LIVE Agency" in page
    assert "$1,500.00" in page and "(7 days)" in page


def test_the_api_validates_fields(api_as, silver_feed, partner_a):
    response = api_as(silver_feed.user).post(
        "/api/v1/collaboration-requests/", {"partner": 999_999}, format="json"
    )
    assert response.status_code == 400 and "partner" in response.json()["errors"]
    response = submit(api_as, silver_feed, partner_a, message="x" * 2001)
    assert response.status_code == 400 and "message" in response.json()["errors"]
    response = submit(api_as, silver_feed, partner_a, consent=False)
    assert response.status_code == 400 and "consent" in response.json()["errors"]


def test_sellers_cannot_submit_and_creators_see_only_their_own(
    api_as, silver_feed, creator_bronze, partner_a, seller_a
):
    assert submit(api_as, type("X", (), {"user": seller_a}), partner_a).status_code == 403
    own = submit(api_as, silver_feed, partner_a).json()["id"]
    assert (
        api_as(creator_bronze.user).get(f"/api/v1/collaboration-requests/{own}/").status_code == 404
    )
    assert api_as(creator_bronze.user).get("/api/v1/collaboration-requests/").json()["count"] == 0
    client = api_as(creator_bronze.user)
    assert client.get(f"/ec/requests/{own}/").status_code == 404


def test_licensed_data_disappears_at_exactly_seven_days_before_the_job_runs(
    api_as, silver_feed, partner_a, seller_a
):
    with time_machine.travel(T0, tick=False):
        submit(api_as, silver_feed, partner_a)
    seller = api_as(seller_a)

    with time_machine.travel(T0 + dt.timedelta(days=7, seconds=-1), tick=False):
        lead = seller.get("/api/v1/leads/").json()["results"][0]
        assert lead["licensed_data"] is not None and lead["authorization_active"] is True
    with time_machine.travel(T0 + dt.timedelta(days=7, seconds=1), tick=False):
        lead = seller.get("/api/v1/leads/").json()["results"][0]
        assert lead["licensed_data"] is None and lead["authorization_active"] is False
        csv = b"".join(seller.get("/api/v1/leads/export.csv").streaming_content).decode()
        assert "1500.00" not in csv
        assert Lead.objects.get().authorization_expired_at is None  # the job has not run


def test_the_expiry_job_marks_and_notifies_once(api_as, silver_feed, partner_a):
    with time_machine.travel(T0, tick=False):
        submit(api_as, silver_feed, partner_a)
    with time_machine.travel(T0 + dt.timedelta(days=8), tick=False):
        call_command("expire_authorizations")
        call_command("expire_authorizations")
    expired = Notification.objects.filter(kind=NotificationKind.AUTHORIZATION_EXPIRED)
    assert expired.count() == 1 and "@creator_silver" in expired.get().text
    lead = Lead.objects.get()
    assert lead.authorization_expired_at is not None and lead.removed_at is None
    assert CollaborationRequest.objects.get().is_open is False


def test_a_new_request_after_expiry_or_closing_renews_the_same_lead(
    api_as, silver_feed, partner_a, seller_a
):
    with time_machine.travel(T0, tick=False):
        first = submit(api_as, silver_feed, partner_a).json()
    later = T0 + dt.timedelta(days=9)
    with time_machine.travel(later, tick=False):
        renewed = submit(api_as, silver_feed, partner_a)
        assert renewed.status_code == 201 and renewed.json()["id"] != first["id"]
        lead = Lead.objects.get()
        assert lead.authorization_expires_at == later + dt.timedelta(days=7)
        assert lead.authorization_expired_at is None
        lead_set_status(lead=lead, status=LeadStatus.CLOSED, user=seller_a)
        again = submit(api_as, silver_feed, partner_a)
    assert again.status_code == 201
    assert Lead.objects.count() == 1 and CollaborationRequest.objects.count() == 3
    assert Lead.objects.get().status == LeadStatus.NEW


def test_the_creator_sees_the_seller_move_their_request(
    api_as, client, silver_feed, partner_a, seller_a
):
    submitted = submit(api_as, silver_feed, partner_a).json()
    assert submitted["status"] == "Submitted"
    lead = Lead.objects.get()
    api_as(seller_a).patch(f"/api/v1/leads/{lead.pk}/", {"status": "contacted"}, format="json")

    assert (
        api_as(silver_feed.user)
        .get(f"/api/v1/collaboration-requests/{submitted['id']}/")
        .json()["status"]
        == "Contacted"
    )
    client.force_login(silver_feed.user)
    assert "Contacted" in client.get("/ec/requests/").content.decode()


def test_other_partners_sellers_never_see_the_request(api_as, silver_feed, partner_a, seller_b):
    submit(api_as, silver_feed, partner_a)
    lead = Lead.objects.get()
    other = api_as(seller_b)
    assert other.get(f"/api/v1/leads/{lead.pk}/").status_code == 404
    assert other.get("/api/v1/leads/").json()["count"] == 0


def test_top_live_partner_is_a_vip_list_for_silver_plus(
    client, creator_silver, creator_bronze, partner_a, partner_b, django_assert_max_num_queries
):
    client.force_login(creator_silver.user)
    with django_assert_max_num_queries(6):
        page = client.get("/ec/partners/").content.decode()
    assert "Top LIVE Partner" in page and "VIP benefit" in page
    assert "Alpha LIVE Agency" in page and "Bravo Creators" in page
    assert "Bravo" not in client.get("/ec/partners/?q=alpha").content.decode()

    client.force_login(creator_bronze.user)
    page = client.get("/ec/partners/").content.decode()
    assert "Top LIVE Partner is a VIP benefit for Silver-tier+ creators" in page
    assert "Alpha LIVE Agency" in page  # every creator can still reach a partner's page
    assert client.get(f"/ec/partners/{partner_a.slug}/").status_code == 200


def test_admin_shows_expired_licensed_data_as_hidden(client, silver_feed, partner_a):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *__import__(
            "django.contrib.auth.models", fromlist=["Permission"]
        ).Permission.objects.filter(codename__in=["view_lead"])
    )
    with time_machine.travel(T0, tick=False):
        from leads.services import collaboration_request_submit

        collaboration_request_submit(creator=silver_feed, partner=partner_a)
    client.force_login(staff)
    lead = Lead.objects.get()
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        page = client.get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()
        assert (
            "1500.00" in page
            and "active until" in client.get("/admin/leads/lead/").content.decode()
        )
    with time_machine.travel(T0 + dt.timedelta(days=7, seconds=1), tick=False):
        page = client.get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()
        assert "expired — hidden" in page and "1500.00" not in page
