"""The 7-day authorization's end: mark the requests past it and tell the sellers once."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from core.jobs import job_run_record
from core.models import JobRun
from core.outbox import (
    LEAD_AUTHORIZATION_EXPIRED,
    outbox_data_param,
    outbox_data_sql,
    outbox_datetime,
    outbox_insert_sql,
)
from core.sql import db_value
from creators.models import Creator, Partner
from notifications.models import NotificationKind
from notifications.services import notification_insert_sql, notifications_mail

from ..models import CollaborationRequest, Lead
from ..notices import (
    authorization_ended_sql,
    authorization_expired_sql,
    lead_link_sql,
    request_link_sql,
)
from ..pool_version import pool_version_bump

# The expiry's statements, built once; they take named parameters from one dict per run.
# PostgreSQL marks and notifies in one statement (the UPDATE hands the requests it marked to
# the INSERT through data-modifying CTEs, which the ORM cannot say); SQLite has none, so it
# marks, then notifies the requests that carry this run's timestamp.
_REQUEST_T = CollaborationRequest._meta.db_table
_EXPIRE_MARK_SQL = f"""
    UPDATE {_REQUEST_T} SET is_open = %(false)s, expired_at = %(now)s
    WHERE is_open = %(true)s AND authorization_expires_at <= %(now)s
"""


def _expire_notify_sql(expired: str) -> str:
    return notification_insert_sql(
        f"""
        SELECT l.partner_id, NULL, %(kind)s, {authorization_expired_sql(handle="c.handle")},
               {lead_link_sql("l.id")}, l.id, %(now)s
        FROM {expired} e
        JOIN {Lead._meta.db_table} l ON l.id = e.lead_id
        JOIN {Creator._meta.db_table} c ON c.id = l.creator_id
        WHERE l.removed_at IS NULL
        """
    )


def _ended_notify_sql(expired: str) -> str:
    """The creators' "data sharing ended" notices (personal: partner NULL), one per request."""
    return notification_insert_sql(
        f"""
        SELECT NULL, c.user_id, %(ended_kind)s, {authorization_ended_sql(partner="p.name")},
               {request_link_sql("e.id")}, NULL, %(now)s
        FROM {expired} e
        JOIN {Creator._meta.db_table} c ON c.id = e.creator_id
        JOIN {Partner._meta.db_table} p ON p.id = e.partner_id
        WHERE c.user_id IS NOT NULL
        """
    )


def _expire_outbox_sql(expired: str) -> str:
    """lead.authorization_expired, one event per lead still in the pool (as its notice)."""
    return outbox_insert_sql(
        type=LEAD_AUTHORIZATION_EXPIRED,
        select_sql=f"""
        SELECT l.partner_id AS partner_id, l.id AS lead_id,
               {outbox_data_sql(param="%(outbox_data)s", request_id="e.id")} AS data,
               %(now)s AS created_at
        FROM {expired} e
        JOIN {Lead._meta.db_table} l ON l.id = e.lead_id
        WHERE l.removed_at IS NULL
        """,
    )


def _expire_postgres_sql() -> str:
    # Built per run: the outbox's SQL form depends on the database (and the bench's pause).
    return f"""
    WITH expired AS ({_EXPIRE_MARK_SQL} RETURNING id, lead_id, creator_id, partner_id),
    notified AS ({_expire_notify_sql("expired")} RETURNING 1),
    ended AS ({_ended_notify_sql("expired")} RETURNING 1),
    outbox AS ({_expire_outbox_sql("expired")} RETURNING 1)
    SELECT (SELECT count(*) FROM expired), (SELECT count(*) FROM notified)
    """


_EXPIRED_NOW_SQLITE = (
    f"(SELECT id, lead_id, creator_id, partner_id FROM {_REQUEST_T} "
    "WHERE expired_at = %(now)s AND is_open = %(false)s)"
)
_EXPIRE_NOTIFY_SQLITE_SQL = _expire_notify_sql(_EXPIRED_NOW_SQLITE)
_ENDED_NOTIFY_SQLITE_SQL = _ended_notify_sql(_EXPIRED_NOW_SQLITE)


def licensed_data_purge(*, now: dt.datetime) -> int:
    """Erase the licensed figures (GMV, sessions, viewers, categories: the whole snapshot the
    authorization covered) of every request and lead whose authorization has ended; keep what
    is not licensed (the creator's public profile, the request time and message, the status).
    Returns how many requests it erased. Set-based, on the two partial indexes of what still
    holds figures; a renewal re-reads the figures, so nothing is lost that is still shared."""
    purged = CollaborationRequest.objects.filter(
        licensed_data_purged_at__isnull=True, authorization_expires_at__lte=now
    ).update(licensed_data={}, licensed_data_purged_at=now)
    leads = Lead.objects.filter(licensed_data__isnull=False, authorization_expires_at__lte=now)
    partner_ids = set(leads.order_by().values_list("partner_id", flat=True).distinct())
    if partner_ids:
        leads.update(licensed_data=None)
        # The rows showed nothing licensed any more (hidden at read time), but they changed.
        pool_version_bump(partner_ids=partner_ids)
    return purged


def licensed_data_purge_run(*, now: dt.datetime | None = None) -> JobRun:
    """`purge_expired_licensed_data` on its own (the expiry job also purges, every run)."""
    with job_run_record(job=JobRun.Job.PURGE_EXPIRED_LICENSED_DATA) as run:
        with transaction.atomic():
            run.rows_changed = licensed_data_purge(now=now or timezone.now())
            run.detail = "licensed data purged"
    return run


def authorizations_expire(*, now: dt.datetime | None = None) -> JobRun:
    """Mark collaboration requests past their authorization and notify each seller once per lead.

    The open request is the record of a lead's current authorization (a renewal or a close
    ends it first), so marking it expired is what makes the notice once-only: a rerun finds
    nothing open and due. In the same transaction the licensed figures of every ended
    authorization are erased (`licensed_data_purge`): the creator consented to 7 days, so
    no copy is kept, not in admin and not in any backup made after.
    A lead that was removed from the pool, or closed, gets no notice. Each creator is told
    their data sharing ended (authorization_ended, personal; email by their preference).
    Each lead still in the pool gets one lead.authorization_expired event in the outbox, in
    the same statement (PostgreSQL) or transaction.
    """
    now = now or timezone.now()
    params = {
        "now": db_value(now),
        "kind": NotificationKind.AUTHORIZATION_EXPIRED.value,
        "ended_kind": NotificationKind.AUTHORIZATION_ENDED.value,
        "true": True,
        "false": False,
        "outbox_data": outbox_data_param({"expired_at": outbox_datetime(now), "actor_id": None}),
    }
    with job_run_record(job=JobRun.Job.EXPIRE_AUTHORIZATIONS) as run:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(_expire_postgres_sql(), params)
                run.rows_changed = cursor.fetchone()[0]
            else:
                cursor.execute(_EXPIRE_MARK_SQL, params)
                run.rows_changed = cursor.rowcount
                if run.rows_changed:
                    cursor.execute(_EXPIRE_NOTIFY_SQLITE_SQL, params)
                    cursor.execute(_ENDED_NOTIFY_SQLITE_SQL, params)
                    cursor.execute(_expire_outbox_sql(_EXPIRED_NOW_SQLITE), params)
            if run.rows_changed:
                notifications_mail(kind=NotificationKind.AUTHORIZATION_ENDED, created_at=now)
            purged = licensed_data_purge(now=now)
            run.detail = f"licensed data erased from {purged} requests"
    return run
