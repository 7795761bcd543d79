"""Walk every URL pattern the project has and knock on other people's doors.

Each route must be listed in ROUTES below; a new route that is not fails the walk. For routes
that take an object, the walk asks for an object of another partner or another creator as
seller_a, creator_silver and an anonymous visitor, and expects a refusal and none of its data.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from followup.services import task_create
from im.models import ReplyTemplate, Thread
from im.reply_templates import reply_template_create
from integrations.feeds import sheet_feed_create, sheet_feed_revoke
from integrations.models import SheetFeed, WebhookDelivery, WebhookEndpoint
from integrations.services.endpoints import webhook_endpoint_create
from leads.models import CollaborationRequest, LeadNote, SavedView
from leads.services import collaboration_request_submit, lead_add, note_create, saved_view_create
from notifications.models import Notification
from routing.services import assignment_rule_create
from tests.factories import (
    CreatorUserFactory,
    MessageFactory,
    PartnerFactory,
    SellerFactory,
)

pytestmark = pytest.mark.django_db
SECRET = "zz_secret_creator"

# route name -> (object kwarg -> which foreign object, methods to try)
ROUTES = {
    # pages and endpoints without an object: checked for anonymous access only
    "home": ({}, ["GET"]),
    "healthz": ({}, ["GET"]),
    "readyz": ({}, ["GET"]),
    "liveness": ({}, ["GET"]),
    "livez": ({}, ["GET"]),
    "metrics": ({}, ["GET"]),
    "favicon": ({}, ["GET"]),
    "login": ({}, ["GET"]),
    "admin_login": ({}, ["GET"]),
    "logout": ({}, ["POST"]),
    "notifications": ({}, ["GET"]),
    "notification_badge": ({}, ["GET"]),
    "ec:notifications": ({}, ["GET"]),
    "ec:notification_badge": ({}, ["GET"]),
    "ec:notifications_read_all": ({}, ["POST"]),
    "notification_preferences": ({}, ["GET", "POST"]),
    "notification-preferences": ({}, ["GET", "PATCH"]),
    "followup:my_tasks": ({}, ["GET"]),
    "task-list": ({}, ["GET"]),
    "leads:dashboard": ({}, ["GET"]),
    "ec:partner_list": ({}, ["GET"]),
    "ec:my_requests": ({}, ["GET"]),
    "leads:pool": ({}, ["GET"]),
    "im:inbox": ({}, ["GET"]),
    "im_creator:inbox": ({}, ["GET"]),
    "api-schema": ({}, ["GET"]),
    "api-docs": ({}, ["GET"]),
    "api-token": ({}, ["POST"]),
    "api-me": ({}, ["GET"]),
    "api-creator-stats": ({}, ["POST"]),
    "lead-list": ({}, ["GET"]),
    "lead-export-csv": ({}, ["GET"]),
    "lead-stats": ({}, ["GET"]),
    "partner-list": ({}, ["GET"]),
    "collaboration-request-list": ({}, ["GET", "POST"]),
    "thread-list": ({}, ["GET", "POST"]),
    "notification-list": ({}, ["GET"]),
    "notification-read-all": ({}, ["POST"]),
    "lead-bulk": ({}, ["POST"]),
    "staff-list": ({}, ["GET"]),
    "saved-view-list": ({}, ["GET", "POST"]),
    "leads:bulk": ({}, ["POST"]),
    "leads:saved_view_create": ({}, ["POST"]),
    "leads:undo": ({}, ["POST"]),
    "leads:filters_panel": ({}, ["POST"]),
    # routes that take someone else's object
    "ec:partner_detail": ({"slug": "hidden_partner_slug"}, ["GET"]),
    "ec:request": ({"slug": "hidden_partner_slug"}, ["GET", "POST"]),
    "ec:request_result": ({"request_id": "request"}, ["GET"]),
    "im_creator:thread": ({"thread_id": "thread"}, ["GET"]),
    "im_creator:send": ({"thread_id": "thread"}, ["POST"]),
    "im_creator:poll": ({"thread_id": "thread"}, ["GET"]),
    "im_creator:read": ({"thread_id": "thread"}, ["POST"]),
    "im_creator:start": ({"partner_id": "hidden_partner"}, ["GET", "POST"]),
    "leads:detail": ({"lead_id": "lead"}, ["GET"]),
    "im:lead_timeline": ({"lead_id": "lead"}, ["GET"]),
    "leads:status": ({"lead_id": "lead"}, ["POST"]),
    "leads:remove": ({"lead_id": "lead"}, ["POST"]),
    "leads:restore": ({"lead_id": "lead"}, ["POST"]),
    "leads:row_owner": ({"lead_id": "lead"}, ["POST"]),
    "leads:owner": ({"lead_id": "lead"}, ["POST"]),
    "leads:note_add": ({"lead_id": "lead"}, ["POST"]),
    "leads:note_edit": ({"lead_id": "lead", "note_id": "note"}, ["POST"]),
    "leads:note_delete": ({"lead_id": "lead", "note_id": "note"}, ["POST"]),
    "leads:saved_view_delete": ({"view_id": "saved_view"}, ["POST"]),
    "im:thread": ({"thread_id": "thread"}, ["GET"]),
    "im:send": ({"thread_id": "thread"}, ["POST"]),
    "im:poll": ({"thread_id": "thread"}, ["GET"]),
    "im:read": ({"thread_id": "thread"}, ["POST"]),
    "im:lead_add": ({"thread_id": "thread"}, ["POST"]),
    "im:lead_remove": ({"thread_id": "thread"}, ["POST"]),
    "im:reply_picker": ({"thread_id": "thread"}, ["GET"]),
    "im:reply_templates": ({}, ["GET"]),
    "im:reply_template_add": ({}, ["POST"]),
    "im:reply_template_edit": ({"template_id": "reply_template"}, ["POST"]),
    "im:reply_template_remove": ({"template_id": "reply_template"}, ["POST"]),
    "reply-template-list": ({}, ["GET", "POST"]),
    "reply-template-detail": ({"pk": "reply_template"}, ["PATCH", "DELETE"]),
    "lead-detail": ({"pk": "lead"}, ["GET", "PATCH"]),
    "lead-events": ({"pk": "lead"}, ["GET"]),
    "lead-restore": ({"pk": "lead"}, ["POST"]),
    "lead-note-list": ({"lead_pk": "lead"}, ["GET", "POST"]),
    "lead-note-detail": ({"lead_pk": "lead", "pk": "note"}, ["PATCH", "DELETE"]),
    "saved-view-detail": ({"pk": "saved_view"}, ["DELETE"]),
    "ec:request_renew": ({"request_id": "request"}, ["POST"]),
    "collaboration-request-renew": ({"pk": "request"}, ["POST"]),
    "lead-renewal-request": ({"pk": "lead"}, ["POST"]),
    "lead-task-list": ({"lead_pk": "lead"}, ["GET", "POST"]),
    "task-detail": ({"pk": "task"}, ["GET", "PATCH"]),
    "followup:task_add": ({"lead_id": "lead"}, ["POST"]),
    "followup:task_done": ({"task_id": "task"}, ["POST"]),
    "routing:settings": ({}, ["GET"]),
    "routing:response_target": ({}, ["POST"]),
    "routing:away": ({}, ["POST"]),
    "routing:rule_create": ({}, ["POST"]),
    "routing:rule_update": ({"rule_id": "rule"}, ["POST"]),
    "routing:rule_delete": ({"rule_id": "rule"}, ["POST"]),
    "routing:rule_move": ({"rule_id": "rule"}, ["POST"]),
    "routing:rule_active": ({"rule_id": "rule"}, ["POST"]),
    "assignment-rule-list": ({}, ["GET", "POST"]),
    "assignment-rule-detail": ({"pk": "rule"}, ["PATCH", "DELETE"]),
    "assignment-rule-preview": ({"pk": "rule"}, ["GET"]),
    "webhook-list": ({}, ["GET", "POST"]),
    "webhook-detail": ({"pk": "webhook"}, ["GET", "PATCH", "DELETE"]),
    "webhook-rotate-secret": ({"pk": "webhook"}, ["POST"]),
    "webhook-deliveries": ({"pk": "webhook"}, ["GET"]),
    "webhook-delivery-replay": ({"pk": "webhook", "delivery_id": "delivery"}, ["POST"]),
    "partner-settings": ({}, ["GET", "PATCH"]),
    "integrations:section": ({}, ["GET"]),
    "integrations:endpoint_add": ({}, ["POST"]),
    "integrations:endpoint_update": ({"endpoint_id": "webhook"}, ["POST"]),
    "integrations:endpoint_active": ({"endpoint_id": "webhook"}, ["POST"]),
    "integrations:endpoint_rotate": ({"endpoint_id": "webhook"}, ["POST"]),
    "integrations:endpoint_remove": ({"endpoint_id": "webhook"}, ["POST"]),
    "integrations:delivery_log": ({"endpoint_id": "webhook"}, ["GET"]),
    "integrations:delivery_replay": (
        {"endpoint_id": "webhook", "delivery_id": "delivery"},
        ["POST"],
    ),
    "integrations:sheet_feed_add": ({}, ["POST"]),
    "integrations:sheet_feed_revoke": ({"feed_id": "sheet_feed"}, ["POST"]),
    "sheet-feed-list": ({}, ["GET", "POST"]),
    "sheet-feed-detail": ({"pk": "sheet_feed"}, ["DELETE"]),
    # the token is the credential (anyone holding it reads the feed): a revoked one opens nothing
    "sheet_feed_csv": ({"token": "revoked_feed_token"}, ["GET"]),
    "collaboration-request-detail": ({"pk": "request"}, ["GET"]),
    "thread-detail": ({"pk": "thread"}, ["GET"]),
    "thread-messages": ({"pk": "thread"}, ["GET", "POST"]),
    "thread-read": ({"pk": "thread"}, ["POST"]),
    "thread-lead": ({"pk": "thread"}, ["PUT", "DELETE"]),
    "notification-read": ({"pk": "notification"}, ["POST"]),
    "notifications_read_all": ({}, ["POST"]),
    # public by design: any signed-in user may read a creator's or a listed partner's profile
    "creator-detail": ({"handle": "public_creator"}, ["GET"]),
    "partner-detail": ({"pk": "public_partner"}, ["GET"]),
    # any seller may start a chat with any creator (as `POST /api/v1/im/threads/` allows); the
    # GET is a confirm page for the seller's own partner, never another partner's thread
    "im:start": ({"handle": "public_creator"}, ["GET"]),
}
PUBLIC_OBJECTS = {"creator-detail", "partner-detail"}
SELLER_PUBLIC = {"im:start"}
ANONYMOUS_OK = {
    "login",
    "admin_login",
    "healthz",
    "readyz",
    "liveness",
    "livez",
    # Not a login but an address allow-list or a token (METRICS_ALLOWED_IPS, loopback by
    # default, which is where the test client comes from): tests/infra/test_healthz.py.
    "metrics",
    "favicon",
    "api-schema",
    "api-docs",
    "api-token",
    "logout",
    "sheet_feed_csv",
}


def project_routes(resolver=None, namespace=""):
    """(name, pattern) for every route outside Django admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{entry.namespace}:" if entry.namespace else namespace
            yield from project_routes(entry, inner if entry.namespace else namespace)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else str(entry.pattern)), entry


