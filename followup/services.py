"""Writes for follow-up tasks: create, update, complete, reopen, and the hourly due notice.

Every write refreshes its lead's `next_task_due_at` (the soonest open task's due time, one
UPDATE with a subquery) and bumps the pool version: the pool row shows the next task.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.jobs import job_run_record
from core.models import JobRun
from core.outbox import (
    TASK_DUE,
    outbox_data_param,
    outbox_data_sql,
    outbox_datetime_sql,
    outbox_insert_sql,
)
from core.sql import db_value
from core.text import text_refuse_nul
from creators.models import PartnerStaff
from leads.models import Lead, LeadEvent
from leads.pool_version import pool_version_bump
from notifications.models import NotificationKind
from notifications.services import notification_insert_sql

from .models import TITLE_MAX_LENGTH, LeadTask
from .notices import task_due_sql, task_link_sql

UNSET = object()


def task_clean_title(title) -> str:
    """A task's title is plain text of 1 to 200 characters once trimmed."""
    if not isinstance(title, str):
        raise ValidationError({"title": ["A title is plain text."]})
    title = text_refuse_nul(" ".join(title.split()), field="title")
    if not title:
        raise ValidationError({"title": ["Give the task a title."]})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError({"title": [f"A title can be at most {TITLE_MAX_LENGTH} characters."]})
    return title


def task_clean_assignee(*, partner_id: int, assignee_id) -> int:
    """The assignee is an active staff user of the lead's partner; any other id is refused
    naming `assignee`."""
    ok = (
        isinstance(assignee_id, int)
        and not isinstance(assignee_id, bool)
        and PartnerStaff.objects.filter(
            partner_id=partner_id, user_id=assignee_id, user__is_active=True
        ).exists()
    )
    if not ok:
        raise ValidationError({"assignee": ["Choose a colleague of your partner."]})
    return assignee_id


def _due(due_at) -> dt.datetime:
    if not isinstance(due_at, dt.datetime):
        raise ValidationError({"due_at": ["Give a due date and time."]})
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at, dt.UTC)
    return due_at


def lead_next_task_refresh(*, lead_ids) -> None:
    """Set each lead's `next_task_due_at` to its soonest open task's due time (or null), in one
    UPDATE, and bump their partners' pool versions."""
    lead_ids = sorted(set(lead_ids))
    if not lead_ids:
        return
    soonest = (
        LeadTask.objects.filter(lead_id=OuterRef("pk"), done_at__isnull=True)
        .order_by("due_at")
        .values("due_at")[:1]
    )
    leads = Lead.objects.filter(pk__in=lead_ids)
    leads.update(next_task_due_at=Subquery(soonest))
    pool_version_bump(partner_ids=set(leads.values_list("partner_id", flat=True)))


def _lock_lead(lead_id: int) -> None:
    list(Lead.objects.select_for_update().filter(pk=lead_id).values_list("pk"))


@transaction.atomic
def task_create(*, lead: Lead, user, title: str, due_at, assignee_id=None) -> LeadTask:
    """Add a task to a lead of the caller's partner, assigned to a colleague (the caller when
    none is named)."""
    title = task_clean_title(title)
    due_at = _due(due_at)
    assignee_id = task_clean_assignee(
        partner_id=lead.partner_id, assignee_id=user.pk if assignee_id is None else assignee_id
    )
    _lock_lead(lead.pk)
    task = LeadTask.objects.create(
        partner_id=lead.partner_id,
        lead=lead,
        title=title,
        due_at=due_at,
        assignee_id=assignee_id,
        created_by=user,
        created_at=timezone.now(),
    )
    lead_next_task_refresh(lead_ids=[lead.pk])
    return task


def _event(task: LeadTask, *, kind: str, user, at: dt.datetime) -> None:
    LeadEvent.objects.create(
        lead_id=task.lead_id, kind=kind, actor=user, text=task.title, created_at=at
    )


