"""The settings page's integrations section: webhooks (add, edit, on/off, rotate, remove), the
delivery log with "Replay", and sheet feeds; through the pages, as a seller uses them."""

import re

import pytest
from django.test import Client

from integrations.feeds import sheet_feed_create
from integrations.models import EventType, SheetFeed, WebhookDelivery, WebhookEndpoint
from integrations.services.endpoints import webhook_endpoint_create
from leads.services import saved_view_create

pytestmark = pytest.mark.django_db

SECTION = "/seller/settings/integrations/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client(seller_a):
    client = Client(enforce_csrf_checks=False)
    client.force_login(seller_a)
    return client


def endpoint_of(partner, user, url="https://example.com/hooks", **extra):
    fields = {"kind": "generic", "events": [EventType.LEAD_CREATED], **extra}
    return webhook_endpoint_create(partner=partner, user=user, url=url, **fields)[0]


def delivery_of(endpoint, **extra):
    fields = {"event_id": 1, "type": EventType.LEAD_CREATED, "message_id": "msg_1", **extra}
    return WebhookDelivery.objects.create(endpoint=endpoint, **fields)


def text(response) -> str:
    return response.content.decode()


def test_the_settings_page_loads_the_section_with_a_fallback_link(client):
    body = text(client.get("/seller/settings/"))
    assert 'hx-get="/seller/settings/integrations/"' in body
    assert 'id="webhooks"' in body and 'id="sheet-feeds"' in body
    assert 'href="/seller/settings/integrations/#webhooks"' in body
    # The fallback is a whole page; htmx gets the fragment only.
    page = text(client.get(SECTION))
    assert "<html" in page and 'id="webhooks"' in page and 'data-testid="endpoint-new"' in page
    fragment = text(client.get(SECTION, **HTMX))
    assert "<html" not in fragment and 'id="sheet-feeds"' in fragment


def test_a_bad_url_is_a_form_error_naming_url_and_nothing_is_added(client):
    response = client.post(
        "/seller/settings/webhooks/",
        {"url": "http://10.0.0.1/hook", "kind": "generic", "events": ["lead.created"]},
        **HTMX,
    )
    assert response.status_code == 400
    body = text(response)
    assert re.search(r'data-testid="endpoint-errors">url: [^<]*private', body), body[:3000]
    assert 'id="hooknew-url"' in body and 'value="http://10.0.0.1/hook"' in body
    assert 'aria-invalid="true"' in body
    assert not WebhookEndpoint.objects.exists()
    # Without htmx the whole page comes back with the same error.
    response = client.post("/seller/settings/webhooks/", {"url": "", "kind": "generic"})
    assert response.status_code == 400 and "<html" in text(response)
    assert "url: Enter the URL" in text(response)
    response = client.post(
        "/seller/settings/webhooks/", {"url": "https://example.com/h", "kind": "generic"}
    )
    assert response.status_code == 400 and "events: Choose at least one event type." in text(
        response
    )


