"""Bulk actions on the Leads Pool: set the status, assign, or remove many leads at once.

One service applies each action to a set of leads, chosen by ids or by the pool's filters, in
one transaction with one history event per changed lead. On PostgreSQL it is one statement:
the leads are locked and changed by an `UPDATE … FROM` whose `RETURNING` feeds the events'
`INSERT … SELECT`, so 100,000 leads take seconds and no row passes through Python. Other
databases (SQLite in development) take the ids once and change them in chunks.

Status rules in bulk: the pipeline's LEAD_STATUS_FLOW applies to each lead. A lead already in
the target status is left as it is; a lead whose status cannot move to the target (for example
collaborating -> new) is skipped. Neither counts in `updated`; the skipped ones are counted in
`skipped`, so the page can say "27 updated, 3 skipped (a collaborating lead cannot go back to
new)". A bulk request never fails because some leads cannot move.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone

from ..filters import LeadPoolFilter
from ..models import CollaborationRequest, Lead, LeadEvent, LeadStatus, NotificationKind
from .owners import staff_member

ACTIONS = ("set_status", "assign", "remove")
BULK_IDS_MAX = 10_000
CHUNK = 500


@dataclass
class BulkResult:
    updated: int
    skipped: int = 0


def _status_sources(target: str) -> list[str]:
    """The statuses a lead may move to `target` from (LEAD_STATUS_FLOW), target excluded."""
    from . import LEAD_STATUS_FLOW

    return [source.value for source, moves in LEAD_STATUS_FLOW.items() if target in moves]


def bulk_target(*, partner, user, ids=None, filters=None):
    """The pool leads a bulk action applies to: these ids (all of them in the caller's pool,
    else ValidationError naming `ids`), or every lead matching the pool's filters."""
    pool = Lead.objects.in_pool().filter(partner=partner)
    if (ids is None) == (filters is None):
        raise ValidationError({"ids": ["Send either `ids` or `filters`."]})
    if ids is not None:
        if not isinstance(ids, list) or not ids:
            raise ValidationError({"ids": ["Send a non-empty list of lead ids."]})
        if len(ids) > BULK_IDS_MAX:
            raise ValidationError(
                {
                    "ids": [
                        f"At most {BULK_IDS_MAX:,} ids per request; "
                        "use `filters` for all leads matching the pool's filters."
                    ]
                }
            )
        if not all(isinstance(pk, int) and not isinstance(pk, bool) for pk in ids):
            raise ValidationError({"ids": ["Lead ids are whole numbers."]})
        wanted = set(ids)
        found = set(pool.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = sorted(wanted - found)
        if missing:
            shown = ", ".join(str(pk) for pk in missing[:10])
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            raise ValidationError(
                {"ids": [f"Not in your Leads Pool: {shown}{more}. Nothing was changed."]}
            )
        return pool.filter(pk__in=wanted)
    if not isinstance(filters, dict):
        raise ValidationError({"filters": ["Send the pool's query parameters as an object."]})
    params = QueryDict(mutable=True)
    for key, value in filters.items():
        values = value if isinstance(value, list) else [value]
        params.setlist(str(key), ["" if v is None else str(v) for v in values])
    filterset = LeadPoolFilter(params, queryset=pool, user=user)
    if not filterset.is_valid():
        raise ValidationError(
            {
                "filters": [
                    f"{field}: {' '.join(messages)}"
                    for field, messages in filterset.form.errors.items()
                ]
            }
        )
    return filterset.qs


def _subquery(queryset) -> tuple[str, tuple]:
    return queryset.order_by().values("pk").query.get_compiler(using=queryset.db).as_sql()


def _target_lock(target_qs) -> None:
    """Lock the target leads' rows (PostgreSQL) before the action takes its time, as the single
    services do: a change that held a row first then sorts before this run's events."""
    lead_t = Lead._meta.db_table
    target_sql, target_params = _subquery(target_qs)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT id FROM {lead_t} WHERE id IN ({target_sql}) "
            "ORDER BY id FOR UPDATE) locked",
            target_params,
        )


def _tables():
    return Lead._meta.db_table, LeadEvent._meta.db_table, CollaborationRequest._meta.db_table


