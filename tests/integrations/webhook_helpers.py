"""Helpers of the webhook tests: a Standard Webhooks verifier written from the spec (not our
signer), and short ways to make endpoints, leads and outbox events."""

import base64
import datetime as dt
import hashlib
import hmac
import time

from django.utils import timezone

from core.models import OutboxEvent
from integrations.services import webhook_endpoint_create
from tests.factories import CreatorFactory, LeadFactory

ALL_EVENTS = [
    "lead.created",
    "lead.status_changed",
    "lead.assigned",
    "lead.removed",
    "lead.authorization_expiring",
    "lead.authorization_expired",
    "message.received",
    "task.due",
]
LICENSED = {
    "live_gmv_30d": "1500.00",
    "live_sessions_30d": 12,
    "average_viewers": 340,
    "top_categories": ["Beauty"],
    "window_start": "2026-10-01",
    "window_end": "2026-10-30",
}


class SignatureInvalid(AssertionError):
    pass


def verify(*, secret: str, headers: dict, body: bytes, tolerance: int = 300) -> None:
    """Standard Webhooks verification (standardwebhooks.com, "Verifying webhooks"): the key is
    the base64-decoded secret after `whsec_`; the signed content is `id.timestamp.body`; the
    header holds space-separated `v1,<base64 HMAC-SHA256>` entries; the timestamp must be
    within the tolerance."""
    message_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        raise SignatureInvalid("timestamp outside the tolerance")
    key = base64.b64decode(secret.split("_", 1)[1] if secret.startswith("whsec_") else secret)
    content = message_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest())
    for entry in headers["webhook-signature"].split(" "):
        version, _, sig = entry.partition(",")
        if version == "v1" and hmac.compare_digest(sig.encode(), expected):
            return
    raise SignatureInvalid("no matching v1 signature")


def endpoint(partner, user, url, *, events=None, **kwargs):
    """An endpoint made through the service; returns (endpoint, secret)."""
    return webhook_endpoint_create(
        partner=partner,
        user=user,
        url=url,
        kind=kwargs.pop("kind", "generic"),
        events=events or ALL_EVENTS,
        **kwargs,
    )


def licensed_lead(partner, *, hours: float = 48, **creator):
    """A collaboration-request lead whose licensed data lasts `hours` more (negative: ended)."""
    creator = CreatorFactory(**creator)
    return LeadFactory(
        partner=partner,
        creator=creator,
        source="collaboration_request",
        licensed_data=dict(LICENSED),
        authorization_expires_at=timezone.now() + dt.timedelta(hours=hours),
    )


def event(partner, type="lead.created", *, lead=None, data=None) -> OutboxEvent:
    # TODO(H1a): once the services write the outbox, tests of whole paths go through them;
    # these rows stand in for a service's write, in its transaction.
    return OutboxEvent.objects.create(
        partner_id=partner.pk,
        type=type,
        lead_id=lead.pk if lead is not None else None,
        data=data if data is not None else ({"lead_id": lead.pk} if lead else {}),
    )
