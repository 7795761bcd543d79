"""GETs never write: every page and every API route in the URLconf, GET as a seller, a creator,
an admin and an anonymous visitor, leaves every table exactly as it was (rows and values).

The routes come from the URLconf itself, so a new page or endpoint is walked without being
listed here; a route whose parameters this test cannot fill fails it, to be taught here.
"""

import re

import pytest
from django.apps import apps
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import get_resolver

from core.auth import api_token_issue
from core.models import JobRun
from creators.models import Partner
from creators.services import tiers_refresh
from followup.services import task_create
from im.models import Side
from im.reply_templates import reply_template_create
from im.services import message_send, thread_open
from integrations.feeds import sheet_feed_create
from integrations.models import WebhookDelivery
from integrations.services.endpoints import webhook_endpoint_create
from leads.models import CollaborationRequest, Lead
from leads.services import (
    authorizations_expire,
    collaboration_request_submit,
    lead_add,
    note_create,
    saved_view_create,
)
from notifications.models import Notification
from routing.services import assignment_rule_create
from tests.factories import CreatorDailyStatsFactory, CreatorUserFactory

# Query strings that make a GET do more than its bare route: a link that names a creator
# with no thread yet, a poll that has something to deliver, filters.
EXTRA_GETS = [
    "/seller/im/?creator={new_handle}",
    "/seller/im/start/{new_handle}/",
    "/seller/im/?creator={handle}",
    "/seller/im/{thread}/poll/?after=0",
    "/ec/messages/{thread}/poll/?after=0",
    "/seller/im/{thread}/?before=999999999",
    "/seller/im/{thread}/reply-templates/",
    "/seller/notifications/?unread=true",
    "/api/v1/notifications/?unread=true",
    "/api/v1/im/threads/?is_lead=true",
    "/api/v1/im/threads/{thread}/messages/?page=1",
    "/api/v1/leads/?tier=silver",
    "/api/v1/leads/?owner=me&expiring_within_hours=24&ordering=authorization_expires_at",
    "/api/v1/leads/export.csv?owner=none",
    "/seller/leads/?owner=me&expiring_within_hours=24&ordering=authorization_expires_at",
]

# Which object an API route's `<pk>` names, by the route's prefix.
API_PK = {
    "/api/v1/assignment-rules/": "rule",
    "/api/v1/tasks/": "task",
    "/api/v1/leads/<lead_pk>/notes/": "note",
    "/api/v1/saved-views/": "saved_view",
    "/api/v1/partners/": "partner",
    "/api/v1/leads/": "lead",
    "/api/v1/notifications/": "notification",
    "/api/v1/collaboration-requests/": "request",
    "/api/v1/im/threads/": "thread",
    "/api/v1/webhooks/": "webhook",
    "/api/v1/sheet-feeds/": "sheet_feed",
    "/api/v1/reply-templates/": "reply_template",
}


