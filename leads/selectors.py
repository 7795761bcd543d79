"""Reads for leads and notifications; every seller-facing read starts from the partner."""

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Concat, RowNumber, TruncDate, TruncDay
from django.utils import timezone

from creators.models import Partner, Tier

from . import services
from .filters import COUNT_CACHEABLE_FILTERS, LeadPoolFilter
from .models import (
    CollaborationRequest,
    Lead,
    LeadEvent,
    LeadNote,
    LeadPoolVersion,
    LeadSource,
    LeadStatus,
    Notification,
    NotificationKind,
    NotificationRead,
    NotificationReadMark,
    SavedView,
    authorized_q,
)

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


def lead_list(*, partner, params, user=None, workspace: bool = True) -> LeadPoolFilter:
    """The pool filtered by the contract's parameters; check `.is_valid()`, read `.qs`.

    `user` is the caller, for `owner=me`.
    """
    return LeadPoolFilter(
        params, queryset=lead_pool(partner=partner, workspace=workspace), user=user
    )


def lead_pool_version(*, partner, using: str | None = None) -> int:
    """The partner's pool version (see `LeadPoolVersion`); 0 before its first write.

    The user's authentication loads it with the partner (one query for both). That copy is
    used unless this thread has changed the partner's leads since the request started, or the
    count runs on another database (`using`, a replica): a version must come from the same
    database as the rows it is the version of, or a lagging replica's old count could be
    cached under the new version.
    """
    loaded = Partner.lead_pool_version.is_cached(partner)
    same_db = using is None or using == partner._state.db
    if loaded and same_db and not services.lead_pool_changed_in_thread(partner.pk):
        try:
            return partner.lead_pool_version.version
        except LeadPoolVersion.DoesNotExist:
            return 0
    versions = LeadPoolVersion.objects.using(using) if using else LeadPoolVersion.objects
    version = versions.filter(partner=partner).values_list("version", flat=True).first()
    return version or 0


