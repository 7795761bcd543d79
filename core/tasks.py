"""Ground-layer Celery tasks: sending mail, and the one way a scheduled job becomes a task."""

import inspect
import smtplib
from collections.abc import Callable
from functools import wraps

from celery import shared_task
from django.core.mail import send_mail

from .jobs import JOB_OPTIONS, JobAlreadyRunning
from .models import JobRun


def job_task(**options):
    """Make a function that runs one job and returns its JobRun a Celery task with the jobs'
    options (JOB_OPTIONS; `options` override them), answering `{"job_run", "rows_changed"}`,
    or `{"skipped": why}` when another run of the job is live.

    The task keeps the function's module, name, parameters and docstring, so its Celery name
    is `<module>.<function>`, the name beat's schedule and the admin's "Run now" send.
    """

    def decorate(run_job: Callable[..., JobRun]):
        @wraps(run_job)
        def task(*args, **kwargs) -> dict:
            try:
                run = run_job(*args, **kwargs)
            except JobAlreadyRunning as exc:  # recorded as skipped; the live run does the work
                return {"skipped": str(exc)}
            return {"job_run": run.pk, "rows_changed": run.rows_changed}

        task.__signature__ = inspect.signature(run_job).replace(return_annotation=dict)
        return shared_task(**{**JOB_OPTIONS, **options})(task)

    return decorate


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def send_mail_task(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text email from DEFAULT_FROM_EMAIL; retried on transient mail errors."""
    return send_mail(subject, body, None, to, fail_silently=False)
