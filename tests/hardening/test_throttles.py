"""DRF throttles on token issuance, request submission and message sending."""

import pytest
from rest_framework.throttling import ScopedRateThrottle

from leads.models import CollaborationRequest
from tests.factories import PASSWORD, PartnerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tight_rates(monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {"token": "3/min", "collaboration_request": "2/min", "message": "3/min"},
    )


def test_token_issuance_is_throttled(api, seller_a):
    body = {"username": "seller_a", "password": PASSWORD}
    codes = [api.post("/api/v1/auth/token/", body, format="json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_request_submission_is_throttled(api_as, creator_silver):
    client = api_as(creator_silver.user)
    partners = [PartnerFactory() for _ in range(3)]
    codes = [
        client.post(
            "/api/v1/collaboration-requests/", {"partner": p.pk, "consent": True}, format="json"
        ).status_code
        for p in partners
    ]
    assert codes == [201, 201, 429]
    assert CollaborationRequest.objects.count() == 2


def test_message_sending_is_throttled_but_reading_is_not(api_as, seller_a, partner_a):
    thread = ThreadFactory(partner=partner_a)
    client = api_as(seller_a)
    url = f"/api/v1/im/threads/{thread.pk}/messages/"
    codes = [client.post(url, {"body": f"m{i}"}, format="json").status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]
    assert all(client.get(url).status_code == 200 for _ in range(5))
