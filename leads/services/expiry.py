"""The 7-day authorization's end: mark the requests past it and tell the sellers once."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from core.jobs import job_run_record
from core.models import JobRun
from core.sql import db_value
from creators.models import Creator
from notifications.models import NotificationKind
from notifications.services import notification_insert_sql

from ..models import CollaborationRequest, Lead
from ..notices import authorization_expired_sql, lead_link_sql

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


_EXPIRE_POSTGRES_SQL = f"""
    WITH expired AS ({_EXPIRE_MARK_SQL} RETURNING lead_id),
    notified AS ({_expire_notify_sql("expired")} RETURNING 1)
    SELECT (SELECT count(*) FROM expired), (SELECT count(*) FROM notified)
"""
_EXPIRE_NOTIFY_SQLITE_SQL = _expire_notify_sql(
    f"(SELECT lead_id FROM {_REQUEST_T} WHERE expired_at = %(now)s AND is_open = %(false)s)"
)


def authorizations_expire(*, now: dt.datetime | None = None) -> JobRun:
    """Mark collaboration requests past their authorization and notify each seller once per lead.

    The open request is the record of a lead's current authorization (a renewal or a close
    ends it first), so marking it expired is what makes the notice once-only: a rerun finds
    nothing open and due. The lead itself is not written: its licensed data is hidden at read
    time from `authorization_expires_at`, so the busy lead table and its indexes stay still
    (and the pool's version with them: no count or page changes at an expiry).
    A lead that was removed from the pool, or closed, gets no notice.
    """
    params = {
        "now": db_value(now or timezone.now()),
        "kind": NotificationKind.AUTHORIZATION_EXPIRED.value,
        "true": True,
        "false": False,
    }
    with job_run_record(job=JobRun.Job.EXPIRE_AUTHORIZATIONS) as run:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(_EXPIRE_POSTGRES_SQL, params)
                run.rows_changed = cursor.fetchone()[0]
            else:
                cursor.execute(_EXPIRE_MARK_SQL, params)
                run.rows_changed = cursor.rowcount
                if run.rows_changed:
                    cursor.execute(_EXPIRE_NOTIFY_SQLITE_SQL, params)
    return run
