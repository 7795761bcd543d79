"""Celery tasks for the creators domain: thin wrappers around the set-based services."""

import datetime as dt

from celery import shared_task

from core.jobs import JOB_OPTIONS
from core.models import JobRun
from core.tasks import job_task

from . import services


@job_task()
def refresh_tiers_task(as_of: str | None = None) -> JobRun:
    """Monthly: recompute every creator's tier from the 30 days before `as_of`."""
    return services.tiers_refresh(as_of=dt.date.fromisoformat(as_of) if as_of else None)


@job_task()
def refresh_followers_task() -> JobRun:
    """Daily: copy each creator's newest follower figure onto the creator."""
    return services.followers_refresh()


@shared_task(**JOB_OPTIONS)
def tier_refresh_catch_up_task() -> dict:
    """Hourly: run the latest 2nd-of-month tier refresh if it has no successful run yet.

    It recovers a refresh lost with a killed worker (the file-system broker does not redeliver)
    or missed while beat was down; otherwise it is one query and does nothing.
    """
    from .selectors import tier_refresh_due

    due = tier_refresh_due()
    if due is None:
        return {"due": None}
    return {"due": due.isoformat(), **refresh_tiers_task.run(as_of=due.isoformat())}