def test_adding_shows_the_secret_once(client, partner_a):
    response = client.post(
        "/seller/settings/webhooks/",
        {
            "url": "https://example.com/hooks",
            "kind": "generic",
            "events": ["lead.created", "lead.status_changed"],
            "query": "tier=gold",
            "active": "on",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.partner == partner_a and endpoint.active and endpoint.query == "tier=gold"
    assert endpoint.events == ["lead.created", "lead.status_changed"]
    body = text(response)
    assert endpoint.secret.startswith("whsec_")
    assert f'value="{endpoint.secret}"' in body and 'data-copy="#webhook-secret-value"' in body
    # Shown once: neither the section nor the settings page nor the log shows it again.
    for url in (
        SECTION,
        "/seller/settings/",
        f"/seller/settings/webhooks/{endpoint.pk}/deliveries/",
    ):
        assert endpoint.secret not in text(client.get(url))
    listed = text(client.get(SECTION))
    assert "https://example.com/hooks" in listed and "Lead status changed" in listed


def test_the_query_can_come_from_a_saved_view(client, seller_a, partner_a, seller_b, partner_b):
    view = saved_view_create(owner=seller_a, partner=partner_a, name="Gold", query="tier=gold")
    foreign = saved_view_create(
        owner=seller_b, partner=partner_b, name="B", query="tier=silver", shared=True
    )
    form = {"url": "https://example.com/a", "kind": "generic", "events": ["lead.created"]}
    response = client.post("/seller/settings/webhooks/", {**form, "query_view": foreign.pk}, **HTMX)
    assert response.status_code == 400 and "query: Pick one of your saved views." in text(response)
    response = client.post("/seller/settings/webhooks/", {**form, "query_view": view.pk}, **HTMX)
    assert response.status_code == 200
    assert WebhookEndpoint.objects.get().query == "tier=gold"


def test_edit_turn_off_rotate_and_remove(client, seller_a, partner_a):
    endpoint = endpoint_of(partner_a, seller_a)
    old_secret = endpoint.secret
    base = f"/seller/settings/webhooks/{endpoint.pk}"

    response = client.post(f"{base}/", {"url": "ftp://x", "kind": "generic", "events": []}, **HTMX)
    assert response.status_code == 400 and "url: " in text(response)
    endpoint.refresh_from_db()
    assert endpoint.url == "https://example.com/hooks"

    edit = {"url": "https://example.org/new", "kind": "generic", "events": ["lead.removed"]}
    response = client.post(f"{base}/", edit)
    assert response.status_code == 302 and response["Location"] == "/seller/settings/#webhooks"
    endpoint.refresh_from_db()
    assert endpoint.url == "https://example.org/new" and endpoint.events == ["lead.removed"]

    assert client.post(f"{base}/active/", {}, **HTMX).status_code == 200
    endpoint.refresh_from_db()
    assert endpoint.active is False
    assert 'data-testid="endpoint-state">off' in text(client.get(SECTION))
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(disabled_reason="10 failures in a row")
    assert "Turned off: 10 failures in a row" in text(client.get(SECTION))
    client.post(f"{base}/active/", {"active": "on"}, **HTMX)
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.disabled_reason == ""

    response = client.post(f"{base}/rotate-secret/", {}, **HTMX)
    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret and f'value="{endpoint.secret}"' in text(response)
    assert old_secret not in text(response)

    assert client.post(f"{base}/remove/", {}, **HTMX).status_code == 200
    endpoint.refresh_from_db()
    assert endpoint.removed_at is not None
    assert "https://example.org/new" not in text(client.get(SECTION))
    assert client.get(f"{base}/deliveries/").status_code == 404


def test_the_delivery_log_lists_its_own_endpoints_deliveries_newest_first(
    client, seller_a, partner_a, seller_b, partner_b
):
    mine = endpoint_of(partner_a, seller_a)
    other_mine = endpoint_of(partner_a, seller_a, url="https://example.com/other")
    theirs = endpoint_of(partner_b, seller_b, url="https://example.com/bravo")
    delivery_of(
        mine,
        status=WebhookDelivery.Status.SUCCEEDED,
        attempts=1,
        last_status_code=200,
        last_duration_ms=42,
        last_response_excerpt="ok-from-receiver",
    )
    delivery_of(
        mine,
        type=EventType.LEAD_REMOVED,
        message_id="msg_2",
        status=WebhookDelivery.Status.FAILED,
        attempts=3,
        last_status_code=500,
        last_response_excerpt="boom",
    )
    delivery_of(other_mine, type=EventType.LEAD_ASSIGNED, message_id="msg_other")
    delivery_of(theirs, last_response_excerpt="bravo-secret-body")

    response = client.get(f"/seller/settings/webhooks/{mine.pk}/deliveries/")
    assert response.status_code == 200
    body = text(response)
    rows = re.findall(r'data-testid="delivery" data-delivery="(\d+)"', body)
    assert len(rows) == 2 and int(rows[0]) > int(rows[1])
    assert body.index("lead.removed") < body.index("lead.created")
    assert "ok-from-receiver" in body and "42 ms" in body and "boom" in body
    assert "Delivered" in body and "Failed" in body
    assert "lead.assigned" not in body and "bravo-secret-body" not in body
    assert client.get(f"/seller/settings/webhooks/{theirs.pk}/deliveries/").status_code == 404
    # The section shows each endpoint's newest delivery.
    section = text(client.get(SECTION))
    assert "Failed</span> (500)" in section


def test_the_log_is_paginated_in_constant_queries(
    client, seller_a, partner_a, django_assert_max_num_queries
):
    endpoint = endpoint_of(partner_a, seller_a)
    for i in range(60):
        delivery_of(endpoint, message_id=f"msg_{i}")
    with django_assert_max_num_queries(12):
        first = text(client.get(f"/seller/settings/webhooks/{endpoint.pk}/deliveries/"))
    assert first.count('data-testid="delivery"') == 25 and "Page 1 of 3" in first
    last = text(client.get(f"/seller/settings/webhooks/{endpoint.pk}/deliveries/?page=3"))
    assert last.count('data-testid="delivery"') == 10
    for i in range(4):
        endpoint_of(partner_a, seller_a, url=f"https://example.com/{i}")
    with django_assert_max_num_queries(12):
        assert text(client.get(SECTION, **HTMX)).count('data-testid="endpoint"') == 5


def test_replay_queues_a_delivery_of_the_same_event(
    client, seller_a, partner_a, seller_b, partner_b
):
    endpoint = endpoint_of(partner_a, seller_a)
    delivery = delivery_of(endpoint, status=WebhookDelivery.Status.FAILED, attempts=8)
    theirs = delivery_of(endpoint_of(partner_b, seller_b), message_id="msg_b")
    url = f"/seller/settings/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/replay/"
    assert client.get(url).status_code == 405

    response = client.post(url, follow=True)
    assert response.status_code == 200
    replay = WebhookDelivery.objects.get(replay_of=delivery)
    assert replay.endpoint == endpoint and replay.status == WebhookDelivery.Status.PENDING
    assert replay.message_id == delivery.message_id and replay.replayed_by == seller_a
    body = text(response)
    assert "Queued a replay" in body and f'data-delivery="{replay.pk}"' in body

    # Another partner's delivery, even under my endpoint's address, is a 404.
    foreign = f"/seller/settings/webhooks/{endpoint.pk}/deliveries/{theirs.pk}/replay/"
    assert client.post(foreign).status_code == 404
    assert not WebhookDelivery.objects.filter(replay_of=theirs).exists()


def test_another_partners_endpoint_is_a_404_and_stays_as_it_was(client, seller_b, partner_b):
    theirs = endpoint_of(partner_b, seller_b, url="https://example.com/bravo")
    base = f"/seller/settings/webhooks/{theirs.pk}"
    for path, data in [
        ("/", {"url": "https://evil.example.com/", "kind": "generic", "events": ["lead.created"]}),
        ("/active/", {}),
        ("/rotate-secret/", {}),
        ("/remove/", {}),
    ]:
        assert client.post(base + path, data).status_code == 404
    assert client.get(base + "/deliveries/").status_code == 404
    fresh = WebhookEndpoint.objects.get(pk=theirs.pk)
    assert (fresh.url, fresh.active, fresh.secret, fresh.removed_at) == (
        theirs.url,
        True,
        theirs.secret,
        None,
    )
    assert "example.com/bravo" not in text(client.get(SECTION))


def test_only_sellers_and_csrf_is_checked(seller_a, creator_silver):
    creator = Client()
    creator.force_login(creator_silver.user)
    assert creator.get(SECTION).status_code == 403
    assert Client().get(SECTION).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(seller_a)
    form = {"url": "https://example.com/x", "kind": "generic", "events": ["lead.created"]}
    assert strict.post("/seller/settings/webhooks/", form).status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_a_sheet_feed_from_the_page_shows_its_url_and_formula_once(
    client, seller_a, partner_a, seller_b, partner_b
):
    view = saved_view_create(owner=seller_a, partner=partner_a, name="Gold", query="tier=gold")
    foreign = saved_view_create(owner=seller_b, partner=partner_b, name="B", query="", shared=True)

    response = client.post("/seller/settings/sheet-feeds/", {"saved_view": foreign.pk}, **HTMX)
    assert response.status_code == 400 and "saved_view: " in text(response)
    assert not SheetFeed.objects.exists()

    response = client.post("/seller/settings/sheet-feeds/", {"saved_view": view.pk}, **HTMX)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    url = re.search(r'id="feed-url-value" type="text" readonly value="([^"]+)"', text(response))[1]
    assert url.startswith("http://testserver/feeds/sheets/") and url.endswith(".csv")
    assert f"=IMPORTDATA(&quot;{url}&quot;)" in text(response)
    feed = SheetFeed.objects.get()
    assert feed.saved_view == view and feed.created_by == seller_a
    assert Client().get(url.removeprefix("http://testserver")).status_code == 200
    assert url not in text(client.get(SECTION))
    assert 'data-testid="feed-state">Live' in text(client.get(SECTION))

    response = client.post(f"/seller/settings/sheet-feeds/{feed.pk}/revoke/")
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert Client().get(url.removeprefix("http://testserver")).status_code == 404
    assert 'data-testid="feed-state">Revoked' in text(client.get(SECTION))

    theirs, _ = sheet_feed_create(partner=partner_b, user=seller_b, saved_view=foreign)
    assert client.post(f"/seller/settings/sheet-feeds/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
