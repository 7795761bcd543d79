"""Bringing leads back: restore removed leads, and undo a change made moments ago.

Restore (`leads_restore`) puts removed leads back in the pool as they were: same status,
owner, source and request time (nothing about the past is rewritten), with a `restored`
event each. The authorization is not revived: a lead whose 7 days ended while it was out of
the pool comes back expired, its licensed figures erased.

Undo (`leads_change_undo`) reverses one change (a removal, a status change or an
assignment, of one lead or of a bulk action) from the history events that change wrote: they
carry each lead's previous status or owner, and they share their kind, actor and timestamp,
which is what an undo token names. A lead changed again since is left alone. Every statement
is set-based (an UPDATE or INSERT … SELECT per previous value), so undoing a change to
100,000 leads is a handful of statements.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import CollaborationRequest, Lead, LeadEvent, LeadStatus
from ..pool_version import pool_version_bump
from .closing import requests_moved_record
from .recount import partners_collaborating_recount
from .sets import leads_lock

# How long after a change its undo token is accepted. The page offers Undo for 10 seconds;
# the server allows a little more for a slow network.
UNDO_SECONDS = 10
UNDO_GRACE_SECONDS = 60
UNDO_KINDS = (LeadEvent.Kind.REMOVED, LeadEvent.Kind.STATUS_CHANGED, LeadEvent.Kind.ASSIGNED)
_SALT = "leads.undo"
RESTORE_IDS_MAX = 10_000


def undo_token(*, partner_id: int, user_id: int, kind: str, at: dt.datetime) -> str:
    """A signed token naming one change (its events' kind, actor and time) of this partner."""
    return signing.dumps(
        {"p": partner_id, "u": user_id, "k": str(kind), "at": at.isoformat()}, salt=_SALT
    )


def undo_token_read(token, *, partner_id: int, user_id: int) -> tuple[str, dt.datetime]:
    """(kind, at) of a token this user made for this partner within the grace period, else
    ValidationError naming `token`."""
    try:
        data = signing.loads(str(token or ""), salt=_SALT, max_age=UNDO_GRACE_SECONDS)
    except signing.SignatureExpired:
        raise ValidationError({"token": ["Too late to undo; change it back by hand."]}) from None
    except signing.BadSignature:
        raise ValidationError({"token": ["This is not an undo of yours."]}) from None
    if data.get("p") != partner_id or data.get("u") != user_id or data.get("k") not in UNDO_KINDS:
        raise ValidationError({"token": ["This is not an undo of yours."]})
    return data["k"], dt.datetime.fromisoformat(data["at"])


def _ids_check(*, partner, lead_ids) -> list[int]:
    if not isinstance(lead_ids, list | tuple) or not lead_ids:
        raise ValidationError({"ids": ["Send a non-empty list of lead ids."]})
    if len(lead_ids) > RESTORE_IDS_MAX:
        raise ValidationError({"ids": [f"At most {RESTORE_IDS_MAX:,} ids per request."]})
    if not all(isinstance(pk, int) and not isinstance(pk, bool) for pk in lead_ids):
        raise ValidationError({"ids": ["Lead ids are whole numbers."]})
    wanted = set(lead_ids)
    found = set(Lead.objects.filter(partner=partner, pk__in=wanted).values_list("pk", flat=True))
    missing = sorted(wanted - found)
    if missing:
        shown = ", ".join(str(pk) for pk in missing[:10])
        raise ValidationError({"ids": [f"Not leads of your partner: {shown}. Nothing changed."]})
    return sorted(wanted)


def _subquery(queryset) -> tuple[str, tuple]:
    return queryset.order_by().values("pk").query.get_compiler(using=queryset.db).as_sql()


def _db(value):
    return connection.ops.adapt_datetimefield_value(value) if value is not None else None


def _events_insert(target_qs, *, kind, user, now, text="", status_to=None, owner_to=None) -> int:
    """One history event per target lead, in one INSERT … SELECT. With `status_to` (a
    status) the event moves from the lead's current status to it; with `owner_to` (a pair:
    whether the owner changes, and the owner id or None) from the lead's current owner."""
    lead_t, event_t = Lead._meta.db_table, LeadEvent._meta.db_table
    target_sql, target_params = _subquery(target_qs)
    columns, params = [], [str(kind), user.pk if user else None]
    if status_to is not None:
        columns += ["l.status", "%s"]
        params.append(str(status_to))
    else:
        columns += ["''", "''"]
    if owner_to is not None:
        columns += ["l.owner_id", "CAST(%s AS integer)"]
        params.append(owner_to[1])
    else:
        columns += ["NULL", "NULL"]
    sql = f"""
        INSERT INTO {event_t} (lead_id, kind, actor_id, from_status, to_status,
                               from_owner_id, to_owner_id, text, created_at)
        SELECT l.id, %s, CAST(%s AS integer), {", ".join(columns)}, %s, %s
        FROM {lead_t} l WHERE l.id IN ({target_sql})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, text, _db(now), *target_params])
        return cursor.rowcount


def _restore(target_qs, *, user, now, text="") -> int:
    """Put the (locked) removed target leads back; returns how many. The lead update goes
    last: every earlier statement still selects the leads by their removal."""
    if not target_qs.exists():
        return 0
    _events_insert(target_qs, kind=LeadEvent.Kind.RESTORED, user=user, now=now, text=text)
    # Back in the pool, it is no longer "removed because…" (a closed lead keeps its reason).
    target_qs.exclude(status=LeadStatus.CLOSED).exclude(close_reason="").update(
        close_reason="", close_reason_text=""
    )
    # Restoring never revives an authorization: one that ended meanwhile stays ended, and
    # its licensed figures go (the expiry job's purge may not have run yet).
    target_qs.filter(authorization_expires_at__lte=now, licensed_data__isnull=False).update(
        licensed_data=None
    )
    return target_qs.update(removed_at=None, removed_by=None, updated_at=now)


def _finish(*, partner_id: int) -> None:
    partners_collaborating_recount(partner_ids=[partner_id])
    pool_version_bump(partner_ids=[partner_id])


@transaction.atomic
def leads_restore(*, partner, lead_ids, user) -> int:
    """Put these removed leads of the partner back in the pool as they were (status, owner,
    source, request time), one `restored` event each; returns how many came back.

    Ids of another partner make it a ValidationError naming `ids`, and nothing changes. A
    lead already in the pool is left as it is. An ended authorization stays ended.
    """
    ids = _ids_check(partner=partner, lead_ids=lead_ids)
    target = Lead.objects.filter(partner=partner, pk__in=ids, removed_at__isnull=False)
    leads_lock(target, ids=ids)
    now = timezone.now()
    restored = _restore(target, user=user, now=now)
    if restored:
        _finish(partner_id=partner.pk)
    return restored


def _change_events(*, partner, user, kind, at):
    return LeadEvent.objects.filter(kind=kind, actor=user, created_at=at, lead__partner=partner)


def _undo_removal(*, partner, user, at, now) -> int:
    events = _change_events(partner=partner, user=user, kind=LeadEvent.Kind.REMOVED, at=at)
    # Only leads still out of the pool from this very removal.
    target = Lead.objects.filter(partner=partner, removed_at=at, pk__in=events.values("lead_id"))
    leads_lock(target)
    return _restore(target, user=user, now=now, text="Undo of the removal")


def _undo_status(*, partner, user, at, now) -> int:
    events = _change_events(partner=partner, user=user, kind=LeadEvent.Kind.STATUS_CHANGED, at=at)
    moved_to = events.values_list("to_status", flat=True).first()
    if moved_to is None:
        return 0
    undone = 0
    for previous in sorted(set(events.values_list("from_status", flat=True))):
        # Still where this change left them, and in the pool: back to where they were. The
        # status update goes last, since every statement before selects by it.
        target = Lead.objects.in_pool().filter(
            partner=partner,
            status=moved_to,
            pk__in=events.filter(from_status=previous).values("lead_id"),
        )
        leads_lock(target)
        if not target.exists():
            continue
        if moved_to == LeadStatus.CLOSED:
            # The requests this change closed open again, unless their 7 days have ended.
            CollaborationRequest.objects.filter(
                lead__in=target,
                is_open=False,
                closed_at=at,
                expired_at__isnull=True,
                authorization_expires_at__gt=now,
            ).update(is_open=True, closed_at=None)
        request_ids = list(
            CollaborationRequest.objects.filter(lead__in=target, is_open=True).values_list(
                "pk", flat=True
            )
        )
        _events_insert(
            target,
            kind=LeadEvent.Kind.UNDONE,
            user=user,
            now=now,
            text="Undo of the status change",
            status_to=previous,
        )
        if moved_to == LeadStatus.COLLABORATING:
            # The first "collaborating" stamp this change made goes with it.
            target.filter(reached_collaborating_at=at).update(reached_collaborating_at=None)
        if previous != LeadStatus.CLOSED:
            target.exclude(close_reason="").update(close_reason="", close_reason_text="")
        undone += target.update(status=previous, updated_at=now)
        requests_moved_record(request_ids=request_ids, status=previous)
    return undone


def _undo_assign(*, partner, user, at, now) -> int:
    events = _change_events(partner=partner, user=user, kind=LeadEvent.Kind.ASSIGNED, at=at)
    first = list(events.values_list("to_owner_id", flat=True)[:1])
    if not first:
        return 0
    given_to = first[0]
    staff = set(
        get_user_model()
        .objects.filter(partner_staff__partner=partner, is_active=True)
        .values_list("pk", flat=True)
    )
    still = Q(owner__isnull=True) if given_to is None else Q(owner_id=given_to)
    undone = 0
    previous_owners = set(events.values_list("from_owner_id", flat=True))
    for previous in sorted(previous_owners, key=lambda pk: pk or 0):
        if previous is not None and previous not in staff:
            continue  # no longer staff of the partner, so no longer a possible owner
        same = (
            events.filter(from_owner__isnull=True)
            if previous is None
            else events.filter(from_owner_id=previous)
        )
        target = Lead.objects.in_pool().filter(
            still, partner=partner, pk__in=same.values("lead_id")
        )
        leads_lock(target)
        if not target.exists():
            continue
        _events_insert(
            target,
            kind=LeadEvent.Kind.UNDONE,
            user=user,
            now=now,
            text="Undo of the owner change",
            owner_to=(True, previous),
        )
        undone += target.update(owner_id=previous, updated_at=now)
    return undone


@transaction.atomic
def leads_change_undo(*, partner, user, token: str) -> tuple[str, int]:
    """Undo the change a token names (made by this user, for this partner, moments ago):
    removed leads come back, moved leads return to their previous status, reassigned leads to
    their previous owner. Each undone lead gets a history event (`restored` for a removal,
    else `undone`). Returns (kind, how many leads were undone)."""
    kind, at = undo_token_read(token, partner_id=partner.pk, user_id=user.pk)
    now = timezone.now()
    undo = {
        LeadEvent.Kind.REMOVED: _undo_removal,
        LeadEvent.Kind.STATUS_CHANGED: _undo_status,
        LeadEvent.Kind.ASSIGNED: _undo_assign,
    }[kind]
    undone = undo(partner=partner, user=user, at=at, now=now)
    if undone:
        _finish(partner_id=partner.pk)
    return kind, undone


def latest_change_at(*, kind: str, user, lead_id: int | None = None, partner=None):
    """When this user last changed this lead (or any of the partner's leads) in this way:
    what an undo token names, right after the change."""
    events = LeadEvent.objects.filter(kind=kind, actor=user)
    events = events.filter(lead_id=lead_id) if lead_id else events.filter(lead__partner=partner)
    return events.order_by("-created_at", "-id").values_list("created_at", flat=True).first()
