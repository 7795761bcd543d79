"""'Add to leads' / 'Remove from leads' from an IM thread, on the page and through the API."""

import pytest

from im.models import Thread
from leads.models import Lead, LeadEvent, LeadSource
from leads.services import collaboration_request_submit
from notifications.models import Notification, NotificationKind
from tests.factories import ThreadFactory

pytestmark = pytest.mark.django_db


def lead_url(thread):
    return f"/api/v1/im/threads/{thread.pk}/lead"


def removed_notifications():
    return Notification.objects.filter(kind=NotificationKind.LEAD_REMOVED)


def test_add_to_leads_from_the_page_makes_an_instant_message_lead(
    client, seller_a, partner_a, partner_b, thread
):
    client.force_login(seller_a)
    page = client.get(f"/seller/im/{thread.pk}/").content.decode()
    assert "Add to leads" in page and "Remove from leads" not in page

    # Without htmx: a normal POST and a redirect back to the conversation.
    response = client.post(f"/seller/im/{thread.pk}/lead/")
    assert response.status_code == 302 and response["Location"] == f"/seller/im/{thread.pk}/"

    lead = Lead.objects.in_pool().get(partner=partner_a)
    assert lead.creator == thread.creator and lead.source == LeadSource.INSTANT_MESSAGE
    assert lead.licensed_data is None and lead.added_by == seller_a
    assert not Lead.objects.in_pool().filter(partner=partner_b).exists()

    page = client.get(f"/seller/im/{thread.pk}/").content.decode()
    assert "Remove from leads" in page and "Add to leads" not in page
    assert "Lead source: <strong" in page and "Instant message" in page


def test_the_htmx_toggle_swaps_only_the_panel(client, seller_a, thread):
    client.force_login(seller_a)
    panel = client.post(f"/seller/im/{thread.pk}/lead/", HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert panel.status_code == 200
    assert html.lstrip().startswith('<aside class="card profile-panel" id="profile-panel"')
    assert "Remove from leads" in html and "Instant message" in html and "<html" not in html

    html = client.post(
        f"/seller/im/{thread.pk}/lead/remove/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Add to leads" in html and "Remove from leads" not in html
    assert "Not in your Leads Pool (removed" in html


def test_add_to_leads_through_the_api_is_idempotent(api_as, seller_a, partner_a, thread):
    seller = api_as(seller_a)
    first = seller.put(lead_url(thread))
    assert first.status_code == 201
    assert first.json() == {
        "id": Lead.objects.get().pk,
        "source": "instant_message",
        "status": "new",
        "in_pool": True,
    }
    second = seller.put(lead_url(thread))
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert Lead.objects.count() == 1
    assert Lead.objects.in_pool().filter(partner=partner_a, creator=thread.creator).exists()

    pool = seller.get("/api/v1/leads/").json()
    assert pool["count"] == 1
    assert pool["results"][0]["source"] == "instant_message"
    assert pool["results"][0]["licensed_data"] is None
    assert list(LeadEvent.objects.values_list("kind", flat=True)) == ["added"]


def test_remove_is_soft_notifies_once_and_re_adding_restores_the_same_lead(
    api_as, client, seller_a, partner_a, thread
):
    seller = api_as(seller_a)
    lead_id = seller.put(lead_url(thread)).json()["id"]

    assert seller.delete(lead_url(thread)).json() == {"removed": True}
    lead = Lead.objects.get(pk=lead_id)  # the row is kept
    assert lead.removed_at is not None and lead.removed_by == seller_a
    assert not Lead.objects.in_pool().filter(partner=partner_a).exists()
    assert removed_notifications().count() == 1
    note = removed_notifications().get()
    assert note.partner == partner_a and note.lead_id == lead_id
    assert "@creator_bronze was removed from the Leads Pool by seller_a" in note.text

    # A second removal, by API or page, changes nothing and sends nothing.
    second = seller.delete(lead_url(thread))
    assert second.status_code == 200 and second.json() == {"removed": False}
    client.force_login(seller_a)
    client.post(f"/seller/im/{thread.pk}/lead/remove/")
    assert removed_notifications().count() == 1
    assert seller.get("/api/v1/leads/").json()["count"] == 0
    assert seller.get("/api/v1/im/threads/?is_lead=true").json()["count"] == 0

    again = seller.put(lead_url(thread))
    assert again.json()["id"] == lead_id and again.json()["in_pool"] is True
    assert Lead.objects.count() == 1
    lead.refresh_from_db()
    assert lead.removed_at is None and lead.removed_by is None
    assert list(LeadEvent.objects.order_by("id").values_list("kind", flat=True)) == [
        "added",
        "removed",
        "restored",
    ]


def test_delete_without_a_lead_removes_nothing(api_as, seller_a, thread):
    response = api_as(seller_a).delete(lead_url(thread))
    assert response.status_code == 200 and response.json() == {"removed": False}
    assert not Lead.objects.exists() and not removed_notifications().exists()


def test_removing_from_the_page_notifies_once(client, seller_a, thread):
    client.force_login(seller_a)
    client.post(f"/seller/im/{thread.pk}/lead/")
    client.post(f"/seller/im/{thread.pk}/lead/remove/")
    client.post(f"/seller/im/{thread.pk}/lead/remove/")
    assert removed_notifications().count() == 1
    lead = Lead.objects.get()
    assert lead.removed_at is not None and lead.removed_by == seller_a
    assert list(LeadEvent.objects.order_by("id").values_list("kind", flat=True)) == [
        "added",
        "removed",
    ]


def test_a_collaboration_request_lead_shows_its_source_and_removes_the_same_way(
    client, api_as, seller_a, partner_a, creator_silver
):
    collaboration_request_submit(
        creator=creator_silver, partner=partner_a, message="Let's work", consent=True
    )
    # The request opened the thread between them.
    thread = Thread.objects.get(partner=partner_a, creator=creator_silver)
    client.force_login(seller_a)
    page = client.get(f"/seller/im/{thread.pk}/").content.decode()
    assert 'Lead source: <strong data-testid="lead-source">Collaboration request</strong>' in page
    assert "Remove from leads" in page
    assert "Collaboration requests to you" in page and " — New</li>" in page
    # The panel never shows licensed data, even for a request that granted it.
    assert "live_gmv" not in page.lower() and "average viewers" not in page.lower()

    # PUT on a lead already in the pool keeps it as it is.
    kept = api_as(seller_a).put(lead_url(thread))
    assert kept.status_code == 200 and kept.json()["source"] == "collaboration_request"

    client.post(f"/seller/im/{thread.pk}/lead/remove/")
    lead = Lead.objects.get()
    assert lead.removed_at is not None and lead.source == LeadSource.COLLABORATION_REQUEST
    assert removed_notifications().count() == 1
    assert api_as(seller_a).delete(lead_url(thread)).json() == {"removed": False}
    assert removed_notifications().count() == 1


def test_an_im_lead_is_added_with_basic_info_only(client, seller_a, partner_a, creator_silver):
    """Even a Silver creator added from IM carries no licensed data."""
    thread = ThreadFactory(partner=partner_a, creator=creator_silver)
    client.force_login(seller_a)
    client.post(f"/seller/im/{thread.pk}/lead/")
    lead = Lead.objects.in_pool().get(partner=partner_a)
    assert lead.source == LeadSource.INSTANT_MESSAGE
    assert lead.licensed_data is None and lead.authorization_expires_at is None
    assert lead.creator_tier == creator_silver.tier
