"""The set-based writes of a lead's pipeline: status, owner and removal over a set of leads.

Every status change, assignment and removal, of one lead or of 100,000, goes through these,
so the rules live once: which status may follow which (`LEAD_STATUS_FLOW`), the first
"collaborating" stamp, closing the open request, one history event per changed lead.

On PostgreSQL each is one statement: the leads are locked and changed by an `UPDATE … FROM`
whose `RETURNING` feeds the events' `INSERT … SELECT` (hand SQL: data-modifying CTEs are what
the ORM cannot say, and they keep 100,000 rows out of Python). Other databases (SQLite in
development) take the ids once and change them in chunks with the ORM. The caller recounts,
bumps the pool version and notifies.

Each also writes the transactional outbox (core.outbox), one event per changed lead, in the
same statement on PostgreSQL (one more CTE branch reading `changed`) and per chunk elsewhere
(an `INSERT … SELECT` over the chunk's rows just before their UPDATE, so it reads the old
status or owner): lead.status_changed, lead.assigned, lead.removed.
"""

from django.db import connection, connections
from django.db.models import Value
from django.db.models.functions import Coalesce

from core.outbox import (
    LEAD_ASSIGNED,
    LEAD_REMOVED,
    LEAD_STATUS_CHANGED,
    outbox_data_param,
    outbox_data_sql,
    outbox_insert_sql,
    outbox_user_name_sql,
)

from ..models import CollaborationRequest, Lead, LeadEvent, LeadStatus
from .closing import requests_move_prepare, requests_moved_record
from .outbox import (
    assigned_data,
    outbox_chunk_write,
    outbox_select,
    removed_data,
    status_changed_sql,
)
from .responses import first_responses_by_status, unanswered_q

CHUNK = 500

LEAD_STATUS_FLOW = {
    LeadStatus.NEW: {LeadStatus.CONTACTED, LeadStatus.COLLABORATING, LeadStatus.CLOSED},
    LeadStatus.CONTACTED: {LeadStatus.NEW, LeadStatus.COLLABORATING, LeadStatus.CLOSED},
    LeadStatus.COLLABORATING: {LeadStatus.CONTACTED, LeadStatus.CLOSED},
    LeadStatus.CLOSED: {LeadStatus.NEW, LeadStatus.CONTACTED},
}


def status_sources(target: str) -> list[str]:
    """The statuses a lead may move to `target` from (LEAD_STATUS_FLOW), target excluded."""
    return [source.value for source, moves in LEAD_STATUS_FLOW.items() if target in moves]


def leads_lock(target_qs, *, ids=None) -> None:
    """Lock the target leads' rows, in id order, before the caller takes its time: a change
    that held a row first then sorts before this one's events (history in commit order).

    With `ids`, every one of those rows is locked, whether or not it is in the target now: a
    lead that a concurrent change brings into the target (a removal undone, a lead back in
    the pool) is then waited for, and the statements that follow, which see that change, never
    write a row this transaction did not lock with a time taken before it."""
    if ids is not None:
        locked = Lead.objects.filter(pk__in=ids)
    else:
        locked = Lead.objects.filter(pk__in=target_qs.order_by().values("pk"))
    # One round trip that returns no rows: the locking SELECT (rows locked as its sort returns
    # them) counted by the database.
    locking = locked.order_by("pk").select_for_update().values_list("pk")
    sql, params = locking.query.get_compiler(using=locking.db).as_sql()
    with connections[locking.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS locked", params)


def _subquery(queryset) -> tuple[str, tuple]:
    return queryset.order_by().values("pk").query.get_compiler(using=queryset.db).as_sql()


def _tables():
    return Lead._meta.db_table, LeadEvent._meta.db_table, CollaborationRequest._meta.db_table


def _set_status_pg(target_qs, *, status, sources, user, now, close_reason=None) -> int:
    lead_t, event_t, request_t = _tables()
    target_sql, target_params = _subquery(target_qs)
    placeholders = ", ".join(["%s"] * len(sources))
    closing = status == LeadStatus.CLOSED
    data_sql, data_params = status_changed_sql(
        "s.from_status", status=status, sources=sources, user=user, close_reason=close_reason
    )
    outbox = outbox_insert_sql(
        type=LEAD_STATUS_CHANGED, select_sql=outbox_select("changed", data_sql=data_sql)
    )
    # Moving to collaborating stamps the first time (kept when the lead moves on).
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
            RETURNING l.id, l.partner_id, t.status AS from_status
        ), events AS (
            INSERT INTO {event_t} (lead_id, kind, actor_id, from_status, to_status, text,
                                   created_at)
            SELECT id, %s, CAST(%s AS integer), from_status, %s, '', %s FROM changed
            RETURNING 1
        ), outbox AS ({outbox} RETURNING 1){close_sql}
        SELECT count(*) FROM changed HAVING count(*) > 0
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
        *data_params,
        now,
    ]
    if closing:
        params += [False, now, True]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _count(cursor)


