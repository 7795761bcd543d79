"""Celery tasks for the creators domain: thin wrappers around the set-based services."""

import datetime as dt

from celery import shared_task

from core.jobs import JOB_OPTIONS

from . import services


@shared_task(**JOB_OPTIONS)
def refresh_tiers_task(as_of: str | None = None) -> dict:
    """Monthly: recompute every creator's tier from the 30 days before `as_of`."""
    run = services.tiers_refresh(as_of=dt.date.fromisoformat(as_of) if as_of else None)
    return {"job_run": run.pk, "rows_changed": run.rows_changed}


@shared_task(**JOB_OPTIONS)
def refresh_followers_task() -> dict:
    """Daily: copy each creator's newest follower figure onto the creator."""
    run = services.followers_refresh()
    return {"job_run": run.pk, "rows_changed": run.rows_changed}
