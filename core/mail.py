"""Outgoing mail: queued as a Celery task once the transaction commits, so a slow mail server
never slows a page and a rolled-back change sends nothing."""

import threading
from contextlib import contextmanager

from django.conf import settings

_state = threading.local()


@contextmanager
def mail_suppressed(suppressed: bool = True):
    """Inside it, `mail_queue` sends nothing (for building history, e.g. the demo's past)."""
    before = getattr(_state, "suppressed", False)
    _state.suppressed = suppressed
    try:
        yield
    finally:
        _state.suppressed = before


def absolute_url(path: str) -> str:
    """A link for an email: SITE_URL (the public address of the site) plus the path."""
    return settings.SITE_URL.rstrip("/") + path


def mail_queue(*, to: list[str], subject: str, body: str) -> None:
    """Send a plain-text email after the current transaction commits (now, outside one)."""
    recipients = sorted({address for address in to if address})
    if not recipients or getattr(_state, "suppressed", False):
        return
    from .tasks import send_mail_task

    send_mail_task.delay_on_commit(to=recipients, subject=subject[:200], body=body)
