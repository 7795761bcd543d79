"""The API's rate limits hold on the pages that do the same thing, on one shared budget.

An IM send form (seller or creator) and the EC Center's Request to Collaborate form answer
429 with a message the user sees once the scope's limit is spent; nothing is stored.
"""

import pytest
from rest_framework.throttling import ScopedRateThrottle

from creators.models import Tier
from im.models import Message
from leads.models import CollaborationRequest
from tests.factories import CreatorUserFactory, PartnerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tight_rates(monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {"token": "3/min", "collaboration_request": "2/min", "message": "3/min"},
    )


def test_the_seller_im_page_is_throttled_like_the_api(client, seller_a, partner_a):
    thread = ThreadFactory(partner=partner_a)
    client.force_login(seller_a)
    url = f"/seller/im/{thread.pk}/send/"
    codes = [client.post(url, {"body": f"m{i}"}).status_code for i in range(3)]
    assert codes == [302, 302, 302]
    refused = client.post(url, {"body": "one too many"})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "sending messages too fast" in page and "one too many" in page  # text kept
    assert Message.objects.filter(thread=thread).count() == 3


def test_an_htmx_send_gets_the_form_back_with_the_reason(client, seller_a, partner_a):
    thread = ThreadFactory(partner=partner_a)
    client.force_login(seller_a)
    url = f"/seller/im/{thread.pk}/send/"
    for i in range(3):
        client.post(url, {"body": f"m{i}", "after": 0}, HTTP_HX_REQUEST="true")
    refused = client.post(url, {"body": "again", "after": 0}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    assert 'id="send-form"' in refused.content.decode()
    assert "too fast" in refused.content.decode()


def test_the_page_and_the_api_share_one_budget(client, api_as, creator_silver, partner_a):
    thread = ThreadFactory(partner=partner_a, creator=creator_silver)
    api = api_as(creator_silver.user)
    url = f"/api/v1/im/threads/{thread.pk}/messages/"
    assert [api.post(url, {"body": "x"}, format="json").status_code for _ in range(2)] == [201] * 2
    client.force_login(creator_silver.user)
    page_url = f"/ec/messages/{thread.pk}/send/"
    assert client.post(page_url, {"body": "third"}).status_code == 302
    assert client.post(page_url, {"body": "fourth"}).status_code == 429
    assert api.post(url, {"body": "fifth"}, format="json").status_code == 429
    assert Message.objects.filter(thread=thread).count() == 3


def test_the_request_to_collaborate_form_is_throttled(client):
    creator = CreatorUserFactory(tier=Tier.GOLD)
    partners = [PartnerFactory() for _ in range(3)]
    client.force_login(creator.user)
    codes = [
        client.post(f"/ec/partners/{p.slug}/request/", {"message": "Hi", "consent": "on"})
        for p in partners
    ]
    assert [r.status_code for r in codes] == [302, 302, 429]
    assert "sending requests too fast" in codes[2].content.decode()
    assert CollaborationRequest.objects.count() == 2
