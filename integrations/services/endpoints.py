"""A partner's webhook endpoints: add, change, rotate the secret, remove."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from core.text import text_refuse_nul
from leads.filters import pool_query_check

from ..models import EventType, WebhookDelivery, WebhookEndpoint
from ..net import address_refusal, literal_address
from ..signing import secret_new

URL_MAX_LENGTH = 2000
QUERY_MAX_LENGTH = 2000
ENDPOINTS_MAX = 20
SLACK_PREFIX = "https://hooks.slack.com/"
# The page number and page size mean nothing to an endpoint's query.
DROPPED_KEYS = ("page", "page_size")
EDITABLE = ("url", "kind", "events", "query", "active")


def webhook_url_clean(url, *, kind: str = WebhookEndpoint.Kind.GENERIC) -> str:
    """A URL webhooks may post to: https (http only where WEBHOOKS_ALLOW_HTTP), a host that is
    not a refused address literal or `localhost` (checked again, resolved, at every send),
    no credentials; a Slack endpoint takes a Slack incoming-webhook URL."""
    if not isinstance(url, str) or not url.strip():
        raise ValidationError({"url": ["Enter the URL to post events to."]})
    url = text_refuse_nul(url.strip(), field="url")
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError({"url": [f"A URL can be at most {URL_MAX_LENGTH:,} characters."]})
    if any(ord(c) <= 32 or ord(c) == 127 for c in url):
        raise ValidationError({"url": ["A URL cannot hold spaces or control characters."]})
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise ValidationError({"url": ["Enter a valid URL."]}) from None
    allow_http = settings.WEBHOOKS_ALLOW_HTTP
    if parts.scheme not in (("https", "http") if allow_http else ("https",)):
        raise ValidationError({"url": ["Use an https:// URL."]})
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValidationError({"url": ["Enter a valid URL with a host name."]})
    if parts.username is not None or parts.password is not None:
        raise ValidationError({"url": ["A webhook URL cannot carry a user name or password."]})
    allow_loopback = settings.WEBHOOKS_ALLOW_LOOPBACK
    address = literal_address(host)
    why = address_refusal(address, allow_loopback=allow_loopback) if address else None
    if host == "localhost" or host.endswith(".localhost"):
        why = None if allow_loopback else "a loopback address"
    if why:
        raise ValidationError({"url": [f"Webhooks cannot be sent to {why}."]})
    if kind == WebhookEndpoint.Kind.SLACK and not allow_loopback:
        if not url.startswith(SLACK_PREFIX):
            raise ValidationError(
                {"url": [f"A Slack endpoint takes a Slack incoming-webhook URL ({SLACK_PREFIX}…)."]}
            )
    return url


def _kind_clean(kind) -> str:
    if kind not in WebhookEndpoint.Kind.values:
        raise ValidationError({"kind": ["Choose generic or slack."]})
    return kind


def _events_clean(events) -> list[str]:
    """A non-empty list of event types, in EventType's order, each once."""
    if not isinstance(events, list | tuple) or any(not isinstance(e, str) for e in events):
        raise ValidationError({"events": ["Events are a list of event types."]})
    unknown = sorted(set(events) - set(EventType.values))
    if unknown:
        shown = ", ".join(ascii(name)[1:-1] for name in unknown[:5])
        raise ValidationError(
            {"events": [f"Unknown event type: {shown}. Use {', '.join(EventType.values)}."]}
        )
    if not events:
        raise ValidationError({"events": ["Choose at least one event type."]})
    return [value for value in EventType.values if value in set(events)]


def webhook_query_clean(query) -> str:
    """The pool query string an endpoint keeps, normalised; ValidationError naming `query` when
    the pool's own FilterSet would refuse it (as assignment rules and saved views check)."""
    if not isinstance(query, str):
        raise ValidationError({"query": ["A query is the pool's query string, as text."]})
    query = text_refuse_nul(query.strip().lstrip("?"), field="query")
    if len(query) > QUERY_MAX_LENGTH:
        raise ValidationError(
            {"query": [f"A query can be at most {QUERY_MAX_LENGTH:,} characters."]}
        )
    params = QueryDict(query, mutable=True)
    for key in DROPPED_KEYS:
        params.pop(key, None)
    pool_query_check(params, field="query")
    return params.urlencode()


def _active_clean(active) -> bool:
    if not isinstance(active, bool):
        raise ValidationError({"active": ["Use true or false."]})
    return active


@transaction.atomic
def webhook_endpoint_create(
    *, partner, user, url, kind, events, query="", active=True
) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint to the partner's; returns it and its secret (shown this once)."""
    kind = _kind_clean(kind)
    fields = {
        "url": webhook_url_clean(url, kind=kind),
        "kind": kind,
        "events": _events_clean(events),
        "query": webhook_query_clean(query),
        "active": _active_clean(active),
    }
    existing = (
        WebhookEndpoint.objects.select_for_update()
        .filter(partner=partner, removed_at__isnull=True)
        .count()
    )
    if existing >= ENDPOINTS_MAX:
        raise ValidationError({"url": [f"A partner can keep at most {ENDPOINTS_MAX} webhooks."]})
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        partner=partner, created_by=user, secret=secret, **fields
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(*, endpoint: WebhookEndpoint, user, **fields) -> WebhookEndpoint:
    """Change some of `url`, `kind`, `events`, `query`, `active`, each checked as on creation.
    Turning an endpoint back on clears why it was disabled and its failure count; its
    pending deliveries then go out, oldest first."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise ValidationError({unknown[0]: ["This field cannot be changed."]})
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    kind = _kind_clean(fields.get("kind", endpoint.kind))
    changes = {"kind": kind}
    if "url" in fields or kind != endpoint.kind:
        changes["url"] = webhook_url_clean(fields.get("url", endpoint.url), kind=kind)
    if "events" in fields:
        changes["events"] = _events_clean(fields["events"])
    if "query" in fields:
        changes["query"] = webhook_query_clean(fields["query"])
    if "active" in fields:
        changes["active"] = _active_clean(fields["active"])
        if changes["active"] and not endpoint.active:
            changes["disabled_reason"] = ""
            changes["consecutive_failures"] = 0
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.updated_at = timezone.now()
    endpoint.save(update_fields=[*changes, "updated_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint, user) -> str:
    """Give the endpoint a new secret (shown this once); later attempts are signed with it."""
    secret = secret_new()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret, updated_at=timezone.now())
    endpoint.secret = secret
    return secret


@transaction.atomic
def webhook_endpoint_remove(*, endpoint: WebhookEndpoint, user) -> None:
    """Remove the endpoint (softly: its delivery log stays); what it had pending is failed."""
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        removed_at=now, active=False, updated_at=now
    )
    WebhookDelivery.objects.filter(
        endpoint_id=endpoint.pk, status=WebhookDelivery.Status.PENDING
    ).update(status=WebhookDelivery.Status.FAILED, last_error="Endpoint removed.")
    endpoint.removed_at, endpoint.active = now, False