def _set_status_chunked(target_qs, *, status, sources, user, now, close_reason=None) -> int:
    rows = list(target_qs.filter(status__in=sources).values_list("pk", "status"))
    reached = (
        {"reached_collaborating_at": Coalesce("reached_collaborating_at", Value(now))}
        if status == LeadStatus.COLLABORATING
        else {}
    )
    data_sql, data_params = status_changed_sql(
        "s.status", status=status, sources=sources, user=user, close_reason=close_reason
    )
    for start in range(0, len(rows), CHUNK):
        ids = [pk for pk, _ in rows[start : start + CHUNK]]
        outbox_chunk_write(
            type=LEAD_STATUS_CHANGED, ids=ids, data_sql=data_sql, data_params=data_params, now=now
        )
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


def _assign_pg(target_qs, *, owner_id, user, now, rule=None) -> int:
    lead_t, event_t, _ = _tables()
    target_sql, target_params = _subquery(target_qs)
    outbox = outbox_insert_sql(
        type=LEAD_ASSIGNED,
        select_sql=outbox_select(
            "changed",
            data_sql=outbox_data_sql(
                owner_name=outbox_user_name_sql("CAST(%s AS integer)"),
                from_owner_id="s.from_owner",
            ),
        ),
    )
    sql = f"""
        WITH target AS (
            SELECT id, owner_id FROM {lead_t}
            WHERE id IN ({target_sql}) AND removed_at IS NULL
              AND owner_id IS DISTINCT FROM CAST(%s AS integer)
            FOR UPDATE
        ), changed AS (
            UPDATE {lead_t} AS l SET owner_id = CAST(%s AS integer), updated_at = %s
            FROM target t WHERE l.id = t.id
            RETURNING l.id, l.partner_id, t.owner_id AS from_owner
        ), events AS (
            INSERT INTO {event_t} (lead_id, kind, actor_id, from_status, to_status,
                                   from_owner_id, to_owner_id, text, created_at)
            SELECT id, %s, CAST(%s AS integer), '', '', from_owner, CAST(%s AS integer), '', %s
            FROM changed
            RETURNING 1
        ), outbox AS ({outbox} RETURNING 1)
        SELECT count(*) FROM changed HAVING count(*) > 0
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
        outbox_data_param(assigned_data(owner_id=owner_id, user=user, rule=rule)),
        owner_id,
        now,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _count(cursor)


def _assign_chunked(target_qs, *, owner_id, user, now, rule=None) -> int:
    if owner_id is None:
        rows = list(target_qs.filter(owner__isnull=False).values_list("pk", "owner_id"))
    else:
        rows = list(
            target_qs.exclude(owner_id=owner_id).values_list("pk", "owner_id")
        )  # exclude() keeps the unowned ones (NULL <> owner)
    data_sql = outbox_data_sql(
        owner_name=outbox_user_name_sql("CAST(%s AS integer)"), from_owner_id="s.owner_id"
    )
    data_params = [
        outbox_data_param(assigned_data(owner_id=owner_id, user=user, rule=rule)),
        owner_id,
    ]
    for start in range(0, len(rows), CHUNK):
        ids = [pk for pk, _ in rows[start : start + CHUNK]]
        outbox_chunk_write(
            type=LEAD_ASSIGNED, ids=ids, data_sql=data_sql, data_params=data_params, now=now
        )
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


def _remove_pg(target_qs, *, user, now, close_reason=None) -> int:
    lead_t, event_t, _ = _tables()
    target_sql, target_params = _subquery(target_qs)
    outbox = outbox_insert_sql(
        type=LEAD_REMOVED, select_sql=outbox_select("changed", data_sql=outbox_data_sql())
    )
    sql = f"""
        WITH changed AS (
            UPDATE {lead_t} SET removed_at = %s, removed_by_id = CAST(%s AS integer),
                                updated_at = %s
            WHERE id IN ({target_sql}) AND removed_at IS NULL
            RETURNING id, partner_id
        ), events AS (
            INSERT INTO {event_t} (lead_id, kind, actor_id, from_status, to_status, text,
                                   created_at)
            SELECT id, %s, CAST(%s AS integer), '', '', '', %s FROM changed
            RETURNING 1
        ), outbox AS ({outbox} RETURNING 1)
        SELECT count(*) FROM changed HAVING count(*) > 0
    """
    actor = user.pk if user else None
    data = outbox_data_param(removed_data(user=user, close_reason=close_reason))
    params = [now, actor, now, *target_params, LeadEvent.Kind.REMOVED, actor, now, data, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _count(cursor)


def _remove_chunked(target_qs, *, user, now, close_reason=None) -> int:
    ids = list(target_qs.values_list("pk", flat=True))
    data_params = [outbox_data_param(removed_data(user=user, close_reason=close_reason))]
    for start in range(0, len(ids), CHUNK):
        outbox_chunk_write(
            type=LEAD_REMOVED,
            ids=ids[start : start + CHUNK],
            data_sql=outbox_data_sql(),
            data_params=data_params,
            now=now,
            where=" AND s.removed_at IS NULL",
        )
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


def _count(cursor) -> int:
    """The statement's count of changed leads. It answers no row when nothing changed
    (`HAVING count(*) > 0`), so the statement's row count says whether it wrote."""
    row = cursor.fetchone()
    return row[0] if row else 0


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def leads_status_set(target_qs, *, status: str, user, now, close_reason=None) -> int:
    """Move the target leads that may move (LEAD_STATUS_FLOW) to `status`; returns how many.

    A person's move answers a request still waiting for its first reply (the first-response
    clock); a job's move (no user) does not. Closing stores the optional `close_reason`
    (code, text); each creator whose request moved is told (closing.requests_moved_record).
    """
    sources = status_sources(status)
    waiting = []
    if user is not None:
        waiting = list(
            target_qs.filter(unanswered_q(), status__in=sources).values_list("pk", flat=True)
        )
    request_ids = requests_move_prepare(
        moving=target_qs.filter(status__in=sources, removed_at__isnull=True),
        closing=status == LeadStatus.CLOSED,
        close_reason=close_reason,
    )
    apply = _set_status_pg if _postgres() else _set_status_chunked
    moved = apply(
        target_qs, status=status, sources=sources, user=user, now=now, close_reason=close_reason
    )
    first_responses_by_status(lead_ids=waiting, at=now)
    requests_moved_record(request_ids=request_ids, status=status, close_reason=close_reason)
    return moved


