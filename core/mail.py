"""Outgoing mail: queued as a Celery task once the transaction commits, so a slow mail server
never slows a page and a rolled-back change sends nothing."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """A link for an email: SITE_URL (the public address of the site) plus the path."""
    return settings.SITE_URL.rstrip("/") + path


def mail_queue(*, to: list[str], subject: str, body: str) -> None:
    """Send a plain-text email after the current transaction commits (now, outside one)."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    from .tasks import send_mail_task

    send_mail_task.delay_on_commit(to=recipients, subject=subject[:200], body=body)
