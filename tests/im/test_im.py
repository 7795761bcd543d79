"""TTSPC IM: threads, messages, the Add/Remove-from-leads toggle, notifications."""

import pytest

from im.models import Message, Thread
from leads.models import Lead, LeadEvent, LeadSource, Notification, NotificationKind
from leads.services import collaboration_request_submit
from tests.factories import CreatorUserFactory, MessageFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(partner_a, creator_bronze):
    return ThreadFactory(partner=partner_a, creator=creator_bronze)


def test_opening_a_thread_from_either_side_returns_the_same_one(
    api_as, seller_a, creator_bronze, partner_a
):
    created = api_as(seller_a).post(
        "/api/v1/im/threads/", {"creator": "creator_bronze"}, format="json"
    )
    assert created.status_code == 201
    again = api_as(creator_bronze.user).post(
        "/api/v1/im/threads/", {"partner": partner_a.pk}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    assert Thread.objects.count() == 1
    missing = api_as(seller_a).post("/api/v1/im/threads/", {"creator": "ghost"}, format="json")
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["creator"]
    missing = api_as(creator_bronze.user).post("/api/v1/im/threads/", {}, format="json")
    assert list(missing.json()["errors"]) == ["partner"]


def test_add_and_remove_from_leads_by_api_is_idempotent_and_notifies_once(
    api_as, seller_a, thread, partner_a
):
    seller = api_as(seller_a)
    first = seller.put(f"/api/v1/im/threads/{thread.pk}/lead")
    second = seller.put(f"/api/v1/im/threads/{thread.pk}/lead")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["source"] == "instant_message" and first.json()["in_pool"] is True
    lead = Lead.objects.get()
    assert lead.licensed_data is None and lead.added_by == seller_a

    assert seller.get("/api/v1/im/threads/?is_lead=true").json()["count"] == 1
    assert seller.get("/api/v1/im/threads/?is_lead=false").json()["count"] == 0
    assert seller.get("/api/v1/leads/").json()["results"][0]["source"] == "instant_message"

    assert seller.delete(f"/api/v1/im/threads/{thread.pk}/lead").json() == {"removed": True}
    assert seller.delete(f"/api/v1/im/threads/{thread.pk}/lead").json() == {"removed": False}
    lead.refresh_from_db()
    assert lead.removed_at is not None and lead.removed_by == seller_a
    removed = Notification.objects.filter(kind=NotificationKind.LEAD_REMOVED)
    assert removed.count() == 1 and "@creator_bronze" in removed.get().text
    assert seller.get("/api/v1/leads/").json()["count"] == 0
    assert seller.get("/api/v1/im/threads/?is_lead=true").json()["count"] == 0

    seller.put(f"/api/v1/im/threads/{thread.pk}/lead")
    assert Lead.objects.count() == 1 and Lead.objects.get().removed_at is None
    kinds = list(LeadEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["added", "removed", "restored"]


def test_the_toggle_on_the_page(client, seller_a, thread):
    client.force_login(seller_a)
    page = client.get(f"/seller/im/{thread.pk}/").content.decode()
    assert "Add to leads" in page and "Remove from leads" not in page

    panel = client.post(f"/seller/im/{thread.pk}/lead/", HTTP_HX_REQUEST="true").content.decode()
    assert "Remove from leads" in panel and "Lead source: <strong" in panel
    assert "Instant message" in panel

    panel = client.post(
        f"/seller/im/{thread.pk}/lead/remove/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Add to leads" in panel
    assert Notification.objects.filter(kind=NotificationKind.LEAD_REMOVED).count() == 1
    page = client.get("/seller/notifications/").content.decode()
    assert "was removed from the Leads Pool by seller_a" in page


def test_a_collaboration_lead_shows_its_source_and_removes_the_same_way(
    client, seller_a, partner_a, creator_silver
):
    collaboration_request_submit(creator=creator_silver, partner=partner_a)
    thread = ThreadFactory(partner=partner_a, creator=creator_silver)
    client.force_login(seller_a)
    page = client.get(f"/seller/im/{thread.pk}/").content.decode()
    assert "Collaboration request" in page and "Remove from leads" in page
    client.post(f"/seller/im/{thread.pk}/lead/remove/")
    assert Lead.objects.get().removed_at is not None
    assert Lead.objects.get().source == LeadSource.COLLABORATION_REQUEST
    assert Notification.objects.filter(kind=NotificationKind.LEAD_REMOVED).count() == 1


def test_the_leads_filter_and_search_on_the_thread_list(
    client, seller_a, partner_a, django_assert_max_num_queries
):
    threads = [ThreadFactory(partner=partner_a) for _ in range(3)]
    client.force_login(seller_a)
    client.post(f"/seller/im/{threads[0].pk}/lead/")
    with django_assert_max_num_queries(7):
        page = client.get("/seller/im/").content.decode()
    assert page.count("data-handle=") == 3
    for _ in range(12):
        ThreadFactory(partner=partner_a)
    with django_assert_max_num_queries(7):
        page = client.get("/seller/im/").content.decode()
    assert page.count("data-handle=") == 15
    leads_only = client.get("/seller/im/?filter=leads").content.decode()
    assert leads_only.count("data-handle=") == 1
    assert f'data-handle="{threads[0].creator.handle}"' in leads_only
    found = client.get(f"/seller/im/?q={threads[1].creator.handle}").content.decode()
    assert found.count("data-handle=") == 1


def test_messages_rules_and_escaping(api_as, client, seller_a, creator_bronze, thread):
    seller = api_as(seller_a)
    url = f"/api/v1/im/threads/{thread.pk}/messages/"
    assert list(seller.post(url, {"body": "   "}, format="json").json()["errors"]) == ["body"]
    too_long = seller.post(url, {"body": "x" * 2001}, format="json")
    assert too_long.status_code == 400 and list(too_long.json()["errors"]) == ["body"]
    assert seller.post(url, {"body": "<script>alert(1)</script>"}, format="json").status_code == 201

    client.force_login(creator_bronze.user)
    page = client.get(f"/ec/messages/{thread.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    refused = client.post(f"/ec/messages/{thread.pk}/send/", {"body": ""})
    assert (
        refused.status_code == 400 and "Write a message before sending" in refused.content.decode()
    )
    keep = "y" * 2001
    refused = client.post(f"/ec/messages/{thread.pk}/send/", {"body": keep})
    assert "at most 2,000 characters" in refused.content.decode()
    assert keep in refused.content.decode()  # the draft is not lost
    assert Message.objects.count() == 1


def test_polling_returns_only_newer_messages_and_unread_counts(
    api_as, client, seller_a, creator_bronze, thread
):
    old = MessageFactory(thread=thread, body="first")
    client.force_login(seller_a)
    assert client.get(f"/seller/im/{thread.pk}/poll/?after={old.pk}").status_code == 204
    api_as(creator_bronze.user).post(
        f"/api/v1/im/threads/{thread.pk}/messages/", {"body": "are you there?"}, format="json"
    )
    listed = api_as(seller_a).get("/api/v1/im/threads/").json()["results"][0]
    assert listed["unread_count"] == 2 and listed["last_message_body"] == "are you there?"

    poll = client.get(f"/seller/im/{thread.pk}/poll/?after={old.pk}").content.decode()
    assert "are you there?" in poll and "first" not in poll
    assert api_as(seller_a).get("/api/v1/im/threads/").json()["results"][0]["unread_count"] == 0


def test_messages_api_pages_newest_first(api_as, seller_a, thread):
    for i in range(30):
        MessageFactory(thread=thread, body=f"m{i:02d}")
    body = api_as(seller_a).get(f"/api/v1/im/threads/{thread.pk}/messages/").json()
    assert body["count"] == 30
    assert [m["body"] for m in body["results"]][:2] == ["m05", "m06"]
    assert body["results"][-1]["body"] == "m29"


def test_only_the_two_sides_of_a_thread_get_in(api_as, client, seller_b, creator_silver, thread):
    for user in (seller_b, creator_silver.user):
        api = api_as(user)
        assert api.get(f"/api/v1/im/threads/{thread.pk}/").status_code == 404
        assert api.get(f"/api/v1/im/threads/{thread.pk}/messages/").status_code == 404
        assert (
            api.post(
                f"/api/v1/im/threads/{thread.pk}/messages/", {"body": "hi"}, format="json"
            ).status_code
            == 404
        )
    assert api_as(seller_b).put(f"/api/v1/im/threads/{thread.pk}/lead").status_code == 404
    assert (
        api_as(creator_silver.user).put(f"/api/v1/im/threads/{thread.pk}/lead").status_code == 403
    )
    client.force_login(seller_b)
    assert client.get(f"/seller/im/{thread.pk}/").status_code == 404
    assert client.post(f"/seller/im/{thread.pk}/lead/").status_code == 404
    client.force_login(creator_silver.user)
    assert client.get(f"/ec/messages/{thread.pk}/").status_code == 404
    assert not Lead.objects.exists() and not Message.objects.exists()


def test_notifications_are_the_partners_own_and_can_be_marked_read(
    api_as, client, seller_a, seller_b, thread
):
    api_as(seller_a).put(f"/api/v1/im/threads/{thread.pk}/lead")
    api_as(seller_a).delete(f"/api/v1/im/threads/{thread.pk}/lead")
    assert api_as(seller_b).get("/api/v1/notifications/").json()["count"] == 0
    mine = api_as(seller_a).get("/api/v1/notifications/?unread=true").json()
    assert mine["count"] == 1
    note_id = mine["results"][0]["id"]
    assert api_as(seller_b).post(f"/api/v1/notifications/{note_id}/read/").status_code == 404

    client.force_login(seller_a)
    assert 'data-testid="unread-count">1<' in client.get("/seller/leads/").content.decode()
    client.get("/seller/notifications/")
    assert 'data-testid="unread-count"' not in client.get("/seller/leads/").content.decode()
    assert api_as(seller_a).get("/api/v1/notifications/?unread=true").json()["count"] == 0


def test_a_creator_of_any_tier_starts_a_chat_from_a_partner_page(client, partner_a):
    none = CreatorUserFactory(tier=0)
    client.force_login(none.user)
    response = client.post(f"/ec/messages/start/{partner_a.pk}/")
    thread = Thread.objects.get(creator=none, partner=partner_a)
    assert response["Location"] == f"/ec/messages/{thread.pk}/"
    client.post(f"/ec/messages/start/{partner_a.pk}/")
    assert Thread.objects.count() == 1
    assert client.post("/ec/messages/start/999999/").status_code == 404
