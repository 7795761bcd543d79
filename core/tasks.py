"""Ground-layer Celery tasks: sending mail."""

import smtplib

from celery import shared_task
from django.core.mail import send_mail


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
