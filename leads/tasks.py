"""Celery tasks for leads: authorization expiry, the 24-hour reminders and the daily digest."""

from celery import shared_task

from core import job_limits
from core.jobs import JOB_OPTIONS, JobAlreadyRunning

from . import services

# The job runs every five minutes (beat entries expire after four), so it must finish well
# within that; one set-based UPDATE and one INSERT … SELECT take seconds even at scale.
EXPIRY_OPTIONS = {
    **JOB_OPTIONS,
    "soft_time_limit": job_limits.EXPIRY_SOFT_TIME_LIMIT,
    "time_limit": job_limits.EXPIRY_TIME_LIMIT,
}


@shared_task(**EXPIRY_OPTIONS)
def expire_authorizations_task() -> dict:
    """Mark authorizations past their expiry and notify each seller once per lead."""
    try:
        run = services.authorizations_expire()
    except JobAlreadyRunning as exc:  # recorded as skipped; the live run does the work
        return {"skipped": str(exc)}
    return {"job_run": run.pk, "rows_changed": run.rows_changed}


# The standard limits (core/job_limits.py): the broker's visibility timeout is derived from
# them, so no job may run longer than it.
@shared_task(**JOB_OPTIONS)
def remind_expiring_authorizations_task() -> dict:
    """Notify once per request when 24 hours or less of its authorization remain."""
    try:
        run = services.expiring_authorizations_remind()
    except JobAlreadyRunning as exc:  # recorded as skipped; the live run does the work
        return {"skipped": str(exc)}
    return {"job_run": run.pk, "rows_changed": run.rows_changed}


@shared_task(**JOB_OPTIONS)
def send_expiry_digest_task() -> dict:
    """Email each staff user, once a day, the authorizations ending within 48 hours."""
    try:
        run = services.expiry_digest_send()
    except JobAlreadyRunning as exc:  # recorded as skipped; the live run does the work
        return {"skipped": str(exc)}
    return {"job_run": run.pk, "rows_changed": run.rows_changed}
