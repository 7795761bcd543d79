"""Reads for notifications: what one user sees, their unread count, and the page's groups."""

import datetime as dt

from django.db import router
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

from core.clock import utc_day_bounds
from core.compiled import compiled_count

from .models import (
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationRead,
    NotificationReadMark,
)

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


def notifications_by_read_state(queryset, *, user, unread: bool | None):
    """The one "unread" filter (API, page, groups): True keeps this user's unread ones, False
    their read ones, None all."""
    if unread is True:
        return queryset.filter(_unread(user))
    if unread is False:
        return queryset.exclude(_unread(user))
    return queryset


def notification_visible(*, partner, user):
    """What one user sees: a seller, their partner's notifications for everyone and those for
    them; a creator (`partner` None), only their own (user set, partner NULL)."""
    if partner is None:
        return Notification.objects.filter(partner__isnull=True, user=user)
    return Notification.visible_to(partner=partner, user=user)


DIGEST_KEY = "daily_digest"  # the sellers' daily expiry digest (email only, no notification)


def notification_preference_kinds(*, seller: bool) -> list[str]:
    """The preference keys of one role, in a stable order: its kinds (and the digest)."""
    from .models import CREATOR_KINDS, SELLER_KINDS

    kinds = [k for k in NotificationKind.values if k in (SELLER_KINDS if seller else CREATOR_KINDS)]
    return [*kinds, DIGEST_KEY] if seller else kinds


def notification_preferences(*, user, kinds: list[str]) -> dict[str, dict[str, bool]]:
    """`{"<kind>": {"email": bool}}` for these kinds: email on unless the user switched it off."""
    off = set(
        NotificationPreference.objects.filter(user=user, kind__in=kinds, email=False).values_list(
            "kind", flat=True
        )
    )
    return {kind: {"email": kind not in off} for kind in kinds}


def notification_email_wanted(*, user, kind: str) -> bool:
    """Whether `user` gets email for `kind` (no row: yes)."""
    return not NotificationPreference.objects.filter(user=user, kind=kind, email=False).exists()


def notification_list(*, partner, user, unread: bool | None = None, kind: str | None = None):
    """A user's notifications, newest first, each with this user's `is_read` and `read_at`."""
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
    qs = notifications_by_read_state(qs, user=user, unread=unread)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


UNREAD_BADGE_CAP = 1000


def notification_unread_count(*, partner, user, cap: int | None = UNREAD_BADGE_CAP) -> int:
    """The bell's figure: one count over what is newer than the user's mark, stopping at
    `cap` (the bell shows "999+"): a user who never marked anything read has the partner's
    whole history unread, and every open tab polls this every 5 s."""
    if not cap:
        return notification_visible(partner=partner, user=user).filter(_unread(user)).count()

    def unread(**ids):
        seen = notification_visible(partner=ids.get("partner"), user=ids["user"])
        return seen.filter(_unread(ids["user"])).values("pk")[:cap]

    # Every page's bell and every tab's 5-s poll: compiled once (core/compiled.py).
    ids = {"user": user.pk} if partner is None else {"user": user.pk, "partner": partner.pk}
    return compiled_count(
        f"bell:{'creator' if partner is None else 'seller'}:{cap}",
        unread,
        using=router.db_for_read(Notification),
        **ids,
    )


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
    base = notifications_by_read_state(
        notification_visible(partner=partner, user=user), user=user, unread=unread
    )
    if kind:
        base = base.filter(kind=kind)
    return base


def notifications_on_day(queryset, day: dt.date):
    """The notifications of one UTC day (a group's "Show all", "Mark these read")."""
    start, end = utc_day_bounds(day)
    return queryset.filter(created_at__gte=start, created_at__lt=end)


def _day_range(day: dt.date) -> Q:
    start, end = utc_day_bounds(day)
    return Q(created_at__gte=start, created_at__lt=end)


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
            wanted |= Q(kind=row["kind"]) & _day_range(row["day"])
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
    for notification in chosen:
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
