"""Creator notifications: each kind once, the bell, the page, isolation, email (issue 20)."""

import datetime as dt

import time_machine

from creators.models import Tier
from im.models import Side
from im.services import message_send, thread_open
from leads.models import CloseReason, LeadStatus
from leads.services import (
    authorizations_expire,
    collaboration_request_submit,
    expiring_authorizations_remind,
    lead_set_status,
)
from notifications.models import Notification, NotificationKind
from tests.factories import CreatorUserFactory

from .conftest import T0, text

NOTES = "/api/v1/notifications/"


def _creator_notes(creator):
    return list(Notification.objects.filter(user=creator.user, partner__isnull=True))


@time_machine.travel(T0, tick=False)
def test_partner_replied_once_with_a_badge_and_an_email(
    client,
    api_as,
    creator_silver,
    partner_a,
    seller_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    creator_silver.user.email = "silver@example.com"
    creator_silver.user.save()
    request = collaboration_request_submit(creator=creator_silver, partner=partner_a).request
    thread = thread_open(partner=partner_a, creator=creator_silver)[0]
    with django_capture_on_commit_callbacks(execute=True):
        message_send(thread=thread, sender=seller_a, side=Side.SELLER, body="Hello!")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(thread=thread, sender=seller_a, side=Side.SELLER, body="Still there?")
    (note,) = _creator_notes(creator_silver)
    assert note.kind == NotificationKind.PARTNER_REPLIED
    assert note.text == "Alpha LIVE Agency replied to your collaboration request."
    assert note.link == f"/ec/requests/{request.pk}/"
    assert [m.to for m in mailoutbox] == [["silver@example.com"]]
    assert f"/ec/requests/{request.pk}/" in mailoutbox[0].body
    # The bell and the page, for the creator.
    client.force_login(creator_silver.user)
    html = client.get("/ec/requests/").content.decode()
    assert 'data-testid="unread-count">1<' in html and "/ec/notifications/badge/" in html
    page = text(client.get("/ec/notifications/"))
    assert "Alpha LIVE Agency replied to your collaboration request." in page
    body = api_as(creator_silver.user).get(NOTES).json()
    assert [row["kind"] for row in body["results"]] == ["partner_replied"]
    assert body["results"][0]["is_read"] is False
    # Mark all read: the badge empties.
    client.post("/ec/notifications/read-all/", {})
    assert 'data-testid="unread-count"' not in client.get("/ec/requests/").content.decode()


@time_machine.travel(T0, tick=False)
def test_status_changes_and_a_close_with_its_reason(creator_silver, partner_a, seller_a):
    collaboration_request_submit(creator=creator_silver, partner=partner_a)
    lead = creator_silver.leads.get()
    lead_set_status(lead=lead, status=LeadStatus.CONTACTED, user=seller_a)
    lead_set_status(
        lead=lead,
        status=LeadStatus.CLOSED,
        user=seller_a,
        close_reason=(CloseReason.NOT_A_FIT, "Beauty only this quarter"),
    )
    texts = [n.text for n in reversed(_creator_notes(creator_silver))]
    assert texts == [
        "Alpha LIVE Agency moved your collaboration request to Contacted.",
        "Alpha LIVE Agency closed your collaboration request: not a fit for our brands right "
        "now (Beauty only this quarter).",
    ]
    assert {n.kind for n in _creator_notes(creator_silver)} == {"request_status_changed"}
    # The sellers' own notifications are not the creator's.
    assert not Notification.objects.filter(user=creator_silver.user, partner=partner_a).exists()


def test_authorization_ending_once_then_ended(creator_silver, partner_a, seller_a):
    with time_machine.travel(T0, tick=False):
        request = collaboration_request_submit(creator=creator_silver, partner=partner_a).request
    with time_machine.travel(T0 + dt.timedelta(days=6, hours=1), tick=False):
        expiring_authorizations_remind()
        expiring_authorizations_remind()  # a rerun tells nobody again
    (ending,) = _creator_notes(creator_silver)
    assert ending.kind == NotificationKind.AUTHORIZATION_ENDING
    assert "ends within 24 hours" in ending.text and "Renew" in ending.text
    assert ending.link == f"/ec/requests/{request.pk}/"
    with time_machine.travel(T0 + dt.timedelta(days=7, minutes=5), tick=False):
        authorizations_expire()
        authorizations_expire()
    ended = [n for n in _creator_notes(creator_silver) if n.kind == "authorization_ended"]
    assert len(ended) == 1
    assert ended[0].text == (
        "Your data sharing with Alpha LIVE Agency has ended; they no longer see it."
    )
    # The sellers still get their own expiry notice.
    assert Notification.objects.filter(partner=partner_a, kind="authorization_expired").exists()


@time_machine.travel(T0, tick=False)
def test_each_creator_sees_only_their_own(api_as, client, creator_silver, partner_a, seller_a):
    other = CreatorUserFactory(handle="other_gold", tier=Tier.GOLD, live_gmv_30d="9000.00")
    for creator in (creator_silver, other):
        collaboration_request_submit(creator=creator, partner=partner_a)
        lead_set_status(lead=creator.leads.get(), status=LeadStatus.CONTACTED, user=seller_a)
    mine = api_as(creator_silver.user).get(NOTES).json()["results"]
    assert len(mine) == 1
    theirs = Notification.objects.get(user=other.user)
    assert api_as(creator_silver.user).post(f"{NOTES}{theirs.pk}/read/").status_code == 404
    # Sellers do not see creators' notifications either.
    seller_kinds = {row["kind"] for row in api_as(seller_a).get(NOTES).json()["results"]}
    assert "request_status_changed" not in seller_kinds
    # Roles keep their own pages.
    client.force_login(creator_silver.user)
    assert client.get("/seller/notifications/").status_code == 403
    client.force_login(seller_a)
    assert client.get("/ec/notifications/").status_code == 403