@transaction.atomic
def task_update(
    *, task: LeadTask, user, title=UNSET, due_at=UNSET, assignee_id=UNSET, done=UNSET
) -> LeadTask:
    """Change a task's title, due time, assignee or done state; done and undone are events
    in the lead's history (the title as text). A new due time is notified again when due."""
    fields = []
    if title is not UNSET:
        task.title = task_clean_title(title)
        fields.append("title")
    if due_at is not UNSET:
        due_at = _due(due_at)
        if due_at != task.due_at:
            task.due_at, task.due_notified_at = due_at, None
            fields += ["due_at", "due_notified_at"]
    if assignee_id is not UNSET:
        task.assignee_id = task_clean_assignee(partner_id=task.partner_id, assignee_id=assignee_id)
        fields.append("assignee")
    _lock_lead(task.lead_id)
    now = timezone.now()
    if done is not UNSET and bool(done) != task.is_done:
        task.done_at = now if done else None
        fields.append("done_at")
        kind = LeadEvent.Kind.TASK_COMPLETED if done else LeadEvent.Kind.TASK_REOPENED
        _event(task, kind=kind, user=user, at=now)
    if fields:
        task.save(update_fields=fields)
        lead_next_task_refresh(lead_ids=[task.lead_id])
    return task


def task_complete(*, task: LeadTask, user) -> LeadTask:
    """Mark a task done: a `task_completed` event in the lead's history."""
    return task_update(task=task, user=user, done=True)


def task_reopen(*, task: LeadTask, user) -> LeadTask:
    """Mark a done task open again: a `task_reopened` event in the lead's history."""
    return task_update(task=task, user=user, done=False)


def _due_outbox_sql() -> str:
    """task.due, one event per task the run stamped (`due_notified_at` = the run's time) on a
    lead in the pool, whoever its assignee (none included)."""
    task_t, lead_t = LeadTask._meta.db_table, Lead._meta.db_table
    data = outbox_data_sql(
        task_id="t.id",
        title="t.title",
        due_at=outbox_datetime_sql("t.due_at"),
        assignee_id="t.assignee_id",
    )
    return outbox_insert_sql(
        type=TASK_DUE,
        select_sql=f"""
        SELECT t.partner_id AS partner_id, t.lead_id AS lead_id, {data} AS data,
               %s AS created_at
        FROM {task_t} t JOIN {lead_t} l ON l.id = t.lead_id
        WHERE t.due_notified_at = %s AND t.done_at IS NULL AND l.removed_at IS NULL
        """,
    )


def due_tasks_remind(*, now: dt.datetime | None = None) -> JobRun:
    """Once per task, when an open task falls due, notify its assignee (kind task_due).

    `due_notified_at` makes it once-only: the job stamps the open, unnotified tasks due by now
    and notifies exactly those, so a rerun finds none. A task on a removed lead is stamped
    but nobody is told. Each task on a lead in the pool gets one task.due event in the
    outbox, in the same transaction (a new due time makes it due, and an event, again).
    """
    now = now or timezone.now()
    task_t, lead_t = LeadTask._meta.db_table, Lead._meta.db_table
    user_t = get_user_model()._meta.db_table
    when = db_value(now)
    notify = notification_insert_sql(
        f"""
        SELECT t.partner_id, t.assignee_id, %s, {task_due_sql(title="t.title")},
               {task_link_sql("t.lead_id")}, t.lead_id, %s
        FROM {task_t} t
        JOIN {lead_t} l ON l.id = t.lead_id
        JOIN {user_t} u ON u.id = t.assignee_id
        WHERE t.due_notified_at = %s AND t.done_at IS NULL
          AND l.removed_at IS NULL AND u.is_active = %s
        """
    )
    mark = f"""
        UPDATE {task_t} SET due_notified_at = %s
        WHERE done_at IS NULL AND due_notified_at IS NULL AND due_at <= %s
    """
    with job_run_record(job=JobRun.Job.REMIND_DUE_TASKS) as run:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(mark, [when, when])
            run.rows_changed = cursor.rowcount
            notified = 0
            if run.rows_changed:
                # The tasks just stamped carry this run's timestamp: notify exactly those.
                cursor.execute(notify, [NotificationKind.TASK_DUE, when, when, True])
                notified = cursor.rowcount
                cursor.execute(_due_outbox_sql(), [outbox_data_param({}), when, when])
            run.detail = f"{notified} notifications"
    return run
