"""Ground-layer Celery tasks: sending mail, and the one way a scheduled job becomes a task."""

import inspect
import logging
import smtplib
from collections.abc import Callable
from functools import wraps

from celery import shared_task

from . import job_limits
from .jobs import JOB_OPTIONS, JobAlreadyRunning
from .mail import mail_send, mail_sent_mark
from .models import JobRun

logger = logging.getLogger(__name__)

# A mail server that refuses our login, lacks STARTTLS or refuses the sender will answer the
# same in a minute: retrying only delays the one ERROR line the operator needs to see.
PERMANENT_MAIL_ERRORS = (
    smtplib.SMTPNotSupportedError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPRecipientsRefused,
)


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
    dont_autoretry_for=PERMANENT_MAIL_ERRORS,
    # 30 s, 1, 2, 4 min, then every 5 min: a mail server away for up to ~25 minutes
    # (a restart, a network cut) delays the mail, never drops it.
    retry_backoff=job_limits.MAIL_RETRY_BACKOFF,
    retry_backoff_max=job_limits.RETRY_BACKOFF_MAX,
    retry_jitter=False,
    max_retries=job_limits.MAIL_MAX_RETRIES,
    soft_time_limit=60,
    time_limit=90,
)
def send_mail_task(*, to: list[str], subject: str, body: str, sent_mark=None) -> int:
    """Send one plain-text email from DEFAULT_FROM_EMAIL; transient mail errors are retried
    for at least ten minutes, a refusal that will not change fails at once, logged. Once the
    backend took it, the record `sent_mark` names is stamped sent."""
    try:
        sent = mail_send(to=to, subject=subject, body=body)
        mail_sent_mark(sent_mark)
        return sent
    except PERMANENT_MAIL_ERRORS as exc:
        logger.error(
            "Mail to %d recipient(s) refused for good (%s: %s): check EMAIL_HOST, EMAIL_PORT, "
            "EMAIL_USE_TLS, EMAIL_HOST_USER and DEFAULT_FROM_EMAIL.",
            len(to),
            type(exc).__name__,
            exc,
        )
        raise
