"""Sending deliveries: in order per endpoint, signed, retried with backoff; replay.

Retry schedule (RETRY_SCHEDULE, after the first attempt): 10 s, 1 min, 5 min, 30 min, 2 h,
5 h, 10 h, 10 h: nine attempts over about 27.6 hours. A delivery whose last attempt fails
disables its endpoint, and so do DISABLE_AFTER_FAILURES failed attempts in a row; either way
the partner's staff are told (`webhook_disabled`) and what was pending is marked failed (kept
in the log, replayable).

Order: an endpoint's deliveries go out oldest first (by id, the order the fan-out met the
committed events), and one waiting for its retry holds back the endpoint's later ones.
"""

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, OuterRef, Subquery
from django.utils import timezone

from core.models import OutboxEvent
from leads.models import Lead

from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..net import Outcome, Sender
from ..payloads import event_body, lead_snapshot, slack_body
from ..signing import signed_headers
from .disable import webhook_endpoint_disable

RETRY_SCHEDULE = (10, 60, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
DISABLE_AFTER_FAILURES = 20
SEND_BATCH = 500
Status = WebhookDelivery.Status


def retry_schedule() -> tuple[int, ...]:
    """Seconds to wait before each retry (settings.WEBHOOKS_RETRY_SCHEDULE overrides)."""
    return tuple(getattr(settings, "WEBHOOKS_RETRY_SCHEDULE", RETRY_SCHEDULE))


def disable_after_failures() -> int:
    return int(getattr(settings, "WEBHOOKS_DISABLE_AFTER_FAILURES", DISABLE_AFTER_FAILURES))


@dataclass
class SendResult:
    attempted: int = 0
    succeeded: int = 0
    failed: int = 0
    disabled: int = 0


def _due_endpoint_ids(*, now: dt.datetime) -> list[int]:
    """Active endpoints whose oldest pending delivery is due (two queries)."""
    heads = (
        WebhookDelivery.objects.filter(
            status=Status.PENDING, endpoint__active=True, endpoint__removed_at__isnull=True
        )
        .order_by()
        .values("endpoint_id")
        .annotate(head=Min("id"))
        .values_list("head", flat=True)
    )
    return sorted(
        WebhookDelivery.objects.filter(id__in=list(heads), next_attempt_at__lte=now).values_list(
            "endpoint_id", flat=True
        )
    )


def _bodies(*, endpoint: WebhookEndpoint, deliveries: list, now: dt.datetime) -> dict[int, bytes]:
    """Each delivery's body, built now: the events' data (one query) and the leads as they
    are now (one query), licensed data only while the authorization lasts."""
    events = {
        row["id"]: row
        for row in OutboxEvent.objects.filter(id__in={d.event_id for d in deliveries}).values(
            "id", "data", "created_at"
        )
    }
    lead_ids = {d.lead_id for d in deliveries if d.lead_id is not None}
    leads = {
        lead.pk: lead_snapshot(lead, now=now)
        for lead in Lead.objects.filter(partner_id=endpoint.partner_id, pk__in=lead_ids)
        .select_related("creator", "owner")
        .order_by()
    }
    bodies = {}
    for delivery in deliveries:
        event = events.get(delivery.event_id)
        data = event["data"] if event is not None and isinstance(event["data"], dict) else {}
        lead = leads.get(delivery.lead_id)
        if endpoint.kind == WebhookEndpoint.Kind.SLACK:
            bodies[delivery.pk] = slack_body(type=delivery.type, data=data, lead=lead)
        else:
            occurred = event["created_at"] if event is not None else delivery.created_at
            bodies[delivery.pk] = event_body(
                type=delivery.type, occurred_at=occurred, data=data, lead=lead
            )
    return bodies


def _record(*, delivery: WebhookDelivery, outcome: Outcome, at: dt.datetime) -> WebhookAttempt:
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_duration_ms = outcome.duration_ms
    delivery.last_response_excerpt = outcome.excerpt
    delivery.last_error = outcome.error
    return WebhookAttempt(
        delivery_id=delivery.pk,
        at=at,
        status_code=outcome.status_code,
        duration_ms=outcome.duration_ms,
        response_excerpt=outcome.excerpt,
        error=outcome.error,
    )


def _endpoint_send(*, endpoint, sender: Sender, limit: int, now, result: SendResult) -> None:
    """Send the endpoint's pending deliveries oldest first until one fails or `limit`."""
    deliveries = list(
        WebhookDelivery.objects.filter(endpoint_id=endpoint.pk, status=Status.PENDING).order_by(
            "id"
        )[:limit]
    )
    if not deliveries or deliveries[0].next_attempt_at > now:
        return
    bodies = _bodies(endpoint=endpoint, deliveries=deliveries, now=now)
    done, attempts, failed = [], [], None
    for delivery in deliveries:
        body = bodies[delivery.pk]
        stamp = int(time.time())
        headers = signed_headers(
            secret=endpoint.secret, message_id=delivery.message_id, timestamp=stamp, body=body
        )
        outcome = sender.post(key=endpoint.pk, url=endpoint.url, body=body, headers=headers)
        at = timezone.now()
        attempts.append(_record(delivery=delivery, outcome=outcome, at=at))
        result.attempted += 1
        if outcome.ok:
            delivery.status, delivery.delivered_at = Status.SUCCEEDED, at
            done.append(delivery)
            result.succeeded += 1
            continue
        failed = delivery
        result.failed += 1
        break
    _outcomes_save(endpoint=endpoint, done=done, failed=failed, attempts=attempts, result=result)


def _outcomes_save(*, endpoint, done, failed, attempts, result: SendResult) -> None:
    """Write one endpoint's batch: the attempts (one INSERT), the delivered (one UPDATE that
    copies each one's attempt into it), the failed one with its retry time, the endpoint's
    failure count; disable it when the retries or its patience run out."""
    schedule = retry_schedule()
    with transaction.atomic():
        WebhookAttempt.objects.bulk_create(attempts)
        if done:
            latest = WebhookAttempt.objects.filter(delivery_id=OuterRef("pk")).order_by("-id")
            WebhookDelivery.objects.filter(pk__in=[d.pk for d in done]).update(
                status=Status.SUCCEEDED,
                attempts=F("attempts") + 1,
                last_status_code=Subquery(latest.values("status_code")[:1]),
                last_duration_ms=Subquery(latest.values("duration_ms")[:1]),
                last_response_excerpt=Subquery(latest.values("response_excerpt")[:1]),
                last_error="",
                delivered_at=Subquery(latest.values("at")[:1]),
            )
        if failed is not None:
            if failed.attempts <= len(schedule):
                wait = schedule[failed.attempts - 1]
                failed.next_attempt_at = timezone.now() + dt.timedelta(seconds=wait)
            failed.save(
                update_fields=[
                    "attempts",
                    "last_status_code",
                    "last_duration_ms",
                    "last_response_excerpt",
                    "last_error",
                    "next_attempt_at",
                ]
            )
        if failed is None:
            if done and endpoint.consecutive_failures:
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
            return
        # A success earlier in this batch broke the run of failures.
        failures = 1 if done else endpoint.consecutive_failures + 1
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=failures)
        reason = None
        if failed.attempts > len(schedule):
            reason = (
                f"A delivery ({failed.type}) failed {failed.attempts} times over the whole "
                f"retry schedule; the last error: {failed.last_error or 'no answer'}."
            )
        elif failures >= disable_after_failures():
            reason = (
                f"{failures} delivery attempts in a row failed; the last error: "
                f"{failed.last_error or 'no answer'}."
            )
        if reason:
            webhook_endpoint_disable(endpoint=endpoint, reason=reason)
            result.disabled += 1


