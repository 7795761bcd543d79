"""Celery tasks for the creators domain: thin wrappers around the set-based services."""

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

RETRYABLE = (OperationalError, InterfaceError)
JOB_OPTIONS = {
    "acks_late": True,  # safe: each job is idempotent, so a redelivery is harmless
    "autoretry_for": RETRYABLE,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
    "soft_time_limit": 30 * 60,
    "time_limit": 35 * 60,
}


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
