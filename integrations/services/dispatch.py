"""The fan-out: committed outbox events become deliveries to the partner's endpoints."""

import datetime as dt
from collections import defaultdict
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils import timezone

from core.locks import transaction_lock
from core.models import OutboxEvent
from leads.filters import LeadPoolFilter
from leads.models import Lead

from ..models import WebhookDelivery, WebhookEndpoint
from ..signing import message_id_new

DISPATCH_BATCH = 1000
DISPATCH_LOCK = "integrations:outbox_dispatch"


def _live_endpoints():
    return WebhookEndpoint.objects.filter(active=True, removed_at__isnull=True)


def outbox_stamp_unwatched(*, now: dt.datetime) -> int:
    """Stamp, in one UPDATE, the undispatched events of partners with no active endpoint:
    nobody is listening, so nothing is queued (a bulk change of 100,000 leads costs one
    statement here)."""
    watched = _live_endpoints().filter(partner_id=OuterRef("partner_id"))
    return (
        OutboxEvent.objects.filter(dispatched_at__isnull=True)
        .filter(~Exists(watched))
        .update(dispatched_at=now)
    )


def _query_matches(*, endpoints, events) -> dict[int, set[int]]:
    """For each endpoint with a pool query: which of the batch's leads it matches. One query
    per endpoint for the whole batch, through the pool's own FilterSet; removed leads are
    matched too (a `lead.removed` event is about one). `owner=me` means the endpoint's
    creator."""
    lead_ids = defaultdict(set)
    for event in events:
        if event.lead_id is not None:
            lead_ids[event.partner_id].add(event.lead_id)
    matches = {}
    for endpoint in endpoints:
        if not endpoint.query:
            continue
        ids = lead_ids.get(endpoint.partner_id)
        if not ids:
            matches[endpoint.pk] = set()
            continue
        filterset = LeadPoolFilter(
            QueryDict(endpoint.query),
            queryset=Lead.objects.filter(partner_id=endpoint.partner_id, id__in=ids),
            user=SimpleNamespace(pk=endpoint.created_by_id),
        )
        matches[endpoint.pk] = set(filterset.qs.order_by().values_list("id", flat=True))
    return matches


def outbox_dispatch(*, limit: int = DISPATCH_BATCH, now: dt.datetime | None = None) -> int:
    """Turn up to `limit` committed, undispatched outbox events (oldest first) into one pending
    delivery per active endpoint of their partner that wants the event's type (and whose pool
    query matches the lead), and stamp them dispatched. Returns how many events it stamped.

    Only committed events are seen, so a rolled-back change never reaches an endpoint; one
    dispatcher at a time (a transaction lock), so an endpoint's deliveries are created in the
    order their events were committed and dispatched.
    """
    now = now or timezone.now()
    with transaction.atomic():
        transaction_lock(DISPATCH_LOCK)
        stamped = outbox_stamp_unwatched(now=now)
        pending = OutboxEvent.objects.filter(dispatched_at__isnull=True).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        events = list(pending.only("id", "partner_id", "type", "lead_id")[:limit])
        if not events:
            return stamped
        endpoints = list(
            _live_endpoints()
            .filter(partner_id__in={event.partner_id for event in events})
            .only("id", "partner_id", "events", "query", "created_by_id")
            .order_by("id")
        )
        by_partner = defaultdict(list)
        for endpoint in endpoints:
            by_partner[endpoint.partner_id].append(endpoint)
        matches = _query_matches(endpoints=endpoints, events=events)
        deliveries = []
        for event in events:
            for endpoint in by_partner.get(event.partner_id, ()):
                if event.type not in endpoint.events:
                    continue
                if endpoint.query and event.lead_id not in matches[endpoint.pk]:
                    continue
                deliveries.append(
                    WebhookDelivery(
                        endpoint_id=endpoint.pk,
                        event_id=event.pk,
                        type=event.type,
                        lead_id=event.lead_id,
                        message_id=message_id_new(),
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
        WebhookDelivery.objects.bulk_create(deliveries, batch_size=DISPATCH_BATCH)
        OutboxEvent.objects.filter(id__in=[event.pk for event in events]).update(dispatched_at=now)
    return stamped + len(events)