@pytest.fixture
def world(partner_a, seller_a, creator_silver, creator_bronze, admin_user):
    """One of everything the pages show, made through the services."""
    collaboration_request_submit(creator=creator_silver, partner=partner_a, message="Hi")
    thread, _ = thread_open(partner=partner_a, creator=creator_silver)
    message_send(thread=thread, sender=seller_a, side=Side.SELLER, body="Hello")
    message_send(thread=thread, sender=creator_silver.user, side=Side.CREATOR, body="Hi back")
    lead_add(partner=partner_a, creator=creator_bronze, user=seller_a)
    CreatorDailyStatsFactory(creator=creator_silver)
    tiers_refresh()
    authorizations_expire()
    api_token_issue(user=seller_a)
    note = note_create(lead=Lead.objects.order_by("pk").first(), author=seller_a, body="Note")
    view = saved_view_create(owner=seller_a, partner=partner_a, name="View", query="status=new")
    new_creator = CreatorUserFactory(handle="no_thread_yet")
    task = task_create(
        lead=Lead.objects.order_by("pk").first(),
        user=seller_a,
        title="Call",
        due_at=note.created_at,
    )
    feed, feed_token = sheet_feed_create(partner=partner_a, user=seller_a, saved_view=view)
    endpoint, _ = webhook_endpoint_create(
        partner=partner_a,
        user=seller_a,
        url="https://example.com/hooks",
        kind="generic",
        events=["lead.created"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_id=1, type="lead.created", message_id="msg_walk"
    )
    return {
        "webhook": endpoint.pk,
        "delivery": delivery.pk,
        "sheet_feed": feed.pk,
        "token": feed_token,
        "partner": partner_a.pk,
        "slug": partner_a.slug,
        "thread": thread.pk,
        "lead": Lead.objects.order_by("pk").first().pk,
        "request": CollaborationRequest.objects.get().pk,
        "notification": Notification.objects.filter(partner=partner_a).first().pk,
        "handle": creator_silver.handle,
        "new_handle": new_creator.handle,
        "user": seller_a.pk,
        "job": JobRun.Job.EXPIRE_AUTHORIZATIONS.value,
        "content_type": ContentType.objects.get_for_model(Partner).pk,
        "note": note.pk,
        "saved_view": view.pk,
        "task": task.pk,
        "rule": assignment_rule_create(
            partner=partner_a, name="Rule", query="", strategy="round_robin", members=[seller_a.pk]
        ).pk,
        "reply_template": reply_template_create(
            partner=partner_a, name="Hello", body="Hi {creator_name}"
        ).pk,
    }


def _fill(route: str, ids: dict) -> str:
    """A concrete URL for a route from the URLconf, its parameters filled from `ids`."""
    admin_model = re.match(r"^/admin/(\w+)/(\w+)/<", route)

    def value(match) -> str:
        name = match.group(1).split(":")[-1]
        if name == "object_id" and admin_model:
            model = apps.get_model(*admin_model.groups())
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            return str(first or 999999)  # a model with no rows: its "not found" answer
        if name == "object_id":
            return str(ids["partner"])
        if name == "pk":
            prefix = next((p for p in API_PK if route.startswith(p)), None)
            assert prefix, f"teach this test which object {route} names"
            return str(ids[API_PK[prefix]])
        if name == "url":  # the admin's catch-all
            return "nowhere/"
        if name == "app_label":
            return "leads"
        key = {
            "thread_id": "thread",
            "partner_id": "partner",
            "lead_id": "lead",
            "request_id": "request",
            "content_type_id": "content_type",
            "id": "user",
            "lead_pk": "lead",
            "note_id": "note",
            "view_id": "saved_view",
            "task_id": "task",
            "rule_id": "rule",
            "endpoint_id": "webhook",
            "delivery_id": "delivery",
            "feed_id": "sheet_feed",
            "template_id": "reply_template",
        }.get(name, name)
        assert key in ids, f"teach this test the parameter {name!r} of {route}"
        return str(ids[key])

    return re.sub(r"<([^>]+)>", value, route)


def _every_get_url(ids: dict) -> list[str]:
    routes = {
        simplify_regex(regex)
        for _, regex, _, _ in extract_views_from_urlpatterns(get_resolver().url_patterns)
    }
    urls = sorted({_fill(route, ids) for route in routes})
    return urls + [extra.format(**ids) for extra in EXTRA_GETS]


def _snapshot() -> dict:
    """Every row of every table (sessions by count: a login's own row may be re-saved)."""
    state = {}
    for model in apps.get_models():
        rows = model._default_manager.all()
        if model is Session:
            state[model._meta.label] = rows.count()
        else:
            state[model._meta.label] = list(rows.order_by("pk").values_list())
    return state


def test_every_get_writes_nothing_for_every_role(
    world, seller_a, creator_silver, admin_user, django_assert_max_num_queries
):
    urls = _every_get_url(world)
    assert len(urls) > 100  # the admin, pages and API all walked
    for who, user in [
        ("seller", seller_a),
        ("creator", creator_silver.user),
        ("admin", admin_user),
        ("anonymous", None),
    ]:
        client = Client()
        if user is not None:
            client.force_login(user)
        before = _snapshot()
        statuses = {}
        for url in urls:
            status = client.get(url).status_code
            statuses[url] = status
            assert status < 500, f"GET {url} as {who} answered {status}"
        after = _snapshot()
        changed = [label for label in before if before[label] != after[label]]
        assert not changed, f"GETs as {who} wrote to {changed}"
        if who == "seller":
            # The walk really reached the pages (not only login redirects and 404s).
            assert statuses[f"/seller/im/{world['thread']}/"] == 200
            assert statuses[f"/seller/im/start/{world['new_handle']}/"] == 200
            assert statuses[f"/seller/im/{world['thread']}/poll/?after=0"] == 200
            assert statuses[f"/api/v1/im/threads/{world['thread']}/messages/"] == 200
            assert statuses[f"/feeds/sheets/{world['token']}.csv"] == 200  # the first to ask
            assert statuses["/seller/settings/integrations/"] == 200
            assert statuses[f"/seller/settings/webhooks/{world['webhook']}/deliveries/"] == 200
        if who == "creator":
            assert statuses[f"/ec/messages/{world['thread']}/"] == 200
            assert statuses[f"/ec/requests/{world['request']}/"] == 200
        if who == "admin":
            assert statuses[f"/admin/leads/lead/{world['lead']}/change/"] == 200