def deliveries_send(
    *, now: dt.datetime | None = None, limit: int = SEND_BATCH, sender: Sender | None = None
) -> SendResult:
    """One round: for each active endpoint whose oldest pending delivery is due, send its
    pending deliveries oldest first (up to `limit` each), stopping at the first failure, which
    waits for its retry and holds the endpoint's later deliveries back."""
    now = now or timezone.now()
    result = SendResult()
    own_sender = sender is None
    sender = sender or Sender()
    try:
        due = _due_endpoint_ids(now=now)
        for endpoint in WebhookEndpoint.objects.filter(pk__in=due).order_by("id"):
            _endpoint_send(endpoint=endpoint, sender=sender, limit=limit, now=now, result=result)
    finally:
        if own_sender:
            sender.close()
    return result


@transaction.atomic
def webhook_delivery_replay(*, delivery: WebhookDelivery, user) -> WebhookDelivery:
    """Queue the delivery's event again, now, to the same endpoint with the same message id
    (`webhook-id`, so a receiver can tell it is the same event). It is built afresh when sent:
    the lead as it is then, licensed data only while the authorization lasts."""
    now = timezone.now()
    return WebhookDelivery.objects.create(
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        type=delivery.type,
        lead_id=delivery.lead_id,
        message_id=delivery.message_id,
        next_attempt_at=now,
        created_at=now,
        replay_of=delivery,
        replayed_by=user,
    )
