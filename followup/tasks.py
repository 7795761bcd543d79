"""Celery tasks for follow-up: the hourly due-task notices."""

from core.models import JobRun
from core.tasks import job_task

from . import services


@job_task()
def remind_due_tasks_task() -> JobRun:
    """Notify each assignee once when their open task falls due."""
    return services.due_tasks_remind()
