"""Reads for follow-up tasks; every query starts from the caller's partner."""

from django.db.models import F, QuerySet

from core.mail import absolute_url
from leads.filters import due_window_q
from leads.notices import lead_path

from .models import LeadTask


def task_list(*, partner) -> QuerySet[LeadTask]:
    """The partner's tasks with what a row shows (lead's creator, assignee), soonest first."""
    return (
        LeadTask.objects.filter(partner=partner)
        .select_related("assignee", "lead__creator")
        .order_by("due_at", "id")
    )


def task_get(*, partner, task_id: int) -> LeadTask | None:
    return task_list(partner=partner).filter(pk=task_id).first()


def lead_task_list(*, lead) -> QuerySet[LeadTask]:
    """A lead's tasks: open ones first (soonest due first), then the done ones."""
    return (
        LeadTask.objects.filter(partner_id=lead.partner_id, lead=lead)
        .select_related("assignee")
        .order_by(F("done_at").asc(nulls_first=True), "due_at", "id")
    )


DIGEST_MAX_TASKS = 20


def digest_task_lines(*, now) -> dict[int, list[str]]:
    """The daily digest's part: each assignee's open tasks due by the end of today (the
    business day; overdue ones included), soonest first, each linked to its lead."""
    tasks = (
        LeadTask.objects.filter(
            done_at__isnull=True, assignee__isnull=False, lead__removed_at__isnull=True
        )
        .exclude(due_window_q("upcoming", field="due_at", now=now))
        .select_related("lead__creator")
        .order_by("assignee_id", "due_at", "id")
    )
    by_user: dict[int, list[LeadTask]] = {}
    for task in tasks.iterator():
        by_user.setdefault(task.assignee_id, []).append(task)
    lines = {}
    for user_id, own in by_user.items():
        lines[user_id] = [f"Your follow-up tasks due today ({len(own)}):", ""] + [
            f"- {task.title} (@{task.lead.creator.handle}), due {task.due_at:%b %d, %H:%M} UTC"
            f"{' (overdue)' if task.due_at <= now else ''}: "
            + absolute_url(lead_path(task.lead_id))
            for task in own[:DIGEST_MAX_TASKS]
        ]
        if len(own) > DIGEST_MAX_TASKS:
            lines[user_id].append(f"- and {len(own) - DIGEST_MAX_TASKS} more.")
        lines[user_id].append("All of them: " + absolute_url("/seller/tasks/"))
    return lines
