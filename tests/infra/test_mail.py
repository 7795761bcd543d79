"""Mail: transient failures are retried (for at least ten minutes on a real worker), a refusal
that will not change fails at once with one ERROR line, and Message-IDs carry SITE_URL's host."""

import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail

from core import job_limits
from core.tasks import send_mail_task


class FlakyBackend:
    """A mail backend that fails with the given errors first, then sends."""

    errors: list[Exception] = []
    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.errors:
            raise FlakyBackend.errors.pop(0)
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.calls = 0
    mail.outbox = []
    return FlakyBackend


def test_a_mail_server_that_is_away_is_retried_until_it_answers(flaky):
    flaky.errors = [ConnectionRefusedError("down")]
    # Eagerly (the test settings) Celery reports the retry it would schedule on a worker.
    with pytest.raises(Retry) as retry:
        send_mail_task.delay(to=["a@example.com"], subject="Digest", body="Hello")
    assert retry.value.when == job_limits.MAIL_RETRY_BACKOFF and mail.outbox == []
    send_mail_task.delay(to=["a@example.com"], subject="Digest", body="Hello")
    assert flaky.calls == 2
    assert [m.subject for m in mail.outbox] == ["Digest"]
    waits = job_limits.retry_schedule(
        backoff=send_mail_task.retry_backoff, max_retries=send_mail_task.max_retries
    )
    assert send_mail_task.retry_jitter is False
    assert sum(waits) >= job_limits.RETRY_WINDOW_MIN and waits[0] >= 30


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."),
        smtplib.SMTPAuthenticationError(535, b"bad login"),
    ],
)
def test_a_refusal_that_will_not_change_is_not_retried_and_is_logged(flaky, error, caplog):
    flaky.errors = [error]
    with pytest.raises(type(error)):
        send_mail_task.delay(to=["a@example.com"], subject="Digest", body="Hello")
    assert flaky.calls == 1 and mail.outbox == []
    [record] = [r for r in caplog.records if r.name == "core.tasks"]
    assert record.levelname == "ERROR" and "EMAIL_USE_TLS" in record.getMessage()


def test_message_ids_carry_the_sites_host(settings):
    settings.SITE_URL = "https://partners.example.com"
    mail.outbox = []
    send_mail_task.delay(to=["a@example.com"], subject="Digest", body="Hello")
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"].endswith("@partners.example.com>")
    assert message.message()["Message-ID"].endswith("@partners.example.com>")