def _set_status_pg(target_qs, *, status, sources, user, now) -> int:
    lead_t, event_t, request_t = _tables()
    target_sql, target_params = _subquery(target_qs)
    placeholders = ", ".join(["%s"] * len(sources))
    closing = status == LeadStatus.CLOSED
    # Moving to collaborating stamps the first time (lead_set_status's rule).
    reached_sql = (
        ", reached_collaborating_at = COALESCE(l.reached_collaborating_at, %s)"
        if status == LeadStatus.COLLABORATING
        else ""
    )
    close_sql = (
        f""", closed AS (
            UPDATE {request_t} SET is_open = %s, closed_at = %s
            WHERE is_open = %s AND lead_id IN (SELECT id FROM changed) RETURNING 1)"""
        if closing
        else ""
    )
    sql = f"""
        WITH target AS (
            SELECT id, status FROM {lead_t}
            WHERE id IN ({target_sql}) AND removed_at IS NULL AND status IN ({placeholders})
            FOR UPDATE
        ), changed AS (
            UPDATE {lead_t} AS l SET status = %s, updated_at = %s{reached_sql}
            FROM target t WHERE l.id = t.id
            RETURNING l.id, t.status AS from_status
        ), events AS (
            INSERT INTO {event_t} (lead_id, kind, actor_id, from_status, to_status, text,
                                   created_at)
            SELECT id, %s, CAST(%s AS integer), from_status, %s, '', %s FROM changed
            RETURNING 1
        ){close_sql}
        SELECT count(*) FROM changed
    """
    params = [
        *target_params,
        *sources,
        status,
        now,
        *([now] if reached_sql else []),
        LeadEvent.Kind.STATUS_CHANGED,
        user.pk if user else None,
        status,
        now,
    ]
    if closing:
        params += [False, now, True]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _set_status_chunked(target_qs, *, status, sources, user, now) -> int:
    rows = list(target_qs.filter(status__in=sources).values_list("pk", "status"))
    reached = (
        {"reached_collaborating_at": Coalesce("reached_collaborating_at", Value(now))}
        if status == LeadStatus.COLLABORATING
        else {}
    )
    for start in range(0, len(rows), CHUNK):
        ids = [pk for pk, _ in rows[start : start + CHUNK]]
        Lead.objects.filter(pk__in=ids).update(status=status, updated_at=now, **reached)
        if status == LeadStatus.CLOSED:
            CollaborationRequest.objects.filter(lead_id__in=ids, is_open=True).update(
                is_open=False, closed_at=now
            )
    LeadEvent.objects.bulk_create(
        [
            LeadEvent(
                lead_id=pk,
                kind=LeadEvent.Kind.STATUS_CHANGED,
                actor=user,
                from_status=from_status,
                to_status=status,
                created_at=now,
            )
            for pk, from_status in rows
        ],
        batch_size=CHUNK,
    )
    return len(rows)


