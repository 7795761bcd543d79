"""`/api/v1/webhooks/`: endpoints, secrets, delivery logs and replay, for the own partner only."""

import pytest
from rest_framework.test import APIClient

from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.services import webhooks_deliver
from tests.factories import LeadFactory

from .receiver import Receiver
from .webhook_helpers import endpoint, event, verify

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def seller(seller_a):
    return client_for(seller_a)


def test_create_answers_the_secret_once(seller):
    response = seller.post(
        "/api/v1/webhooks/",
        {
            "url": "https://hooks.example.com/in",
            "events": ["lead.created", "lead.status_changed"],
            "query": "?tier=gold&page=3",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_") and len(created["secret"]) == 38
    assert created["kind"] == "generic" and created["active"] is True
    assert created["query"] == "tier=gold"  # normalised: the page means nothing here
    assert created["events"] == ["lead.created", "lead.status_changed"]
    listed = seller.get("/api/v1/webhooks/").json()
    assert [item["id"] for item in listed] == [created["id"]]
    assert "secret" not in listed[0]
    detail = seller.get(f"/api/v1/webhooks/{created['id']}/")
    assert detail.status_code == 200 and "secret" not in detail.json()
    assert (
        created["secret"] not in (detail.content + seller.get("/api/v1/webhooks/").content).decode()
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://hooks.example.com/", "events": ["lead.created"]}, "url"),
        ({"url": "https://169.254.169.254/", "events": ["lead.created"]}, "url"),
        ({"url": "https://hooks.example.com/", "events": []}, "events"),
        ({"url": "https://hooks.example.com/", "events": ["lead.exploded"]}, "events"),
        ({"url": "https://hooks.example.com/", "events": "lead.created"}, "events"),
        ({"url": "https://hooks.example.com/", "events": ["lead.created"], "kind": "x"}, "kind"),
        ({"url": "https://a.example/", "events": ["lead.created"], "query": "tier=wood"}, "query"),
        ({"url": "https://a.example/", "events": ["lead.created"], "query": "color=red"}, "query"),
        ({"events": ["lead.created"]}, "url"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(seller, body, field):
    response = seller.post("/api/v1/webhooks/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert not WebhookEndpoint.objects.exists()


def test_patch_changes_fields_and_turning_on_clears_the_disabled_reason(
    seller, partner_a, seller_a
):
    hook, _ = endpoint(partner_a, seller_a, "https://hooks.example.com/a")
    WebhookEndpoint.objects.filter(pk=hook.pk).update(
        active=False, disabled_reason="20 failed", consecutive_failures=20
    )
    response = seller.patch(
        f"/api/v1/webhooks/{hook.pk}/",
        {"active": True, "events": ["lead.removed"], "query": "status=new"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["active"] is True and body["disabled_reason"] == ""
    assert body["consecutive_failures"] == 0 and body["events"] == ["lead.removed"]
    assert body["url"] == "https://hooks.example.com/a" and body["query"] == "status=new"
    bad = seller.patch(f"/api/v1/webhooks/{hook.pk}/", {"query": "owner=x"}, format="json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["query"]
    hook.refresh_from_db()
    assert hook.query == "status=new"


def test_rotate_secret_signs_the_next_attempts_with_the_new_one(seller, partner_a, seller_a):
    with Receiver() as receiver:
        hook, old = endpoint(partner_a, seller_a, receiver.url)
        response = seller.post(f"/api/v1/webhooks/{hook.pk}/rotate-secret/")
        assert response.status_code == 200
        new = response.json()["secret"]
        assert new != old and new.startswith("whsec_")
        event(partner_a, lead=LeadFactory(partner=partner_a))
        webhooks_deliver()
    [got] = receiver.received
    verify(secret=new, headers=got.headers, body=got.body)


def test_delete_removes_softly_and_fails_what_was_pending(seller, partner_a, seller_a):
    hook, _ = endpoint(partner_a, seller_a, "https://hooks.example.com/a")
    event(partner_a, lead=LeadFactory(partner=partner_a))
    from integrations.services import outbox_dispatch

    outbox_dispatch()
    assert seller.delete(f"/api/v1/webhooks/{hook.pk}/").status_code == 204
    assert seller.get("/api/v1/webhooks/").json() == []
    assert seller.get(f"/api/v1/webhooks/{hook.pk}/").status_code == 404
    hook.refresh_from_db()
    assert hook.removed_at is not None and not hook.active
    assert WebhookDelivery.objects.get().status == "failed"


def test_the_delivery_log_is_paginated_newest_first_in_constant_queries(
    seller, partner_a, seller_a, django_assert_max_num_queries
):
    lead = LeadFactory(partner=partner_a)
    with Receiver() as receiver:
        hook, _ = endpoint(partner_a, seller_a, receiver.url)
        for n in range(30):
            event(partner_a, "lead.status_changed", lead=lead, data={"n": n})
        webhooks_deliver()
    with django_assert_max_num_queries(8):
        page = seller.get(f"/api/v1/webhooks/{hook.pk}/deliveries/").json()
    assert page["count"] == 30 and len(page["results"]) == 25 and page["next"]
    ids = [item["id"] for item in page["results"]]
    assert ids == sorted(ids, reverse=True)
    newest = page["results"][0]
    assert newest["status"] == "succeeded" and newest["attempts"] == 1
    assert newest["last_status_code"] == 200 and newest["response_excerpt"] == "ok"
    assert newest["type"] == "lead.status_changed" and newest["lead_id"] == lead.pk
    assert newest["duration_ms"] is not None and newest["delivered_at"]
    assert seller.get(f"/api/v1/webhooks/{hook.pk}/deliveries/?page=2").json()["count"] == 30


def test_replay_through_the_api(seller, partner_a, seller_a):
    with Receiver() as receiver:
        hook, _ = endpoint(partner_a, seller_a, receiver.url)
        event(partner_a, lead=LeadFactory(partner=partner_a))
        webhooks_deliver()
        original = WebhookDelivery.objects.get()
        response = seller.post(
            f"/api/v1/webhooks/{hook.pk}/deliveries/{original.pk}/replay/", format="json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["replay_of"] == original.pk
        assert response.json()["status"] == "pending"
        webhooks_deliver()
    assert len(receiver.received) == 2
    assert receiver.received[1].headers["webhook-id"] == original.message_id


def test_another_partners_endpoints_and_logs_are_not_found(
    seller, partner_a, seller_a, partner_b, seller_b
):
    mine, _ = endpoint(partner_a, seller_a, "https://hooks.example.com/mine")
    theirs, _ = endpoint(partner_b, seller_b, "https://hooks.example.com/zz-secret")
    event(partner_b, lead=LeadFactory(partner=partner_b))
    from integrations.services import outbox_dispatch

    outbox_dispatch()
    their_delivery = WebhookDelivery.objects.get(endpoint=theirs)
    assert b"zz-secret" not in seller.get("/api/v1/webhooks/").content
    base = f"/api/v1/webhooks/{theirs.pk}/"
    for method, url in [
        ("get", base),
        ("patch", base),
        ("delete", base),
        ("post", base + "rotate-secret/"),
        ("get", base + "deliveries/"),
        ("post", base + f"deliveries/{their_delivery.pk}/replay/"),
        # their delivery through my endpoint: not mine either
        ("post", f"/api/v1/webhooks/{mine.pk}/deliveries/{their_delivery.pk}/replay/"),
    ]:
        response = getattr(seller, method)(url, {"active": False}, format="json")
        assert response.status_code == 404, (method, url)
    theirs.refresh_from_db()
    assert theirs.active and theirs.removed_at is None
    assert WebhookDelivery.objects.count() == 1


def test_creators_and_anonymous_are_refused(creator_silver, partner_a, seller_a):
    hook, _ = endpoint(partner_a, seller_a, "https://hooks.example.com/a")
    creator = client_for(creator_silver.user)
    for client, code in [(creator, 403), (APIClient(), 401)]:
        assert client.get("/api/v1/webhooks/").status_code in (code, 403)
        response = client.post(
            "/api/v1/webhooks/",
            {"url": "https://hooks.example.com/b", "events": ["lead.created"]},
            format="json",
        )
        assert response.status_code in (code, 403)
        assert client.get(f"/api/v1/webhooks/{hook.pk}/deliveries/").status_code in (code, 403)
    assert WebhookEndpoint.objects.count() == 1