def _pool_key(kind: str, partner, version: int, cleaned: dict) -> str:
    parts = []
    for name in sorted(cleaned):
        value = cleaned[name]
        if isinstance(value, list | tuple):
            value = sorted(str(v) for v in value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        parts.append(f"{name}={value!r}")
    digest = hashlib.sha1("&".join(parts).encode()).hexdigest()
    return f"leads:pool-{kind}:{partner.pk}:{version}:{digest}"


def _per_pool_version(kind: str, *, partner, filterset: LeadPoolFilter, compute):
    """`compute()` over a valid filterset's leads, cached once per pool version.

    Any write to the partner's leads bumps the version (same transaction), so a cached figure
    is the figure of the current rows. Filters whose result depends on the time or the user
    (not in `COUNT_CACHEABLE_FILTERS`) are computed every time.
    """
    active = {
        name: value
        for name, value in filterset.form.cleaned_data.items()
        if name != "ordering" and value not in (None, "", [], ())
    }
    if not set(active) <= COUNT_CACHEABLE_FILTERS:
        return compute()
    version = lead_pool_version(partner=partner, using=filterset.qs.db)
    key = _pool_key(kind, partner, version, active)
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
    """One of the partner's pool leads (another partner's lead does not exist here)."""
    return lead_pool(partner=partner).get(pk=lead_id)


def lead_get_any(*, partner, lead_id) -> Lead:
    """One of the partner's leads, in the pool or removed from it (its history and notes stay
    readable); another partner's lead does not exist here."""
    return lead_workspace_fields(
        Lead.objects.filter(partner=partner).select_related("creator")
    ).get(pk=lead_id)


def lead_for_creator(*, partner, creator) -> Lead | None:
    """The partner's lead for a creator, removed or not."""
    return Lead.objects.filter(partner=partner, creator=creator).first()


def lead_expiring_count(*, partner, hours: int = 24, now=None) -> int:
    """How many pool leads' authorizations end within `hours` (the pool header's count)."""
    now = now or timezone.now()
    return (
        Lead.objects.in_pool()
        .filter(
            partner=partner,
            authorization_expires_at__gt=now,
            authorization_expires_at__lte=now + dt.timedelta(hours=hours),
        )
        .count()
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


# Kinds that arrive in batches (a job's run, a busy day): the page folds each day's run of them
# into one expandable group. A removal is rare and always shown on its own.
GROUPED_KINDS = (
    NotificationKind.NEW_REQUEST,
    NotificationKind.AUTHORIZATION_EXPIRED,
    NotificationKind.AUTHORIZATION_EXPIRING,
    NotificationKind.LEAD_ASSIGNED,
)
GROUP_PREVIEW = 10


def _read_mark(user):
    return NotificationReadMark.objects.filter(user=user)


def _read_through(user):
    """The user's "read through" id, as an uncorrelated subquery (0 before any mark)."""
    return Coalesce(Subquery(_read_mark(user).values("read_through_id")[:1]), Value(0))


def _read_row(user):
    return NotificationRead.objects.filter(user=user, notification=OuterRef("pk"))


def _unread(user) -> Q:
    return Notification.unread_for(user)


def notification_visible(*, partner, user):
    """What one seller sees: the partner's notifications for everyone, and those for them."""
    return Notification.visible_to(partner=partner, user=user)


def notification_list(*, partner, user, unread: bool | None = None, kind: str | None = None):
    """A seller's notifications, newest first, each with this seller's `is_read` and `read_at`."""
    read_through = _read_through(user)
    qs = notification_visible(partner=partner, user=user).annotate(
        is_read=ExpressionWrapper(
            Q(pk__lte=read_through) | Q(Exists(_read_row(user))), output_field=BooleanField()
        ),
        read_at=Coalesce(
            Subquery(_read_row(user).values("read_at")[:1]),
            Case(
                When(
                    pk__lte=read_through,
                    then=Subquery(_read_mark(user).values("marked_at")[:1]),
                ),
                default=Value(None, output_field=DateTimeField()),
            ),
        ),
    )
    if unread is True:
        qs = qs.filter(_unread(user))
    elif unread is False:
        qs = qs.exclude(_unread(user))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


UNREAD_BADGE_CAP = 1000


def notification_unread_count(*, partner, user, cap: int | None = UNREAD_BADGE_CAP) -> int:
    """The bell's figure: one count over what is newer than the seller's mark, stopping at
    `cap` (the bell shows "999+"): a seller who never marked anything read has the partner's
    whole history unread, and every open tab polls this every 5 s."""
    unread = notification_visible(partner=partner, user=user).filter(_unread(user))
    return (unread[:cap] if cap else unread).count()


def _group_key():
    """SQL for the page's group of a notification: `kind:YYYY-MM-DD` (UTC) for a batch kind,
    `#id` for the rest (as `notification_group_key` says in Python)."""
    return Case(
        When(
            kind__in=GROUPED_KINDS,
            then=Concat(
                "kind", Value(":"), Cast(TruncDate("created_at", tzinfo=dt.UTC), CharField())
            ),
        ),
        default=Concat(Value("#"), Cast("id", CharField())),
        output_field=CharField(),
    )


def _notifications_filtered(*, partner, user, unread: bool | None, kind: str | None):
    base = notification_visible(partner=partner, user=user)
    if unread is True:
        base = base.filter(_unread(user))
    elif unread is False:
        base = base.exclude(_unread(user))
    if kind:
        base = base.filter(kind=kind)
    return base


def _day_range(day: dt.date) -> dict:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    return {"created_at__gte": start, "created_at__lt": start + dt.timedelta(days=1)}


def _newer_in_its_group(base):
    """EXISTS a newer notification of the outer row's group in `base`: the same kind, later
    the same UTC day. A bounded range probe on (partner, kind, created_at, id)."""
    day_end = ExpressionWrapper(
        TruncDay(
            ExpressionWrapper(OuterRef("created_at"), output_field=DateTimeField()),
            tzinfo=dt.UTC,
        )
        + Value(dt.timedelta(days=1)),
        output_field=DateTimeField(),
    )
    return Exists(
        base.filter(
            kind=OuterRef("kind"), created_at__gte=OuterRef("created_at"), created_at__lt=day_end
        ).filter(
            Q(created_at__gt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
        )
    )


def notification_groups(
    *,
    partner,
    user,
    unread: bool | None = None,
    kind: str | None = None,
    older: tuple[dt.datetime, int] | None = None,
    newer: tuple[dt.datetime, int] | None = None,
    limit: int = 25,
) -> tuple[list[dict], bool]:
    """One page of the page's rows: a day's notifications of a batch kind fold into one group,
    others stand alone. Newest first; each row has `group_key`, `kind`, `day`, `count`,
    `unread`, `latest`, `last_id`. Answers (rows, more): `more` says a further page exists in
    the direction walked (older, or newer with `newer`).

    Keyset pagination by each row's newest member (its "head"): a notification heads its row
    when it is a lone kind or nothing newer of its kind that UTC day passes the filters. The
    page walks the index (partner, created_at, id) from the cursor and stops after limit + 1
    heads, so its cost follows the page, not the 200,000 behind it; no COUNT of all rows.
    Then one GROUP BY over the page's groups (their whole days, so counts stay exact).
    """
    base = _notifications_filtered(partner=partner, user=user, unread=unread, kind=kind)
    heads = base.filter(~Q(kind__in=GROUPED_KINDS) | ~_newer_in_its_group(base))
    if newer is not None:
        at, pk = newer
        heads = heads.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
        heads = heads.order_by("created_at", "id")
    else:
        if older is not None:
            at, pk = older
            heads = heads.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
        heads = heads.order_by("-created_at", "-id")
    found = list(heads.values("id", "kind", "created_at")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    if newer is not None:
        found.reverse()
    rows = []
    for head in found:
        day = head["created_at"].astimezone(dt.UTC).date()
        grouped = head["kind"] in GROUPED_KINDS
        rows.append(
            {
                "group_key": f"{head['kind']}:{day}" if grouped else f"#{head['id']}",
                "kind": head["kind"],
                "day": day,
                "count": 1,
                "unread": 0,
                "latest": head["created_at"],
                "last_id": head["id"],
            }
        )
    _group_members(partner=partner, user=user, rows=rows, unread_only=unread is True)
    return rows, more


def _group_members(*, partner, user, rows, unread_only: bool) -> None:
    """Fill each row's `members` (a lone item itself, a group's newest GROUP_PREVIEW) and a
    group's `count` and `unread` (over its whole UTC day, so exact), in two queries whatever
    the groups' size: the ranking and counting run over ids alone, then only the chosen rows
    are read with their read state."""
    wanted = Q(pk__in=[row["last_id"] for row in rows if row["kind"] not in GROUPED_KINDS])
    for row in rows:
        if row["kind"] in GROUPED_KINDS:
            wanted |= Q(kind=row["kind"], **_day_range(row["day"]))
    group = [_group_key()]
    ranked = (
        notification_visible(partner=partner, user=user)
        .filter(wanted)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=group, order_by=[F("created_at").desc(), F("id").desc()]
            ),
            total=Window(Count("id"), partition_by=group),
            unread_total=Window(
                Sum(Case(When(_unread(user), then=Value(1)), default=Value(0))),
                partition_by=group,
            ),
        )
        .filter(rank__lte=GROUP_PREVIEW)
        .values_list("pk", "total", "unread_total")
    )
    ids, counts = [], {}
    for pk, total, unread in ranked:
        ids.append(pk)
        counts[pk] = (total, unread)
    members: dict[str, list] = {}
    chosen = notification_list(partner=partner, user=user).filter(pk__in=ids)
    for notification in chosen.select_related("lead__creator"):
        members.setdefault(notification_group_key(notification), []).append(notification)
    for row in rows:
        row["members"] = members.get(row["group_key"], [])
        if row["kind"] in GROUPED_KINDS and row["members"]:
            total, unread = counts[row["members"][0].pk]
            row["count"], row["unread"] = (unread if unread_only else total), unread
            if row["count"] == 1:
                # A batch kind alone that day shows as a lone item: the head itself.
                row["members"] = [n for n in row["members"] if n.pk == row["last_id"]]


def notification_group_key(notification) -> str:
    """The page's group of one notification (the same key `notification_groups` builds)."""
    if notification.kind in GROUPED_KINDS:
        return f"{notification.kind}:{notification.created_at.astimezone(dt.UTC).date()}"
    return f"#{notification.pk}"


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
    0..1), requests_per_day (the last 30 days) and expiring_per_day (the next 7 days).
    The counts by source, status and tier do not depend on the time: like the pool's count,
    they are computed once per pool version (exact; any write to the leads bumps it).
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
        leads.filter(requested_at__gte=_utc_midnight(first_day))
        .annotate(day=TruncDate("requested_at", tzinfo=dt.UTC))
        .values("day")
        .annotate(count=Count("id"))
        .values_list("day", "count")
        .order_by()
    )
    expiring = dict(
        leads.filter(
            authorization_expires_at__gt=now,
            authorization_expires_at__lt=_utc_midnight(today + dt.timedelta(STATS_EXPIRY_DAYS)),
        )
        .annotate(day=TruncDate("authorization_expires_at", tzinfo=dt.UTC))
        .values("day")
        .annotate(count=Count("id"))
        .values_list("day", "count")
        .order_by()
    )
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
    }


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
