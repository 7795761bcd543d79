"""Renewal: inside and outside the 48-hour window, consent, below Silver, the seller's card."""

import datetime as dt
from decimal import Decimal

import time_machine

from creators.models import Tier
from im.models import Message, Thread
from leads.models import CollaborationRequest, LeadEvent
from leads.services import collaboration_request_submit
from notifications.models import Notification, NotificationKind
from tests.factories import CreatorDailyStatsFactory

from .conftest import T0, text

API = "/api/v1/collaboration-requests/"


def _request(creator, partner):
    with time_machine.travel(T0, tick=False):
        return collaboration_request_submit(creator=creator, partner=partner).request


def test_outside_the_window_is_a_400_naming_renew(api_as, creator_silver, partner_a):
    request = _request(creator_silver, partner_a)
    with time_machine.travel(T0 + dt.timedelta(days=4, hours=23), tick=False):
        answer = api_as(creator_silver.user).post(
            f"{API}{request.pk}/renew/", {"consent": True}, format="json"
        )
    assert answer.status_code == 400 and "renew" in answer.json()["errors"]
    request.refresh_from_db()
    assert request.authorization_expires_at == T0 + dt.timedelta(days=7)


def test_without_consent_is_a_400_naming_consent(api_as, creator_silver, partner_a):
    request = _request(creator_silver, partner_a)
    with time_machine.travel(T0 + dt.timedelta(days=6), tick=False):
        answer = api_as(creator_silver.user).post(f"{API}{request.pk}/renew/", {}, format="json")
    assert answer.status_code == 400 and "consent" in answer.json()["errors"]


def test_below_silver_at_that_moment_is_a_403_with_the_reason(api_as, creator_silver, partner_a):
    request = _request(creator_silver, partner_a)
    creator_silver.tier, creator_silver.live_gmv_30d = Tier.BRONZE, Decimal("325.00")
    creator_silver.save()
    with time_machine.travel(T0 + dt.timedelta(days=6), tick=False):
        answer = api_as(creator_silver.user).post(
            f"{API}{request.pk}/renew/", {"consent": True}, format="json"
        )
    assert answer.status_code == 403
    assert "Silver" in answer.json()["detail"] and answer.json()["tier"] == "bronze"


def test_inside_the_window_runs_seven_days_from_now_with_fresh_data(
    api_as, creator_silver, partner_a, seller_a
):
    request = _request(creator_silver, partner_a)
    at = T0 + dt.timedelta(days=6)
    CreatorDailyStatsFactory(
        creator=creator_silver, date=dt.date(2026, 11, 30), live_gmv_usd=Decimal("999.00")
    )
    with time_machine.travel(at, tick=False):
        answer = api_as(creator_silver.user).post(
            f"{API}{request.pk}/renew/", {"consent": True}, format="json"
        )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["id"] == request.pk and body["authorization_expires_at"].startswith("2026-12-08")
    request.refresh_from_db()
    assert request.authorization_expires_at == at + dt.timedelta(days=7)
    assert request.licensed_data["live_gmv_30d"] == "999.00"
    lead = request.lead
    lead.refresh_from_db()
    assert lead.authorization_expires_at == at + dt.timedelta(days=7)
    assert lead.licensed_data["live_gmv_30d"] == "999.00"
    assert lead.events.filter(kind=LeadEvent.Kind.RENEWED).count() == 1
    note = Notification.objects.get(partner=partner_a, kind=NotificationKind.RENEWED)
    assert "@creator_silver renewed" in note.text
    # The seller's lead API shows the new expiry.
    seller_view = api_as(seller_a).get(f"/api/v1/leads/{lead.pk}/").json()
    assert seller_view["authorization_expires_at"].startswith("2026-12-08")


def test_after_the_end_renewing_works_as_a_new_request(api_as, creator_silver, partner_a):
    request = _request(creator_silver, partner_a)
    with time_machine.travel(T0 + dt.timedelta(days=9), tick=False):
        answer = api_as(creator_silver.user).post(
            f"{API}{request.pk}/renew/", {"consent": True}, format="json"
        )
    assert answer.status_code == 200
    assert CollaborationRequest.objects.count() == 2
    assert answer.json()["authorization_expires_at"].startswith("2026-12-11")


def test_the_page_button_inside_the_window(client, creator_silver, partner_a):
    request = _request(creator_silver, partner_a)
    client.force_login(creator_silver.user)
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        assert "Renew for 7 days" not in text(client.get(f"/ec/requests/{request.pk}/"))
    with time_machine.travel(T0 + dt.timedelta(days=6), tick=False):
        assert "Renew for 7 days" in text(client.get(f"/ec/requests/{request.pk}/"))
        client.post(f"/ec/requests/{request.pk}/renew/", {})  # no consent: nothing changes
        request.refresh_from_db()
        assert request.authorization_expires_at == T0 + dt.timedelta(days=7)
        answer = client.post(f"/ec/requests/{request.pk}/renew/", {"consent": "on"})
        assert answer.status_code == 302
        request.refresh_from_db()
        assert request.authorization_expires_at == T0 + dt.timedelta(days=13)
        assert "Renewed" in text(client.get(answer["Location"]))


def test_the_seller_sends_a_renewal_card_within_the_window(
    api_as, creator_silver, partner_a, seller_a
):
    request = _request(creator_silver, partner_a)
    url = f"/api/v1/leads/{request.lead_id}/renewal-request/"
    with time_machine.travel(T0 + dt.timedelta(days=3), tick=False):
        early = api_as(seller_a).post(url)
    assert early.status_code == 400 and "renew" in early.json()["errors"]
    assert not Message.objects.exists()
    with time_machine.travel(T0 + dt.timedelta(days=6), tick=False):
        sent = api_as(seller_a).post(url)
    assert sent.status_code == 201
    (card,) = Message.objects.all()
    assert card.body.startswith("Renewal request: Alpha LIVE Agency asks you")
    assert f"/ec/requests/{request.pk}/" in card.body
    assert card.thread == Thread.objects.get(partner=partner_a, creator=creator_silver)
    assert request.lead.events.filter(kind=LeadEvent.Kind.RENEWAL_REQUESTED).count() == 1


def test_another_partners_lead_is_a_404_for_the_card(api_as, creator_silver, partner_a, seller_b):
    request = _request(creator_silver, partner_a)
    with time_machine.travel(T0 + dt.timedelta(days=6), tick=False):
        answer = api_as(seller_b).post(f"/api/v1/leads/{request.lead_id}/renewal-request/")
    assert answer.status_code == 404 and not Message.objects.exists()
