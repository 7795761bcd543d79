"""Email preferences: the page and the API, per role; switching email off (issue 20)."""

import datetime as dt

import time_machine

from im.models import Side
from im.services import message_send, thread_open
from leads.models import ExpiryDigest
from leads.services import collaboration_request_submit, expiry_digest_send
from notifications.models import Notification, NotificationPreference

from .conftest import T0, text

PREFS = "/api/v1/notification-preferences/"
CREATOR_KINDS = {
    "partner_replied",
    "request_status_changed",
    "authorization_ending",
    "authorization_ended",
}


def test_each_role_gets_its_own_kinds(api_as, creator_silver, seller_a):
    creator = api_as(creator_silver.user).get(PREFS).json()
    assert set(creator) == CREATOR_KINDS
    assert all(value == {"email": True} for value in creator.values())
    seller = api_as(seller_a).get(PREFS).json()
    assert "daily_digest" in seller and "new_request" in seller
    assert not CREATOR_KINDS & set(seller)


def test_patch_switches_email_and_refuses_what_it_does_not_know(api_as, creator_silver):
    api = api_as(creator_silver.user)
    answer = api.patch(PREFS, {"partner_replied": {"email": False}}, format="json")
    assert answer.status_code == 200 and answer.json()["partner_replied"] == {"email": False}
    bad = api.patch(PREFS, {"new_request": {"email": False}}, format="json")
    assert bad.status_code == 400 and "new_request" in bad.json()["errors"]
    bad = api.patch(PREFS, {"partner_replied": {"email": "no"}}, format="json")
    assert bad.status_code == 400 and "partner_replied" in bad.json()["errors"]
    assert NotificationPreference.objects.filter(user=creator_silver.user).count() == 1


@time_machine.travel(T0, tick=False)
def test_switched_off_email_still_notifies_in_app(
    api_as, creator_silver, partner_a, seller_a, mailoutbox, django_capture_on_commit_callbacks
):
    creator_silver.user.email = "silver@example.com"
    creator_silver.user.save()
    api_as(creator_silver.user).patch(PREFS, {"partner_replied": {"email": False}}, format="json")
    collaboration_request_submit(creator=creator_silver, partner=partner_a)
    thread = thread_open(partner=partner_a, creator=creator_silver)[0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message_send(thread=thread, sender=seller_a, side=Side.SELLER, body="Hello!")
    assert callbacks  # the commit ran its callbacks (the responsiveness refresh at least)
    assert Notification.objects.filter(user=creator_silver.user).count() == 1
    assert mailoutbox == []


def test_the_page_for_either_role(client, creator_silver, seller_a):
    client.force_login(creator_silver.user)
    page = text(client.get("/accounts/notifications/"))
    assert "The partner replied" in page and "Daily digest" not in page
    client.post("/accounts/notifications/", {"email": ["partner_replied"]})
    off = set(
        NotificationPreference.objects.filter(user=creator_silver.user, email=False).values_list(
            "kind", flat=True
        )
    )
    assert off == CREATOR_KINDS - {"partner_replied"}
    client.force_login(seller_a)
    assert "Daily digest" in text(client.get("/accounts/notifications/"))


def test_a_seller_can_stop_the_daily_digest(
    api_as, creator_silver, partner_a, seller_a, mailoutbox, django_capture_on_commit_callbacks
):
    seller_a.email = "seller_a@example.com"
    seller_a.save()
    with time_machine.travel(T0, tick=False):
        collaboration_request_submit(creator=creator_silver, partner=partner_a)
    at = T0 + dt.timedelta(days=5, hours=20)  # within the digest's 48 hours
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        expiry_digest_send(now=at)
    assert [m.to for m in mailoutbox] == [["seller_a@example.com"]]  # on by default
    mailoutbox.clear()
    ExpiryDigest.objects.all().delete()
    api_as(seller_a).patch(PREFS, {"daily_digest": {"email": False}}, format="json")
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        expiry_digest_send(now=at)
    assert mailoutbox == []