def test_every_route_is_covered_by_the_walk():
    names = {name for name, _ in project_routes()}
    assert names - set(ROUTES) == set(), "new routes must be added to the isolation walk"
    assert set(ROUTES) - names == set(), "routes listed here no longer exist"


@pytest.fixture
def foreign():
    """Objects that belong to partner B and to a creator who is not creator_silver."""
    hidden_partner = PartnerFactory(name="Hidden Partner", slug="hidden-partner", is_listed=False)
    partner_b = SellerFactory().partner
    other = CreatorUserFactory(handle=SECRET, tier=3)
    request = collaboration_request_submit(creator=other, partner=partner_b).request
    thread = Thread.objects.get(partner=partner_b, creator=other)  # the request opened it
    MessageFactory(thread=thread, body="zz secret message body")
    lead, _ = lead_add(partner=partner_b, creator=other, user=None)
    seller_b = partner_b.staff.get().user
    note = note_create(lead=lead, author=seller_b, body="zz secret note")
    view = saved_view_create(
        owner=seller_b, partner=partner_b, name="zz secret view", query="status=new", shared=True
    )
    feed, _ = sheet_feed_create(partner=partner_b, user=seller_b, saved_view=view)
    revoked, revoked_token = sheet_feed_create(partner=partner_b, user=seller_b, saved_view=view)
    sheet_feed_revoke(feed=revoked, user=seller_b)
    endpoint, _ = webhook_endpoint_create(
        partner=partner_b,
        user=seller_b,
        url="https://example.com/zz-secret-hook",
        kind="generic",
        events=["lead.created"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=1,
        type="lead.created",
        message_id="msg_zz_secret",
        last_response_excerpt="zz secret response",
    )
    return {
        "webhook": endpoint.pk,
        "delivery": delivery.pk,
        "sheet_feed": feed.pk,
        "revoked_feed_token": revoked_token,
        "hidden_partner": hidden_partner.pk,
        "hidden_partner_slug": hidden_partner.slug,
        "request": request.pk,
        "thread": thread.pk,
        "lead": lead.pk,
        "note": note.pk,
        "saved_view": view.pk,
        "task": task_create(
            lead=lead, user=seller_b, title="zz secret task", due_at=timezone.now()
        ).pk,
        "rule": assignment_rule_create(
            partner=partner_b,
            name="zz secret rule",
            query="",
            strategy="round_robin",
            members=[seller_b.pk],
        ).pk,
        "notification": Notification.objects.filter(partner=partner_b).first().pk,
        "reply_template": reply_template_create(
            partner=partner_b, name="zz secret template", body="zz secret reply"
        ).pk,
        "public_creator": other.handle,
        "public_partner": partner_b.pk,
    }


def clients(seller_a, creator_silver):
    anonymous = APIClient()
    seller, creator = APIClient(), APIClient()
    seller.force_login(seller_a)
    creator.force_login(creator_silver.user)
    return {"anonymous": anonymous, "seller_a": seller, "creator_silver": creator}


def call(client, method, url):
    return (
        getattr(client, method.lower())(url, {}, format="json")
        if method != "GET"
        else client.get(url)
    )


def test_nobody_reaches_another_partners_or_creators_objects(foreign, seller_a, creator_silver):
    checked = 0
    for name, (kwargs_spec, methods) in ROUTES.items():
        kwargs = {key: foreign[value] for key, value in kwargs_spec.items()}
        url = reverse(name, kwargs=kwargs)
        for who, client in clients(seller_a, creator_silver).items():
            for method in methods:
                response = call(client, method, url)
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                checked += 1
                where = f"{method} {url} as {who}: {response.status_code}"
                if who == "anonymous":
                    if name in ANONYMOUS_OK:
                        assert response.status_code < 500, where
                    else:
                        assert response.status_code in (302, 401, 403), where
                        if response.status_code == 302:
                            assert "/login/" in response["Location"], where
                    continue
                if not kwargs:
                    assert response.status_code < 500, where
                    assert SECRET.encode() not in body, where
                    continue
                if name in SELLER_PUBLIC and who == "seller_a":
                    assert response.status_code == 200, where
                    assert b"zz secret message body" not in body, where
                    continue
                if name in PUBLIC_OBJECTS:
                    assert response.status_code == 200, where
                    assert b"zz secret message body" not in body, where
                    continue
                assert response.status_code in (403, 404), where
                assert SECRET.encode() not in body and b"zz secret" not in body, where
    assert checked > 150
    # Nothing was changed by all that knocking.
    assert CollaborationRequest.objects.get(pk=foreign["request"]).is_open
    assert Thread.objects.get(pk=foreign["thread"]).messages.count() == 1
    assert LeadNote.objects.alive().get(pk=foreign["note"]).body == "zz secret note"
    assert SavedView.objects.filter(pk=foreign["saved_view"]).exists()
    assert SheetFeed.objects.get(pk=foreign["sheet_feed"]).revoked_at is None
    endpoint = WebhookEndpoint.objects.get(pk=foreign["webhook"])
    assert endpoint.active and endpoint.removed_at is None
    assert endpoint.url == "https://example.com/zz-secret-hook"
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1  # no replay queued
    template = ReplyTemplate.objects.get(pk=foreign["reply_template"])
    assert template.removed_at is None and template.body == "zz secret reply"


def test_lists_show_only_the_callers_own(foreign, seller_a, creator_silver):
    for who, client in clients(seller_a, creator_silver).items():
        if who == "anonymous":
            continue
        for url in [
            "/api/v1/leads/",
            "/api/v1/im/threads/",
            "/api/v1/notifications/",
            "/api/v1/collaboration-requests/",
            "/seller/leads/",
            "/seller/im/",
            "/ec/requests/",
            "/ec/messages/",
            "/seller/notifications/",
        ]:
            response = client.get(url)
            assert SECRET.encode() not in response.content, f"{url} as {who}"


def test_admin_is_for_staff_only(seller_a):
    client = APIClient()
    client.force_login(seller_a)
    response = client.get("/admin/leads/lead/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
