"""Webhook endpoints on the settings page: add, change, turn on or off, rotate, remove.

Pages parse, call the services (integrations.services.endpoints) and answer; an error comes
back as the form again (400) with the field named. Another partner's endpoint is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.ids import id_parse
from core.roles import seller_partner, seller_required
from leads.selectors import saved_view_list

from .. import selectors
from ..models import WebhookEndpoint
from ..services.endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_remove,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)
from .section import NEW, section_render


def endpoint_of(request, endpoint_id) -> WebhookEndpoint:
    """The caller's partner's endpoint (not removed); anything else is a 404."""
    endpoint_id = id_parse(endpoint_id)  # a 20-digit id would overflow a bigint
    endpoint = (
        selectors.webhook_endpoint_get(
            partner=seller_partner(request.user), endpoint_id=endpoint_id
        )
        if endpoint_id is not None
        else None
    )
    if endpoint is None:
        raise Http404("No such webhook.")
    return endpoint


def settings_url() -> str:
    return reverse("routing:settings") + "#webhooks"


def done(request, text: str):
    """After a change that shows no secret: the fragment (htmx) or back to the settings."""
    if request.htmx:
        return section_render(request, notice=text)
    messages.success(request, text)
    return redirect(settings_url())


def _posted(request) -> dict:
    """The endpoint form's fields. A saved view picked for the query fills an empty query;
    a view the caller does not see is an error naming `query`."""
    query = request.POST.get("query", "")
    picked = request.POST.get("query_view", "")
    if picked and not query.strip():
        view_id = id_parse(picked)
        view = (
            saved_view_list(partner=seller_partner(request.user), user=request.user)
            .filter(pk=view_id)
            .first()
            if view_id is not None
            else None
        )
        if view is None:
            raise ValidationError({"query": ["Pick one of your saved views."]})
        query = view.query
    return {
        "url": request.POST.get("url", ""),
        "kind": request.POST.get("kind", ""),
        "events": request.POST.getlist("events"),
        "query": query,
    }


def _shown(request, fields: dict | None = None) -> dict:
    """What the form shows again after an error: what was sent."""
    fields = fields or {
        "url": request.POST.get("url", ""),
        "kind": request.POST.get("kind", ""),
        "events": request.POST.getlist("events"),
        "query": request.POST.get("query", ""),
    }
    return {**fields, "events": set(fields["events"]), "active": "active" in request.POST}


@seller_required
@require_POST
def endpoint_add(request):
    try:
        fields = _posted(request)
        endpoint, secret = webhook_endpoint_create(
            partner=seller_partner(request.user),
            user=request.user,
            active=request.POST.get("active") == "on",
            **fields,
        )
    except ValidationError as exc:
        return section_render(
            request, status=400, failed=NEW, posted=_shown(request), errors=exc.message_dict
        )
    return section_render(
        request,
        secret={"endpoint": endpoint, "secret": secret, "why": "added"},
        notice=f"Added the webhook to {endpoint.url}.",
    )


@seller_required
@require_POST
def endpoint_update(request, endpoint_id):
    endpoint = endpoint_of(request, endpoint_id)
    try:
        fields = _posted(request)
        webhook_endpoint_update(endpoint=endpoint, user=request.user, **fields)
    except ValidationError as exc:
        posted = {**_shown(request), "active": endpoint.active}
        return section_render(
            request, status=400, failed=endpoint.pk, posted=posted, errors=exc.message_dict
        )
    return done(request, f"Saved the webhook to {request.POST.get('url', '').strip()}.")


@seller_required
@require_POST
def endpoint_active_set(request, endpoint_id):
    endpoint = endpoint_of(request, endpoint_id)
    active = request.POST.get("active") == "on"
    webhook_endpoint_update(endpoint=endpoint, user=request.user, active=active)
    return done(request, f"Turned the webhook to {endpoint.url} {'on' if active else 'off'}.")


@seller_required
@require_POST
def endpoint_secret_rotate(request, endpoint_id):
    endpoint = endpoint_of(request, endpoint_id)
    secret = webhook_endpoint_secret_rotate(endpoint=endpoint, user=request.user)
    return section_render(
        request,
        secret={"endpoint": endpoint, "secret": secret, "why": "rotated"},
        notice=f"Rotated the signing secret of the webhook to {endpoint.url}.",
    )


@seller_required
@require_POST
def endpoint_remove(request, endpoint_id):
    endpoint = endpoint_of(request, endpoint_id)
    webhook_endpoint_remove(endpoint=endpoint, user=request.user)
    return done(request, f"Removed the webhook to {endpoint.url}.")
