"""Reads for leads; every seller-facing read starts from the partner. Reads never write, and
never import the services."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import router
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core.clock import utc_day_bounds
from core.compiled import compiled_first, compiled_values
from core.fragments import CLOCK_SLICE_SECONDS, clock_slice
from creators.models import Tier

from .filters import LeadPoolFilter
from .models import (
    EXPIRING_SOON_HOURS,
    CollaborationRequest,
    Lead,
    LeadEvent,
    LeadNote,
    LeadSource,
    LeadStatus,
    SavedView,
    authorized_q,
    expiring_q,
)
from .pool_version import CACHEABLE_FILTERS, pool_cache_key, pool_count_version, pool_version
from .response_figures import lead_response_stats

# Counts of an obsolete version are never read again; let the cache drop them.
COUNT_CACHE_SECONDS = 24 * 60 * 60


def lead_workspace_fields(leads):
    """Add what the workspace shows per lead at a constant number of queries: the owner (a
    join), `message` (the creator's latest request message, or None) and `notes_count`.

    Both are correlated subqueries over small per-lead index ranges, computed only for the
    rows a page returns; a count() leaves them out.
    """
    latest_message = (
        LeadEvent.objects.filter(lead=OuterRef("pk"), kind__in=LeadEvent.MESSAGE_KINDS)
        .exclude(text="")
        .order_by("-created_at", "-id")
        .values("text")[:1]
    )
    notes = (
        LeadNote.objects.alive()
        .filter(lead=OuterRef("pk"))
        .order_by()
        .values("lead")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return leads.select_related("owner").annotate(
        message=Subquery(latest_message), notes_count=Coalesce(Subquery(notes), 0)
    )


def lead_pool(*, partner, workspace: bool = True):
    """The partner's Leads Pool: its leads not removed, newest request first.

    With `workspace` (the default) each lead also carries owner, message and notes_count; the
    CSV export leaves them out.
    """
    leads = (
        Lead.objects.in_pool()
        .filter(partner=partner)
        .select_related("creator")
        .order_by("-requested_at", "-id")
    )
    return lead_workspace_fields(leads) if workspace else leads


def lead_pool_filterset(
    *, partner, params, user=None, request=None, workspace: bool = True
) -> LeadPoolFilter:
    """The pool filtered by the contract's parameters: a FilterSet; check `.is_valid()`, read
    `.qs`. `user` (or `request`'s) is the caller, for `owner=me`."""
    return LeadPoolFilter(
        params,
        queryset=lead_pool(partner=partner, workspace=workspace),
        request=request,
        user=user,
    )


def _pool_question(cleaned: dict) -> str:
    parts = []
    for name in sorted(cleaned):
        value = cleaned[name]
        if isinstance(value, list | tuple):
            value = sorted(str(v) for v in value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        parts.append(f"{name}={value!r}")
    return "&".join(parts)


def _per_pool_version(kind: str, *, partner, filterset: LeadPoolFilter, compute):
    """`compute()` over a valid filterset's leads, cached once per pool version.

    Any write to what the partner's counts select by bumps the count version the key holds
    (same transaction; `pool_count_version`), so a cached figure is the figure of the
    current rows. Filters whose result depends on the time or the user
    (not in `CACHEABLE_FILTERS`) are computed every time.
    """
    active = {
        name: value
        for name, value in filterset.form.cleaned_data.items()
        if name != "ordering" and value not in (None, "", [], ())
    }
    if not set(active) <= CACHEABLE_FILTERS:
        return compute()
    version = pool_count_version(
        partner=partner,
        filters=active,
        using=filterset.qs.db,
        request=filterset.request,
        by_status=kind == "stats",
    )
    key = pool_cache_key(
        f"pool-{kind}", partner=partner, version=version, question=_pool_question(active)
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, COUNT_CACHE_SECONDS)
    return value


def lead_pool_count(*, partner, filterset: LeadPoolFilter) -> int:
    """The exact number of leads a valid filterset selects, counted once per pool version."""
    return _per_pool_version(
        "count", partner=partner, filterset=filterset, compute=filterset.qs.count
    )


def lead_get(*, partner, lead_id) -> Lead:
    """One of the partner's pool leads with the workspace's columns (SQL built once per
    process); another partner's lead does not exist here."""
    lead = compiled_first(
        "lead-get",
        lambda partner, lead: lead_pool(partner=partner).filter(pk=lead)[:1],
        using=router.db_for_read(Lead),
        partner=partner.pk,
        lead=int(lead_id),
    )
    if lead is None:
        raise Lead.DoesNotExist(f"No pool lead {lead_id} for partner {partner.pk}.")
    return lead


def lead_get_any(*, partner, lead_id) -> Lead:
    """One of the partner's leads, in the pool or removed (its history and notes stay)."""
    return lead_workspace_fields(
        Lead.objects.filter(partner=partner).select_related("creator")
    ).get(pk=lead_id)


def lead_for_creator(*, partner, creator) -> Lead | None:
    """The partner's lead for a creator, removed or not."""
    return Lead.objects.filter(partner=partner, creator=creator).first()


def lead_expiring_count(*, partner, hours: int = EXPIRING_SOON_HOURS, now=None) -> int:
    """How many pool leads' authorizations end within `hours` (the pool header's count)."""
    return Lead.objects.in_pool().filter(expiring_q(hours, now=now), partner=partner).count()


# The pool header's counts move with the clock as well as with writes: a cached figure is reused
# within one clock slice (the pages' regions' own: core/fragments.py), under the pool version.
HEADER_COUNTS_SLICE_SECONDS = CLOCK_SLICE_SECONDS


def lead_pool_header_counts_cached(
    *, partner, request, hours: int = EXPIRING_SOON_HOURS, now=None
) -> dict:
    """`lead_pool_header_counts`, counted once per pool version and clock slice: a write moves
    `pool_version` and is seen at once; what the clock alone moves (an authorization ending,
    a reply falling overdue) within `HEADER_COUNTS_SLICE_SECONDS`. Two counts a page were a
    fifth of the pool page's SQL under load (docs/scaling.md)."""
    now = now or timezone.now()
    version = pool_version(partner=partner, using=router.db_for_read(Lead), request=request)
    slice_ = clock_slice(now)[0]
    key = pool_cache_key(
        "pool-header", partner=partner, version=version, question=f"{hours}:{slice_}"
    )
    counts = cache.get(key)
    if counts is None:
        counts = lead_pool_header_counts(partner=partner, hours=hours, now=now)
        cache.set(key, counts, HEADER_COUNTS_SLICE_SECONDS * 2)
    return counts


def lead_pool_header_counts(*, partner, hours: int = EXPIRING_SOON_HOURS, now=None) -> dict:
    """The pool header's counts in one query: `expiring` (authorizations ending within
    `hours`), `awaiting` (leads awaiting a first reply, overdue ones included) and `overdue`.
    The OR lets PostgreSQL combine the expiry index and lead_pool_awaiting_idx."""
    now = now or timezone.now()
    awaiting = Q(response_due_at__isnull=False, first_response_at__isnull=True)
    expiring = expiring_q(hours, now=now)
    return (
        Lead.objects.in_pool()
        .filter(expiring | awaiting, partner=partner)
        .aggregate(
            expiring=Count("id", filter=expiring),
            awaiting=Count("id", filter=awaiting),
            overdue=Count("id", filter=awaiting & Q(response_due_at__lte=now)),
        )
    )


def lead_events(*, lead):
    """A lead's history, newest first, with who did it and the owners it moved between."""
    return lead.events.select_related("actor", "from_owner", "to_owner").order_by(
        "-created_at", "-id"
    )


def lead_notes(*, lead):
    """A lead's notes (not deleted), newest first, with their authors."""
    return LeadNote.objects.alive().filter(lead=lead).select_related("author")


def lead_note_get(*, lead, note_id) -> LeadNote:
    return lead_notes(lead=lead).get(pk=note_id)


def lead_request_messages(*, lead):
    """The creator's request messages on a lead, oldest first (the detail page's thread)."""
    return (
        lead.events.filter(kind__in=LeadEvent.MESSAGE_KINDS)
        .exclude(text="")
        .select_related("actor")
        .order_by("created_at", "id")
    )


def staff_list(*, partner):
    """A partner's active staff users (the owner picker), by username."""
    return (
        get_user_model()
        .objects.filter(partner_staff__partner=partner, is_active=True)
        .order_by("username", "pk")
    )


def saved_view_list(*, partner, user):
    """The seller's own saved views and those shared within their partner."""
    return (
        SavedView.objects.filter(partner=partner)
        .filter(Q(owner=user) | Q(shared=True))
        .select_related("owner")
        .order_by("name", "pk")
    )


def pool_workspace_state(*, partner, user) -> tuple:
    """The rows of `staff_list` (names, panel preference) and `saved_view_list` that the
    served pool and detail regions read, as their keys' state; compiled once per process."""
    using = router.db_for_read(SavedView)
    staff = compiled_values(
        "pool-workspace:staff",
        lambda partner: staff_list(partner=partner).values_list(
            "pk", "username", "first_name", "last_name", "pool_preference__filters_open"
        ),
        using=using,
        partner=partner.pk,
    )
    views = compiled_values(
        "pool-workspace:views",
        lambda partner, user: saved_view_list(partner=partner, user=user).values_list(
            "pk", "name", "query", "shared", "owner_id", "owner__username"
        ),
        using=using,
        partner=partner.pk,
        user=user.pk,
    )
    return tuple(staff), tuple(views)


def collaboration_request_list(*, creator):
    """A creator's own requests, newest first, with partner and lead for their status."""
    return CollaborationRequest.objects.filter(creator=creator).select_related("partner", "lead")


def collaboration_request_pending(*, creator, partner, now=None) -> CollaborationRequest | None:
    """The creator's request to this partner that a new submission would repeat, if any."""
    candidate = (
        collaboration_request_list(creator=creator)
        .filter(authorized_q(now), partner=partner, is_open=True)
        .first()
    )
    return candidate if candidate is not None and candidate.is_pending(now) else None


STATS_REQUEST_DAYS = 30
STATS_EXPIRY_DAYS = 7


def _reached_collaborating() -> Q:
    """A lead that is collaborating now, or was once (moved on to closed since)."""
    return Q(status=LeadStatus.COLLABORATING) | Q(reached_collaborating_at__isnull=False)


def lead_stats(*, partner, filterset: LeadPoolFilter, now: dt.datetime | None = None) -> dict:
    """The pipeline in figures for the leads a valid pool filterset selects, in three aggregate
    queries whatever their number. Days are UTC dates, the clock the pool's table shows.

    Answers total, by_status, by_source (source -> {status: count}), by_tier (tier key or
    `none` -> count), conversion and conversion_by_tier (share that reached collaborating,
    0..1), requests_per_day (the last 30 days), expiring_per_day (the next 7 UTC days) and
    expiring_soon (within EXPIRING_SOON_HOURS, as the pool's header counts). The counts by
    source, status and tier do not depend on the time: like the pool's count, they are
    computed once per pool version (exact; any write to the leads bumps it).
    """
    now = now or timezone.now()
    today = now.astimezone(dt.UTC).date()
    leads = filterset.qs.order_by()  # an ordering would join the GROUP BY
    cells = _per_pool_version(
        "stats",
        partner=partner,
        filterset=filterset,
        compute=lambda: list(
            leads.values("source", "status", "creator_tier")
            .annotate(count=Count("id"), converted=Count("id", filter=_reached_collaborating()))
            .order_by()
        ),
    )
    by_status = {status: 0 for status in LeadStatus.values}
    by_source = {source: dict(by_status) for source in LeadSource.values}
    tier_keys = [Tier(tier).key or "none" for tier in sorted(Tier.values)]
    by_tier = dict.fromkeys(tier_keys, 0)
    converted_by_source = dict.fromkeys(LeadSource.values, 0)
    converted_by_tier = dict.fromkeys(tier_keys, 0)
    total = 0
    for cell in cells:
        tier = Tier(cell["creator_tier"]).key or "none"
        total += cell["count"]
        by_status[cell["status"]] += cell["count"]
        by_source[cell["source"]][cell["status"]] += cell["count"]
        by_tier[tier] += cell["count"]
        converted_by_source[cell["source"]] += cell["converted"]
        converted_by_tier[tier] += cell["converted"]

    def share(converted, count):
        return round(converted / count, 4) if count else 0.0

    first_day = today - dt.timedelta(days=STATS_REQUEST_DAYS - 1)
    requested = dict(
        leads.filter(requested_at__gte=utc_day_bounds(first_day)[0])
        .annotate(day=TruncDate("requested_at", tzinfo=dt.UTC))
        .values("day")
        .annotate(count=Count("id"))
        .values_list("day", "count")
        .order_by()
    )
    # Per UTC day, and (same query) within the next EXPIRING_SOON_HOURS by `expiring_q`, the
    # pool header's and the reminders' one definition of "expiring soon".
    expiring_rows = list(
        leads.filter(
            authorization_expires_at__gt=now,
            authorization_expires_at__lt=utc_day_bounds(today + dt.timedelta(STATS_EXPIRY_DAYS))[0],
        )
        .annotate(day=TruncDate("authorization_expires_at", tzinfo=dt.UTC))
        .values("day")
        .annotate(count=Count("id"), soon=Count("id", filter=expiring_q(now=now)))
        .values_list("day", "count", "soon")
        .order_by()
    )
    expiring = {day: count for day, count, _soon in expiring_rows}
    return {
        "total": total,
        "by_status": by_status,
        "by_source": by_source,
        "by_tier": by_tier,
        "conversion": {
            source: share(converted_by_source[source], sum(by_source[source].values()))
            for source in LeadSource.values
        },
        "conversion_by_tier": {
            tier: share(converted_by_tier[tier], by_tier[tier]) for tier in tier_keys
        },
        "requests_per_day": [
            [day, requested.get(day, 0)]
            for day in (first_day + dt.timedelta(days=n) for n in range(STATS_REQUEST_DAYS))
        ],
        "expiring_per_day": [
            [day, expiring.get(day, 0)]
            for day in (today + dt.timedelta(days=n) for n in range(STATS_EXPIRY_DAYS))
        ],
        "expiring_soon": sum(soon for _day, _count, soon in expiring_rows),
        "expiring_soon_hours": EXPIRING_SOON_HOURS,
        "response": lead_response_stats(leads=leads, now=now),
    }