def _assign_pg(target_qs, *, owner_id, user, now) -> int:
    lead_t, event_t, _ = _tables()
    target_sql, target_params = _subquery(target_qs)
    sql = f"""
        WITH target AS (
            SELECT id, owner_id FROM {lead_t}
            WHERE id IN ({target_sql}) AND removed_at IS NULL
              AND owner_id IS DISTINCT FROM CAST(%s AS integer)
            FOR UPDATE
        ), changed AS (
            UPDATE {lead_t} AS l SET owner_id = CAST(%s AS integer), updated_at = %s
            FROM target t WHERE l.id = t.id
            RETURNING l.id, t.owner_id AS from_owner
        ), events AS (
            INSERT INTO {event_t} (lead_id, kind, actor_id, from_status, to_status,
                                   from_owner_id, to_owner_id, text, created_at)
            SELECT id, %s, CAST(%s AS integer), '', '', from_owner, CAST(%s AS integer), '', %s
            FROM changed
            RETURNING 1
        )
        SELECT count(*) FROM changed
    """
    params = [
        *target_params,
        owner_id,
        owner_id,
        now,
        LeadEvent.Kind.ASSIGNED,
        user.pk if user else None,
        owner_id,
        now,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _assign_chunked(target_qs, *, owner_id, user, now) -> int:
    if owner_id is None:
        rows = list(target_qs.filter(owner__isnull=False).values_list("pk", "owner_id"))
    else:
        rows = list(
            target_qs.exclude(owner_id=owner_id).values_list("pk", "owner_id")
        )  # exclude() keeps the unowned ones (NULL <> owner)
    for start in range(0, len(rows), CHUNK):
        ids = [pk for pk, _ in rows[start : start + CHUNK]]
        Lead.objects.filter(pk__in=ids).update(owner_id=owner_id, updated_at=now)
    LeadEvent.objects.bulk_create(
        [
            LeadEvent(
                lead_id=pk,
                kind=LeadEvent.Kind.ASSIGNED,
                actor=user,
                from_owner_id=from_owner,
                to_owner_id=owner_id,
                created_at=now,
            )
            for pk, from_owner in rows
        ],
        batch_size=CHUNK,
    )
    return len(rows)


def _remove_pg(target_qs, *, user, now) -> int:
    lead_t, event_t, _ = _tables()
    target_sql, target_params = _subquery(target_qs)
    sql = f"""
        WITH changed AS (
            UPDATE {lead_t} SET removed_at = %s, removed_by_id = CAST(%s AS integer),
                                updated_at = %s
            WHERE id IN ({target_sql}) AND removed_at IS NULL
            RETURNING id
        ), events AS (
            INSERT INTO {event_t} (lead_id, kind, actor_id, from_status, to_status, text,
                                   created_at)
            SELECT id, %s, CAST(%s AS integer), '', '', '', %s FROM changed
            RETURNING 1
        )
        SELECT count(*) FROM changed
    """
    actor = user.pk if user else None
    params = [now, actor, now, *target_params, LeadEvent.Kind.REMOVED, actor, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _remove_chunked(target_qs, *, user, now) -> int:
    ids = list(target_qs.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        Lead.objects.filter(pk__in=ids[start : start + CHUNK], removed_at__isnull=True).update(
            removed_at=now, removed_by=user, updated_at=now
        )
    LeadEvent.objects.bulk_create(
        [
            LeadEvent(lead_id=pk, kind=LeadEvent.Kind.REMOVED, actor=user, created_at=now)
            for pk in ids
        ],
        batch_size=CHUNK,
    )
    return len(ids)


def _changed_lead(*, kind, user, now) -> Lead | None:
    """The one lead this run changed (for a notice that names it), by its event."""
    event = (
        LeadEvent.objects.filter(kind=kind, actor=user, created_at=now)
        .select_related("lead__creator")
        .first()
    )
    return event.lead if event else None


@transaction.atomic
def leads_bulk_apply(
    *,
    partner,
    user,
    action: str,
    ids: list[int] | None = None,
    filters: dict | None = None,
    status: str | None = None,
    owner_id: int | None = None,
) -> BulkResult:
    """Apply one action to many pool leads at once, all or nothing, one event per lead.

    Ids outside the caller's pool make the whole request a ValidationError naming `ids`.
    """
    from . import (
        lead_pool_changed,
        lead_url,
        notification_create,
        partners_collaborating_recount,
    )

    if action not in ACTIONS:
        raise ValidationError({"action": [f"Use one of {', '.join(ACTIONS)}."]})
    owner = None
    if action == "set_status" and status not in LeadStatus.values:
        raise ValidationError(
            {"status": [f"Use one of {', '.join(LeadStatus.values)} for set_status."]}
        )
    if action == "assign" and owner_id is not None:
        owner = staff_member(partner_id=partner.pk, user_id=owner_id)
    target = bulk_target(partner=partner, user=user, ids=ids, filters=filters)
    postgres = connection.vendor == "postgresql"
    if postgres:
        _target_lock(target)
    now = timezone.now()
    who = user.get_username() if user is not None else "someone"

    if action == "set_status":
        sources = _status_sources(status)
        skipped = target.exclude(status=status).exclude(status__in=sources).count()
        apply = _set_status_pg if postgres else _set_status_chunked
        updated = apply(target, status=status, sources=sources, user=user, now=now)
        if updated:
            # The directory's collaborating-creators figure: a recount after the lead writes;
            # then the pool's count version (its cached counts are recounted).
            partners_collaborating_recount(partner_ids=[partner.pk])
            lead_pool_changed(partner_ids=[partner.pk])
        return BulkResult(updated=updated, skipped=skipped)

    if action == "assign":
        apply = _assign_pg if postgres else _assign_chunked
        updated = apply(target, owner_id=owner_id, user=user, now=now)
        if updated:
            lead_pool_changed(partner_ids=[partner.pk])
        if updated and owner is not None and owner != user:
            from core.mail import mail_queue

            one = _changed_lead(kind=LeadEvent.Kind.ASSIGNED, user=user, now=now)
            if updated == 1 and one is not None:
                text = f"{who} assigned @{one.creator.handle} to you."
                link = lead_url(one.pk)
            else:
                one = None
                text = f"{who} assigned {updated:,} leads to you."
                from core.mail import absolute_url

                link = absolute_url(f"/seller/leads/?owner={owner.pk}")
            notification_create(
                partner=partner,
                kind=NotificationKind.LEAD_ASSIGNED,
                text=text,
                lead=one,
                user=owner,
            )
            mail_queue(
                to=[owner.email],
                subject=text,
                body=f"{text}\n\nOpen: {link}\n",
            )
        return BulkResult(updated=updated)

    apply = _remove_pg if postgres else _remove_chunked
    updated = apply(target, user=user, now=now)
    if updated:
        partners_collaborating_recount(partner_ids=[partner.pk])
        lead_pool_changed(partner_ids=[partner.pk])
        one = (
            _changed_lead(kind=LeadEvent.Kind.REMOVED, user=user, now=now) if updated == 1 else None
        )
        text = (
            f"@{one.creator.handle} was removed from the Leads Pool by {who}."
            if one is not None
            else f"{updated:,} leads were removed from the Leads Pool by {who}."
        )
        notification_create(
            partner=partner, kind=NotificationKind.LEAD_REMOVED, text=text, lead=one
        )
    return BulkResult(updated=updated)
