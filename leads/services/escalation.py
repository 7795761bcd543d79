"""The first-response escalation (`escalate_unanswered_requests`, hourly).

An open request still waiting for its first reply notifies the lead's owner (every staff
user of the partner when the lead has no owner) once when it enters the last 25% of its
response window (kind response_due), and once when its deadline passes (kind
response_overdue). `response_due_notified_at` and `response_overdue_notified_at` on the
request make each notice once-only: the job stamps the requests it is about to tell about
and notifies exactly those (the rows carrying this run's timestamp), so a rerun finds none.
A request past its deadline when first seen gets only the overdue notice. A lead removed
from the pool is stamped but nobody is told.
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from core.jobs import job_run_record
from core.models import JobRun
from core.sql import db_value
from creators.models import Creator, PartnerStaff
from notifications.models import NotificationKind
from notifications.services import notification_insert_sql

from ..models import CollaborationRequest, Lead
from ..notices import lead_link_sql, response_due_sql, response_overdue_sql

# The last quarter of the response window: due - now <= (due - submitted) / 4, that is
# 3 * due + submitted <= 4 * now, in seconds since the epoch.
DUE_SHARE = 4


def _epoch(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})"
    return f"(julianday({column}) - 2440587.5) * 86400.0"


def _notify_sql(*, stamp_column: str, text: str) -> str:
    request_t, lead_t = CollaborationRequest._meta.db_table, Lead._meta.db_table
    creator_t, staff_t = Creator._meta.db_table, PartnerStaff._meta.db_table
    return notification_insert_sql(
        f"""
        SELECT l.partner_id, COALESCE(l.owner_id, s.user_id), %s, {text},
               {lead_link_sql("l.id")}, l.id, %s
        FROM {request_t} r
        JOIN {lead_t} l ON l.id = r.lead_id
        JOIN {creator_t} c ON c.id = l.creator_id
        LEFT JOIN {staff_t} s ON l.owner_id IS NULL AND s.partner_id = l.partner_id
        WHERE r.{stamp_column} = %s AND l.removed_at IS NULL
        """
    )


def unanswered_requests_escalate(*, now: dt.datetime | None = None) -> JobRun:
    """Notify once when an unanswered request nears its deadline and once when it passes."""
    now = now or timezone.now()
    request_t = CollaborationRequest._meta.db_table
    when = db_value(now)
    waiting = "is_open = %s AND first_response_at IS NULL AND response_due_at IS NOT NULL"
    mark_overdue = f"""
        UPDATE {request_t} SET response_overdue_notified_at = %s
        WHERE {waiting} AND response_overdue_notified_at IS NULL AND response_due_at <= %s
    """
    mark_due = f"""
        UPDATE {request_t} SET response_due_notified_at = %s
        WHERE {waiting} AND response_due_notified_at IS NULL AND response_due_at > %s
          AND 3 * {_epoch("response_due_at")} + {_epoch("submitted_at")} <= %s
    """
    now_epoch = DUE_SHARE * now.timestamp()
    steps = [
        (
            mark_overdue,
            [when, True, when],
            "response_overdue_notified_at",
            NotificationKind.RESPONSE_OVERDUE,
            response_overdue_sql(handle="c.handle"),
        ),
        (
            mark_due,
            [when, True, when, now_epoch],
            "response_due_notified_at",
            NotificationKind.RESPONSE_DUE,
            response_due_sql(handle="c.handle"),
        ),
    ]
    with job_run_record(job=JobRun.Job.ESCALATE_UNANSWERED_REQUESTS) as run:
        notified = 0
        with transaction.atomic(), connection.cursor() as cursor:
            for mark, params, column, kind, text in steps:
                cursor.execute(mark, params)
                if cursor.rowcount:
                    run.rows_changed += cursor.rowcount
                    cursor.execute(_notify_sql(stamp_column=column, text=text), [kind, when, when])
                    notified += cursor.rowcount
        run.detail = f"{notified} notifications"
    return run
