"""Seller notifications: the API (own only, marking read), the page and the bell count."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import (
    Notification,
    NotificationKind,
    NotificationRead,
    NotificationReadMark,
)
from tests.factories import LeadFactory, NotificationFactory, SellerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

NOTES = "/api/v1/notifications/"


def remove_a_lead(api_as, seller, thread):
    api = api_as(seller)
    api.put(f"/api/v1/im/threads/{thread.pk}/lead")
    api.delete(f"/api/v1/im/threads/{thread.pk}/lead")


def test_the_api_lists_only_the_partners_own_newest_first(
    api_as, seller_a, seller_b, partner_a, partner_b
):
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        older = NotificationFactory(partner=partner_a, text="older")
    with time_machine.travel(dt.datetime(2026, 1, 6, 9, tzinfo=dt.UTC), tick=False):
        newer = NotificationFactory(partner=partner_a, text="newer")
    NotificationFactory(partner=partner_b, text="bravo's")
    colleague = SellerFactory(partner=partner_a).user
    NotificationFactory(partner=partner_a, user=colleague, text="for a colleague")

    body = api_as(seller_a).get(NOTES).json()
    assert [n["id"] for n in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0]["kind"] == "lead_removed" and body["results"][0]["is_read"] is False
    assert [n["text"] for n in api_as(seller_b).get(NOTES).json()["results"]] == ["bravo's"]


def test_marking_read_one_and_all(api_as, seller_a, seller_b, partner_a, partner_b):
    first, second = NotificationFactory(partner=partner_a), NotificationFactory(partner=partner_a)
    theirs = NotificationFactory(partner=partner_b)
    colleague = SellerFactory(partner=partner_a).user
    personal = NotificationFactory(partner=partner_a, user=colleague)
    api = api_as(seller_a)
    assert api.get(f"{NOTES}?unread=true").json()["count"] == 2

    # Another partner's notification does not exist for this seller.
    assert api.post(f"{NOTES}{theirs.pk}/read/").status_code == 404
    assert api.post(f"{NOTES}{personal.pk}/read/").status_code == 404

    marked = api.post(f"{NOTES}{first.pk}/read/")
    assert marked.status_code == 200 and marked.json()["is_read"] is True
    assert marked.json()["read_at"] is not None
    assert [n["id"] for n in api.get(f"{NOTES}?unread=true").json()["results"]] == [second.pk]
    assert [n["id"] for n in api.get(f"{NOTES}?unread=false").json()["results"]] == [first.pk]

    assert api.post(f"{NOTES}read-all/").json() == {"marked": 1}
    assert api.get(f"{NOTES}?unread=true").json()["count"] == 0
    # Not this seller's to mark: the colleague still has their personal one unread.
    assert not NotificationRead.objects.exclude(user=seller_a).exists()
    colleague_view = api_as(colleague).get(f"{NOTES}?unread=true").json()["results"]
    assert [n["id"] for n in colleague_view if n["id"] == personal.pk] == [personal.pk]

    bad = api.get(f"{NOTES}?unread=perhaps")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["unread"]


def test_creators_see_none_of_a_partners_notifications(api_as, creator_bronze, partner_a):
    # Issue 20: creators have notifications of their own; a partner's stay invisible to them.
    note = NotificationFactory(partner=partner_a)
    api = api_as(creator_bronze.user)
    assert api.get(NOTES).json()["count"] == 0
    assert api.post(f"{NOTES}{note.pk}/read/").status_code == 404
    assert api.post(f"{NOTES}read-all/").json() == {"marked": 0}
    assert not NotificationRead.objects.exists() and not NotificationReadMark.objects.exists()


def test_a_removal_reaches_the_bell_and_mark_all_read_clears_it(
    api_as, client, seller_a, seller_b, thread
):
    colleague = SellerFactory(user__username="colleague", partner=thread.partner).user
    remove_a_lead(api_as, seller_a, thread)
    note = Notification.objects.get(kind=NotificationKind.LEAD_REMOVED)
    assert api_as(seller_b).get(NOTES).json()["count"] == 0
    # Issue 22: nobody is told of their own action; seller_a's copy is read from the start.
    assert api_as(seller_a).get(f"{NOTES}?unread=true").json()["count"] == 0

    client.force_login(colleague)
    assert 'data-testid="unread-count">1<' in client.get("/seller/im/").content.decode()

    page = client.get("/seller/notifications/").content.decode()
    # Shown as unread (highlighted); reading the page marks nothing.
    assert f'class="notification unread" data-id="{note.pk}"' in page
    assert "Lead removed from pool" in page
    assert "@creator_bronze was removed from the Leads Pool by seller_a" in page
    assert f'href="/seller/leads/{note.lead_id}/" data-testid="open-lead">Open lead</a>' in page
    assert api_as(colleague).get(f"{NOTES}?unread=true").json()["count"] == 1

    client.post("/seller/notifications/read-all/")
    again = client.get("/seller/notifications/").content.decode()
    assert f'class="notification" data-id="{note.pk}"' in again
    assert 'data-testid="unread-count"' not in again
    assert api_as(colleague).get(f"{NOTES}?unread=true").json()["count"] == 0


def test_a_notification_about_no_lead_links_where_it_says(client, seller_a, partner_a):
    NotificationFactory(partner=partner_a, text="Something about the pool", link="/seller/leads/")
    client.force_login(seller_a)
    page = client.get("/seller/notifications/").content.decode()
    assert "Something about the pool" in page
    assert 'href="/seller/leads/" data-testid="open-lead">Open</a>' in page


def test_the_notifications_page_is_the_partners_own(client, seller_b, partner_a):
    NotificationFactory(partner=partner_a, text="alpha only")
    client.force_login(seller_b)
    page = client.get("/seller/notifications/").content.decode()
    assert "alpha only" not in page and "No notifications yet." in page
    assert not NotificationRead.objects.exists() and not NotificationReadMark.objects.exists()


def test_the_notifications_page_runs_constant_queries(client, seller_a, partner_a):
    def add(n):
        for _ in range(n):
            thread = ThreadFactory(partner=partner_a)
            lead = LeadFactory(partner=partner_a, creator=thread.creator)
            NotificationFactory(
                partner=partner_a, lead_id=lead.pk, link=f"/seller/leads/{lead.pk}/"
            )

    client.force_login(seller_a)
    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get("/seller/notifications/")
    add(15)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/seller/notifications/").content.decode()
    assert page.count("Open lead") == 17
    assert len(many) == len(few)
