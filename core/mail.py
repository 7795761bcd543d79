"""Outgoing mail: queued as a Celery task once the transaction commits, so a slow mail server
never slows a page and a rolled-back change sends nothing."""

import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid

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


def message_id_domain() -> str:
    """The domain of our Message-IDs: SITE_URL's host (never the container's name)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def mail_send(*, to: list[str], subject: str, body: str) -> int:
    """Hand one plain-text email to the mail backend now; raises if the backend refuses it.

    A caller that records "sent" does so after this returns (it is the moment the mail left
    our hands), so a failed send is retried rather than recorded.
    """
    message = EmailMessage(
        subject=subject,
        body=body,
        to=to,
        headers={"Message-ID": make_msgid(domain=message_id_domain())},
    )
    return message.send(fail_silently=False)


def mail_queue(
    *, to: list[str], subject: str, body: str, sent_mark: tuple[str, int, str] | None = None
) -> None:
    """Send a plain-text email after the current transaction commits (now, outside one).

    `sent_mark` = (model label, primary key, field): the task stamps that field with the time
    once the mail backend has taken the mail, so a record of "sent" is never ahead of it.
    """
    recipients = sorted({address for address in to if address})
    if not recipients or getattr(_state, "suppressed", False):
        return
    from .tasks import send_mail_task

    send_mail_task.delay_on_commit(
        to=recipients,
        subject=subject[:200],
        body=body,
        sent_mark=list(sent_mark) if sent_mark else None,
    )


def mail_sent_mark(sent_mark) -> None:
    """Stamp the record `mail_queue`'s `sent_mark` names (if it is not stamped yet)."""
    if not sent_mark:
        return
    from django.apps import apps
    from django.utils import timezone

    label, pk, field = sent_mark
    model = apps.get_model(label)
    model._default_manager.filter(pk=pk, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    )
