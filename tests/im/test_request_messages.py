"""A creator's request messages reach the IM thread: opened by the request, and a repeat
while the request is open is posted there, never dropped."""

import pytest

from creators.models import Tier
from im.models import Message, Side, Thread
from leads.models import CollaborationRequest, LeadEvent
from leads.services import collaboration_request_submit
from tests.factories import CreatorUserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/collaboration-requests/"


@pytest.fixture
def gold(db):
    return CreatorUserFactory(handle="gold_star", tier=Tier.GOLD)


def test_a_request_opens_the_thread_and_a_repeat_is_delivered_there(
    api_as, gold, partner_a, seller_a
):
    client = api_as(gold.user)
    first = client.post(
        URL,
        {"partner": partner_a.pk, "message": "Hi, I sell skincare.", "consent": True},
        format="json",
    )
    assert first.status_code == 201
    thread = Thread.objects.get(partner=partner_a, creator=gold)
    assert thread.last_message_body == "Request to Collaborate: Hi, I sell skincare."
    assert not thread.messages.exists()

    repeat = client.post(
        URL,
        {"partner": partner_a.pk, "message": "  Also: 40 LIVEs a month.  ", "consent": True},
        format="json",
    )
    assert repeat.status_code == 200 and repeat.json()["id"] == first.json()["id"]
    assert CollaborationRequest.objects.count() == 1
    message = Message.objects.get(thread=thread)
    assert (message.side, message.sender, message.body) == (
        Side.CREATOR,
        gold.user,
        "Also: 40 LIVEs a month.",
    )
    # The seller sees it in the thread through the IM API, and in the lead's history.
    messages = api_as(seller_a).get(f"/api/v1/im/threads/{thread.pk}/messages/").json()
    bodies = [m["body"] for m in (messages["results"] if "results" in messages else messages)]
    assert "Also: 40 LIVEs a month." in bodies
    lead = CollaborationRequest.objects.get().lead
    kinds = list(lead.events.values_list("kind", "text"))
    assert ("message", "Also: 40 LIVEs a month.") in kinds
    assert api_as(seller_a).get(f"/api/v1/leads/{lead.pk}/").json()["message"] == (
        "Also: 40 LIVEs a month."
    )


def test_an_empty_repeat_posts_nothing(gold, partner_a):
    collaboration_request_submit(creator=gold, partner=partner_a, message="Hi", consent=True)
    result = collaboration_request_submit(creator=gold, partner=partner_a, consent=True)
    assert not result.created and not result.message_delivered
    assert not Message.objects.exists()
    assert not LeadEvent.objects.filter(kind="message").exists()
    result = collaboration_request_submit(
        creator=gold, partner=partner_a, message="Still there?", consent=True
    )
    assert result.message_delivered and Message.objects.get().body == "Still there?"


def test_an_existing_thread_is_reused(gold, partner_a):
    thread = Thread.objects.create(partner=partner_a, creator=gold)
    collaboration_request_submit(creator=gold, partner=partner_a, message="Hi", consent=True)
    collaboration_request_submit(creator=gold, partner=partner_a, message="Again", consent=True)
    assert Thread.objects.get() == thread and thread.messages.get().body == "Again"