def leads_owner_set(target_qs, *, owner_id, user, now, rule: dict | None = None) -> int:
    """Give the target leads this owner (or none); returns how many changed hands. `rule`
    (`{id, name}`) says an assignment rule chose the owner (the lead.assigned events say so)."""
    apply = _assign_pg if _postgres() else _assign_chunked
    return apply(target_qs, owner_id=owner_id, user=user, now=now, rule=rule)


def leads_removed_set(target_qs, *, user, now, close_reason=None) -> int:
    """Remove the target leads from the pool (soft); returns how many were in it. The optional
    `close_reason` is stored; each creator with an open request is told."""
    request_ids = requests_move_prepare(
        moving=target_qs.filter(removed_at__isnull=True), closing=True, close_reason=close_reason
    )
    apply = _remove_pg if _postgres() else _remove_chunked
    removed = apply(target_qs, user=user, now=now, close_reason=close_reason)
    requests_moved_record(request_ids=request_ids, removed=True, close_reason=close_reason)
    return removed


def changed_lead(*, kind, user, now) -> Lead | None:
    """The one lead this run changed (for a notice that names it), by its event."""
    event = (
        LeadEvent.objects.filter(kind=kind, actor=user, created_at=now)
        .select_related("lead__creator")
        .first()
    )
    return event.lead if event else None
