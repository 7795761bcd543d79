"""Only the thread's partner staff and its creator can read or write it; others get 404."""

import pytest

from im.models import Message
from leads.models import Lead
from notifications.models import Notification
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_another_partners_seller_gets_404_everywhere(api_as, client, seller_b, thread, say):
    say(thread, "private")
    api = api_as(seller_b)
    base = f"/api/v1/im/threads/{thread.pk}"
    assert api.get(f"{base}/").status_code == 404
    assert api.get(f"{base}/messages/").status_code == 404
    assert api.post(f"{base}/messages/", {"body": "hi"}, format="json").status_code == 404
    assert api.put(f"{base}/lead").status_code == 404
    assert api.delete(f"{base}/lead").status_code == 404
    assert thread.pk not in [t["id"] for t in api.get("/api/v1/im/threads/").json()["results"]]

    client.force_login(seller_b)
    for url in (f"/seller/im/{thread.pk}/", f"/seller/im/{thread.pk}/poll/?after=0"):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/seller/im/{thread.pk}/send/",
        f"/seller/im/{thread.pk}/lead/",
        f"/seller/im/{thread.pk}/lead/remove/",
    ):
        assert client.post(url, {"body": "hi"}).status_code == 404, url
    assert "private" not in client.get("/seller/im/").content.decode()
    assert Message.objects.count() == 1 and not Lead.objects.exists()


def test_another_partners_seller_cannot_remove_our_lead(api_as, seller_b, partner_a, thread):
    lead = LeadFactory(partner=partner_a, creator=thread.creator)
    assert api_as(seller_b).delete(f"/api/v1/im/threads/{thread.pk}/lead").status_code == 404
    lead.refresh_from_db()
    assert lead.removed_at is None and not Notification.objects.exists()


def test_another_creator_gets_404_on_someone_elses_thread(api_as, client, creator_silver, thread):
    api = api_as(creator_silver.user)
    base = f"/api/v1/im/threads/{thread.pk}"
    assert api.get(f"{base}/").status_code == 404
    assert api.get(f"{base}/messages/").status_code == 404
    assert api.post(f"{base}/messages/", {"body": "hi"}, format="json").status_code == 404
    client.force_login(creator_silver.user)
    assert client.get(f"/ec/messages/{thread.pk}/").status_code == 404
    assert client.get(f"/ec/messages/{thread.pk}/poll/?after=0").status_code == 404
    assert client.post(f"/ec/messages/{thread.pk}/send/", {"body": "hi"}).status_code == 404
    assert not Message.objects.exists()


def test_creators_cannot_touch_the_lead_toggle(api_as, creator_bronze, thread):
    api = api_as(creator_bronze.user)  # even the thread's own creator
    put = api.put(f"/api/v1/im/threads/{thread.pk}/lead")
    delete = api.delete(f"/api/v1/im/threads/{thread.pk}/lead")
    assert (put.status_code, delete.status_code) == (403, 403)
    assert "detail" in put.json()
    assert not Lead.objects.exists()


def test_anonymous_callers_are_turned_away(api_as, thread):
    api = api_as(None)
    assert api.get("/api/v1/im/threads/").status_code in (401, 403)
    assert api.put(f"/api/v1/im/threads/{thread.pk}/lead").status_code in (401, 403)
    assert api.get("/api/v1/notifications/").status_code in (401, 403)
    assert not Lead.objects.exists()
