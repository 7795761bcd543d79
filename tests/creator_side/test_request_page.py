"""The request page and the API tell the truth at every state (issue 20)."""

import datetime as dt

import time_machine

from creators.models import Tier
from im.models import Side
from im.services import message_send, thread_open
from leads.models import CloseReason, CollaborationRequest, LeadStatus
from leads.services import collaboration_request_submit, lead_remove, lead_set_status
from tests.factories import CreatorUserFactory, PartnerFactory

from .conftest import T0, text

API = "/api/v1/collaboration-requests/"


def _submit(creator, partner):
    return collaboration_request_submit(creator=creator, partner=partner).request


def _page(client, request):
    response = client.get(f"/ec/requests/{request.pk}/")
    assert response.status_code == 200
    return text(response), response.content.decode()


def _api(api_as, creator, request):
    response = api_as(creator.user).get(f"{API}{request.pk}/")
    assert response.status_code == 200
    return response.json()


@time_machine.travel(T0, tick=False)
def test_open_then_answered_by_message(client, api_as, creator_silver, partner_a, seller_a):
    request = _submit(creator_silver, partner_a)
    client.force_login(creator_silver.user)
    page, _ = _page(client, request)
    assert "Open" in page and "It is in their Leads Pool" in page and "Replied Not yet" in page
    body = _api(api_as, creator_silver, request)
    assert body["state"] == "open" and body["answered_at"] is None
    assert body["licensed_data_shared"] is True and body["close_reason"] is None
    thread = thread_open(partner=partner_a, creator=creator_silver)[0]
    assert body["thread"] == thread.pk
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        message_send(thread=thread, sender=seller_a, side=Side.SELLER, body="Hi! Let's talk.")
    page, html = _page(client, request)
    assert "Replied Nov 25, 2026 15:00 UTC, by a message" in page
    assert f'href="/ec/messages/{thread.pk}/"' in html
    body = _api(api_as, creator_silver, request)
    assert body["state"] == "answered" and body["answered_by"] == "message"
    assert body["answered_at"].startswith("2026-11-25T15:00")


@time_machine.travel(T0, tick=False)
def test_answered_by_status_then_collaborating(client, api_as, creator_silver, partner_a, seller_a):
    request = _submit(creator_silver, partner_a)
    lead_set_status(lead=request.lead, status=LeadStatus.CONTACTED, user=seller_a)
    body = _api(api_as, creator_silver, request)
    assert body["state"] == "answered" and body["answered_by"] == "status"
    client.force_login(creator_silver.user)
    assert "by a status change" in _page(client, request)[0]
    lead_set_status(lead=request.lead, status=LeadStatus.COLLABORATING, user=seller_a)
    assert _api(api_as, creator_silver, request)["state"] == "collaborating"
    assert "marked you as collaborating" in _page(client, request)[0]


@time_machine.travel(T0, tick=False)
def test_closed_with_a_reason_is_no_longer_in_the_pool(
    client, api_as, creator_silver, partner_a, seller_a
):
    request = _submit(creator_silver, partner_a)
    with time_machine.travel(T0 + dt.timedelta(hours=5), tick=False):
        lead_set_status(
            lead=request.lead,
            status=LeadStatus.CLOSED,
            user=seller_a,
            close_reason=(CloseReason.NO_CAPACITY, "Full until January"),
        )
    client.force_login(creator_silver.user)
    page, _ = _page(client, request)
    assert "Leads Pool" not in page.replace("Back to Top LIVE Partner", "")
    assert "closed your request" in page
    assert "Reason No capacity at the moment: “Full until January”" in page
    assert "Closed Nov 25, 2026 17:00 UTC" in page
    body = _api(api_as, creator_silver, request)
    assert body["state"] == "closed"
    assert body["close_reason"] == {"code": "no_capacity", "text": "Full until January"}
    assert body["closed_at"].startswith("2026-11-25T17:00")
    # The lead API carries the reason too.
    lead = api_as(seller_a).get(f"/api/v1/leads/{request.lead_id}/").json()
    assert lead["close_reason"] == {"code": "no_capacity", "text": "Full until January"}


@time_machine.travel(T0, tick=False)
def test_removed_with_a_reason_and_without(client, api_as, creator_silver, partner_a, seller_a):
    request = _submit(creator_silver, partner_a)
    lead_remove(lead=request.lead, user=seller_a, close_reason=(CloseReason.NOT_A_FIT, ""))
    client.force_login(creator_silver.user)
    page, _ = _page(client, request)
    assert "removed your request from their Leads Pool" in page
    assert "It is in their Leads Pool" not in page
    assert "Reason Not a fit for our brands right now" in page
    body = _api(api_as, creator_silver, request)
    assert body["state"] == "removed" and body["close_reason"]["code"] == "not_a_fit"
    # Still within the authorization: the data is shared until its end, and the page says so.
    assert body["licensed_data_shared"] is True

    other = _submit(creator_silver, PartnerFactory(name="Plain Removal"))
    lead_remove(lead=other.lead, user=None)
    page, _ = _page(client, other)
    assert "Reason None given" in page


def test_after_the_end_the_data_is_no_longer_shared(client, api_as, creator_silver, partner_a):
    with time_machine.travel(T0, tick=False):
        request = _submit(creator_silver, partner_a)
    with time_machine.travel(T0 + dt.timedelta(days=8), tick=False):
        client.force_login(creator_silver.user)
        page, _ = _page(client, request)
        assert "No longer shared" in page and "no longer sees this data" in page
        assert "What Alpha LIVE Agency sees until then" not in page
        body = _api(api_as, creator_silver, request)
        assert body["licensed_data_shared"] is False and body["renewable"] is True


def test_a_creator_sees_only_their_own_requests(client, api_as, creator_silver, partner_a):
    other = CreatorUserFactory(handle="other_silver", tier=Tier.GOLD, live_gmv_30d="5000.00")
    mine = _submit(creator_silver, partner_a)
    theirs = _submit(other, partner_a)
    listed = api_as(creator_silver.user).get(API).json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert api_as(creator_silver.user).get(f"{API}{theirs.pk}/").status_code == 404
    client.force_login(creator_silver.user)
    assert client.get(f"/ec/requests/{theirs.pk}/").status_code == 404
    assert client.post(f"/ec/requests/{theirs.pk}/renew/", {"consent": "on"}).status_code == 404
    assert CollaborationRequest.objects.count() == 2


def test_my_requests_fits_a_phone_as_stacked_rows(client, creator_silver, partner_a):
    _submit(creator_silver, partner_a)
    client.force_login(creator_silver.user)
    html = client.get("/ec/requests/").content.decode()
    assert 'class="stack-table"' in html and 'data-label="Partner"' in html
    assert "css/creator.css" in html
