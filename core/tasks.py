"""Ground-layer Celery tasks: sending mail."""

import logging
import smtplib

from celery import shared_task

from . import job_limits
from .mail import mail_send

logger = logging.getLogger(__name__)

# A mail server that refuses our login, lacks STARTTLS or refuses the sender will answer the
# same in a minute: retrying only delays the one ERROR line the operator needs to see.
PERMANENT_MAIL_ERRORS = (
    smtplib.SMTPNotSupportedError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPRecipientsRefused,
)


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
def send_mail_task(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text email from DEFAULT_FROM_EMAIL; transient mail errors are retried
    for at least ten minutes, a refusal that will not change fails at once, logged."""
    try:
        return mail_send(to=to, subject=subject, body=body)
    except PERMANENT_MAIL_ERRORS as exc:
        logger.error(
            "Mail to %d recipient(s) refused for good (%s: %s): check EMAIL_HOST, EMAIL_PORT, "
            "EMAIL_USE_TLS, EMAIL_HOST_USER and DEFAULT_FROM_EMAIL.",
            len(to),
            type(exc).__name__,
            exc,
        )
        raise
