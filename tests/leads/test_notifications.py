"""Per-user notifications: each seller's own read state, the grouped and paginated page, the
live bell, the API's kinds."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creators.models import Tier
from leads.services import authorizations_expire, collaboration_request_submit
from notifications.models import (
    Notification,
    NotificationKind,
    NotificationRead,
    NotificationReadMark,
)
from tests.factories import CreatorUserFactory, NotificationFactory, SellerFactory

pytestmark = pytest.mark.django_db

NOTES = "/api/v1/notifications/"
PAGE = "/seller/notifications/"
BADGE = "/seller/notifications/badge/"
DAY = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)


@pytest.fixture
def seller_a2(partner_a):
    return SellerFactory(user__username="seller_a2", partner=partner_a).user


def bulk(partner, kind, n, at=DAY, **extra):
    return Notification.objects.bulk_create(
        Notification(partner=partner, kind=kind, text=f"{kind} {i}", created_at=at, **extra)
        for i in range(n)
    )


def unread_ids(api):
    return {n["id"] for n in api.get(f"{NOTES}?unread=true&page_size=100").json()["results"]}


def test_read_state_is_each_sellers_own(api_as, seller_a, seller_a2, partner_a):
    notes = bulk(partner_a, NotificationKind.LEAD_REMOVED, 3)
    a, a2 = api_as(seller_a), api_as(seller_a2)

    assert a.post(f"{NOTES}{notes[0].pk}/read/").json()["is_read"] is True
    assert unread_ids(a) == {notes[1].pk, notes[2].pk}
    assert unread_ids(a2) == {n.pk for n in notes}  # a colleague's read changes nothing here

    assert a.post(f"{NOTES}read-all/").json() == {"marked": 2}
    assert unread_ids(a) == set()
    assert unread_ids(a2) == {n.pk for n in notes}
    item = a.get(NOTES).json()["results"][0]
    assert item["is_read"] is True and item["read_at"] is not None
    assert a2.get(NOTES).json()["results"][0]["read_at"] is None

    # A notification after the mark is unread again, for both.
    newer = NotificationFactory(partner=partner_a)
    assert unread_ids(a) == {newer.pk}
    assert a.post(f"{NOTES}read-all/").json() == {"marked": 1}
    assert a.post(f"{NOTES}read-all/").json() == {"marked": 0}
    # "All" moved one mark and left no per-item rows behind.
    assert NotificationReadMark.objects.get(user=seller_a).read_through_id == newer.pk
    assert not NotificationRead.objects.filter(user=seller_a).exists()


def test_a_personal_notification_reaches_only_its_user(api_as, seller_a, seller_a2, partner_a):
    mine = NotificationFactory(
        partner=partner_a, user=seller_a2, kind=NotificationKind.LEAD_ASSIGNED
    )
    assert unread_ids(api_as(seller_a2)) == {mine.pk}
    assert unread_ids(api_as(seller_a)) == set()
    assert api_as(seller_a).post(f"{NOTES}{mine.pk}/read/").status_code == 404
    body = api_as(seller_a2).get(NOTES).json()["results"][0]
    assert body["kind"] == "lead_assigned" and body["for_everyone"] is False


def test_filter_and_mark_read_by_kind(api_as, seller_a, partner_a):
    expired = bulk(partner_a, NotificationKind.AUTHORIZATION_EXPIRED, 4)
    removed = bulk(partner_a, NotificationKind.LEAD_REMOVED, 2)
    api = api_as(seller_a)
    listed = api.get(f"{NOTES}?kind=lead_removed").json()
    assert listed["count"] == 2 and {n["kind"] for n in listed["results"]} == {"lead_removed"}
    assert api.get(f"{NOTES}?kind=authorization_expiring").json()["count"] == 0

    bad = api.get(f"{NOTES}?kind=bogus")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["kind"]
    assert api.post(f"{NOTES}read-all/?kind=bogus").status_code == 400

    assert api.post(f"{NOTES}read-all/?kind=authorization_expired").json() == {"marked": 4}
    assert unread_ids(api) == {n.pk for n in removed}
    assert NotificationRead.objects.filter(user=seller_a).count() == len(expired)


def test_the_page_groups_a_days_batch_and_keeps_a_removal_on_top(client, seller_a, partner_a):
    bulk(partner_a, NotificationKind.AUTHORIZATION_EXPIRED, 12, at=DAY)
    bulk(partner_a, NotificationKind.AUTHORIZATION_EXPIRED, 3, at=DAY - dt.timedelta(days=1))
    [removed] = bulk(partner_a, NotificationKind.LEAD_REMOVED, 1, at=DAY - dt.timedelta(hours=1))
    client.force_login(seller_a)
    page = client.get(PAGE).content.decode()
    assert "12 authorizations expired</strong> on Jan 5" in page
    assert "3 authorizations expired</strong> on Jan 4" in page
    assert page.index("12 authorizations expired") < page.index(f'data-id="{removed.pk}"')
    assert page.index(f'data-id="{removed.pk}"') < page.index("3 authorizations expired")
    # A group shows its newest ten and links to the rest.
    assert page.count('class="notification unread" data-id=') == 10 + 1 + 3
    assert 'href="?kind=authorization_expired&amp;day=2026-01-05">Show all 12</a>' in page

    every = client.get(f"{PAGE}?kind=authorization_expired&day=2026-01-05").content.decode()
    assert every.count('class="notification unread" data-id=') == 12
    assert f'data-id="{removed.pk}"' not in every

    # The API keeps one item per event.
    assert client.get(NOTES).json()["count"] == 16


def test_marking_a_group_read_marks_that_group_only(client, api_as, seller_a, partner_a):
    today = bulk(partner_a, NotificationKind.AUTHORIZATION_EXPIRED, 5, at=DAY)
    yesterday = bulk(
        partner_a, NotificationKind.AUTHORIZATION_EXPIRED, 2, at=DAY - dt.timedelta(days=1)
    )
    client.force_login(seller_a)
    response = client.post(
        "/seller/notifications/read-all/",
        {"kind": "authorization_expired", "day": "2026-01-05", "next": PAGE},
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    assert unread_ids(api_as(seller_a)) == {n.pk for n in yesterday}
    page = client.get(PAGE).content.decode()
    assert "5 authorizations expired</strong> on Jan 5" in page
    assert f'class="notification" data-id="{today[0].pk}"' in page
    assert "Marked 5 notifications read." in page


def test_the_page_paginates_and_reading_it_writes_nothing(client, seller_a, partner_a):
    for i in range(30):
        NotificationFactory(partner=partner_a, text=f"removal {i:02}")
    client.force_login(seller_a)
    first = client.get(PAGE).content.decode()
    assert "removal 29" in first and "removal 05" in first and "removal 04" not in first
    # Keyset pages: "Older" carries the last row's (time, id), no page count over everything.
    assert 'rel="prev"' not in first and "Page 1 of" not in first
    older = re.search(r'href="\?older=([^"]+)" rel="next">Older<', first)[1]
    second = client.get(f"{PAGE}?older={older}").content.decode()
    assert "removal 04" in second and "removal 00" in second and "removal 29" not in second
    assert 'rel="next"' not in second
    newer = re.search(r'href="\?newer=([^"]+)" rel="prev">Newer<', second)[1]
    back = client.get(f"{PAGE}?newer={newer}").content.decode()
    assert "removal 29" in back and "removal 05" in back and "removal 04" not in back
    assert 'rel="prev"' not in back and 'rel="next"' in back
    # A cursor that is not one shows the first page, never a 500.
    assert "removal 29" in client.get(f"{PAGE}?older=99999999T999999.999999Z-1").content.decode()
    assert not NotificationRead.objects.exists() and not NotificationReadMark.objects.exists()


def test_the_bell_polls_and_reaches_zero_at_volume(client, seller_a, seller_a2, partner_a):
    bulk(partner_a, NotificationKind.AUTHORIZATION_EXPIRED, 180)
    bulk(partner_a, NotificationKind.LEAD_REMOVED, 1)
    client.force_login(seller_a)
    pool = client.get("/seller/leads/").content.decode()
    assert 'hx-get="/seller/notifications/badge/" hx-trigger="every 5s' in pool
    assert 'data-testid="unread-count">181<' in pool
    assert 'data-testid="unread-count">181<' in client.get(BADGE).content.decode()

    client.post("/seller/notifications/read-all/")
    badge = client.get(BADGE).content.decode()
    assert "unread-count" not in badge and 'hx-trigger="every 5s' in badge

    client.force_login(seller_a2)
    assert 'data-testid="unread-count">181<' in client.get(BADGE).content.decode()


def test_the_bell_stops_counting_at_a_thousand(client, seller_a, seller_a2, partner_a):
    bulk(partner_a, NotificationKind.AUTHORIZATION_EXPIRED, 1001)
    client.force_login(seller_a)
    assert 'data-testid="unread-count">999+<' in client.get(BADGE).content.decode()
    client.post("/seller/notifications/read-all/")
    NotificationRead.objects.create(user=seller_a2, notification=Notification.objects.first())
    client.force_login(seller_a2)  # 1,000 unread: still 999+; the API counts exactly
    assert 'data-testid="unread-count">999+<' in client.get(BADGE).content.decode()
    api = client.get(f"{NOTES}?unread=true").json()
    assert api["count"] == 1000


def test_the_badge_answers_in_constant_queries(client, seller_a, partner_a):
    client.force_login(seller_a)
    bulk(partner_a, NotificationKind.LEAD_REMOVED, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(BADGE)
    bulk(partner_a, NotificationKind.LEAD_REMOVED, 50)
    NotificationRead.objects.create(user=seller_a, notification=Notification.objects.first())
    with CaptureQueriesContext(connection) as many:
        client.get(BADGE)
    assert len(many) == len(few) <= 4


def test_the_page_runs_constant_queries_with_groups(client, seller_a, partner_a):
    client.force_login(seller_a)
    bulk(partner_a, NotificationKind.AUTHORIZATION_EXPIRED, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    for day in range(1, 8):
        bulk(partner_a, NotificationKind.AUTHORIZATION_EXPIRED, 5, at=DAY - dt.timedelta(days=day))
        bulk(partner_a, NotificationKind.NEW_REQUEST, 3, at=DAY - dt.timedelta(days=day))
    bulk(partner_a, NotificationKind.LEAD_REMOVED, 5)
    with CaptureQueriesContext(connection) as many:
        page = client.get(PAGE).content.decode()
    assert page.count('data-testid="notification-group"') == 15
    assert len(many) == len(few)


def test_the_expiry_job_notifies_everyone_once_and_each_reads_alone(
    api_as, seller_a, seller_a2, partner_a
):
    with time_machine.travel(DAY - dt.timedelta(days=8), tick=False):
        for _ in range(3):
            collaboration_request_submit(
                creator=CreatorUserFactory(tier=Tier.GOLD), partner=partner_a
            )
    with time_machine.travel(DAY, tick=False):
        authorizations_expire()
        authorizations_expire()
    expired = Notification.objects.filter(kind=NotificationKind.AUTHORIZATION_EXPIRED)
    assert expired.count() == 3 and not expired.filter(user__isnull=False).exists()
    api_as(seller_a).post(f"{NOTES}read-all/?kind=authorization_expired")
    a2 = api_as(seller_a2).get(f"{NOTES}?unread=true&kind=authorization_expired").json()
    assert a2["count"] == 3
