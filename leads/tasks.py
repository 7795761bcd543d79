"""Celery tasks for leads: the authorization expiry job."""

from celery import shared_task

from creators.tasks import JOB_OPTIONS

from . import services


@shared_task(**JOB_OPTIONS)
def expire_authorizations_task() -> dict:
    """Every few minutes: mark authorizations past their 7 days and notify sellers once."""
    run = services.authorizations_expire()
    return {"job_run": run.pk, "rows_changed": run.rows_changed}
