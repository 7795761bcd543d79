"""Acting before expiry: the 24-hour reminders, the daily digest, and mail on commit."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from core.models import JobRun
from creators.models import Tier
from leads.models import ExpiryDigest
from leads.services import (
    collaboration_request_submit,
    expiring_authorizations_remind,
    expiry_digest_send,
    lead_assign,
    lead_remove,
)
from notifications.models import Notification, NotificationKind
from tests.factories import CreatorUserFactory, SellerFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def seller_a2(partner_a):
    return SellerFactory(user__username="seller_a2", partner=partner_a).user


def request_at(when, partner, handle):
    creator = CreatorUserFactory(handle=handle, tier=Tier.GOLD)
    with time_machine.travel(when, tick=False):
        return collaboration_request_submit(creator=creator, partner=partner, consent=True).request


def expiring(user=None):
    notices = Notification.objects.filter(kind=NotificationKind.AUTHORIZATION_EXPIRING)
    return notices.filter(user=user) if user is not None else notices


def test_reminders_go_once_to_the_owner_or_every_staff_user(
    partner_a, partner_b, seller_a, seller_a2, seller_b
):
    # Submitted 6.5 days before T0 + 1 h: 12 h left at the run; the other has 5 days left.
    due = request_at(T0 - dt.timedelta(days=6, hours=12), partner_a, "due_soon")
    owned = request_at(T0 - dt.timedelta(days=6, hours=2), partner_a, "owned")
    request_at(T0 - dt.timedelta(days=2), partner_a, "not_yet")
    request_at(T0 - dt.timedelta(days=6, hours=20), partner_b, "b_due")
    lead_assign(lead=owned.lead, owner=seller_a2, user=seller_a)

    with time_machine.travel(T0, tick=False):
        run = expiring_authorizations_remind()
    assert run.rows_changed == 3 and run.status == JobRun.Status.SUCCEEDED
    # Unowned: every staff user of the partner; owned: the owner only.
    assert sorted(
        expiring().filter(lead_id=due.lead_id).values_list("user__username", flat=True)
    ) == [
        "seller_a",
        "seller_a2",
    ]
    assert list(
        expiring().filter(lead_id=owned.lead_id).values_list("user__username", flat=True)
    ) == ["seller_a2"]
    assert expiring(seller_b).count() == 1
    assert "@due_soon ends within 24 hours" in expiring(seller_a).get(lead_id=due.lead_id).text

    # Idempotent: a rerun (or the command) sends nothing twice.
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        assert expiring_authorizations_remind().rows_changed == 0
        call_command("remind_expiring_authorizations")
    assert expiring().count() == 4


def test_a_reminder_is_per_user_in_the_api(api_as, partner_a, seller_a, seller_a2):
    owned = request_at(T0 - dt.timedelta(days=6, hours=12), partner_a, "owned")
    lead_assign(lead=owned.lead, owner=seller_a2, user=seller_a)
    with time_machine.travel(T0, tick=False):
        expiring_authorizations_remind()
    kinds = lambda user: [  # noqa: E731
        n["kind"] for n in api_as(user).get("/api/v1/notifications/").json()["results"]
    ]
    assert "authorization_expiring" in kinds(seller_a2)
    assert "authorization_expiring" not in kinds(seller_a)


def test_removed_leads_get_no_reminder(partner_a, seller_a):
    removed = request_at(T0 - dt.timedelta(days=6, hours=12), partner_a, "gone")
    lead_remove(lead=removed.lead, user=seller_a)
    with time_machine.travel(T0, tick=False):
        expiring_authorizations_remind()
        assert expiring_authorizations_remind().rows_changed == 0
    assert not expiring().exists()


def test_the_digest_mails_each_staff_user_once_a_day_with_links(
    partner_a,
    partner_b,
    seller_a,
    seller_a2,
    seller_b,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    soon = request_at(T0 - dt.timedelta(days=6), partner_a, "ends_tomorrow")
    request_at(T0 - dt.timedelta(days=5, hours=12), partner_a, "ends_in_36h")
    request_at(T0 - dt.timedelta(days=3), partner_a, "ends_later")
    lead_assign(lead=soon.lead, owner=seller_a2, user=seller_a)
    mailoutbox.clear()

    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        run = expiry_digest_send()
    assert run.rows_changed == 2  # seller_a and seller_a2; partner B has nothing expiring
    assert sorted(m.to[0] for m in mailoutbox) == sorted([seller_a.email, seller_a2.email])
    mail = next(m for m in mailoutbox if m.to == [seller_a2.email])
    assert mail.subject == "2 authorizations expire within 48 hours"
    assert "@ends_tomorrow" in mail.body and "@ends_in_36h" in mail.body
    assert "@ends_later" not in mail.body
    assert f"http://127.0.0.1:8000/seller/leads/{soon.lead_id}/" in mail.body
    assert "(yours)" in mail.body
    assert mail.body.index("@ends_tomorrow") < mail.body.index("@ends_in_36h")

    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert expiry_digest_send().rows_changed == 0
            call_command("send_expiry_digest")
    assert len(mailoutbox) == 2
    assert ExpiryDigest.objects.count() == 2
    assert ExpiryDigest.objects.filter(sent_at__isnull=False).count() == 2
    # The next business day sends again.
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert expiry_digest_send().rows_changed == 2


def test_a_digest_is_sent_only_when_the_backend_took_it_and_a_lost_one_goes_again(
    partner_a, seller_a, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    request_at(T0 - dt.timedelta(days=6), partner_a, "ends_tomorrow")
    mailoutbox.clear()
    from core import tasks

    def refused(**kwargs):
        raise tasks.PERMANENT_MAIL_ERRORS[0]("no STARTTLS")

    monkeypatch.setattr(tasks, "mail_send", refused)
    with time_machine.travel(T0, tick=False), pytest.raises(tasks.PERMANENT_MAIL_ERRORS[0]):
        with django_capture_on_commit_callbacks(execute=True):
            expiry_digest_send()
    digest = ExpiryDigest.objects.get()
    assert digest.sent_at is None and mailoutbox == []  # queued, never handed over

    monkeypatch.undo()
    # Within the hour its task may still be retrying: a rerun leaves it alone.
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert expiry_digest_send().rows_changed == 0
    # Later that day it counts as lost and goes again, once.
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert expiry_digest_send().rows_changed == 1
            assert expiry_digest_send().rows_changed == 0
    assert [m.to for m in mailoutbox] == [[seller_a.email]]
    assert ExpiryDigest.objects.get().sent_at == T0 + dt.timedelta(hours=2)


def test_a_new_request_mails_the_partners_staff_after_commit(
    partner_a, seller_a, seller_a2, seller_b, mailoutbox, django_capture_on_commit_callbacks
):
    creator = CreatorUserFactory(handle="new_face", tier=Tier.GOLD)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        collaboration_request_submit(
            creator=creator, partner=partner_a, message="Let's go LIVE", consent=True
        )
    assert mailoutbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert sorted(mail.to) == sorted([seller_a.email, seller_a2.email])
    assert mail.subject == "New collaboration request from @new_face"
    assert "Let's go LIVE" in mail.body and "/seller/leads/" in mail.body


def test_jobs_are_in_beat_and_job_runs():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "leads.tasks.remind_expiring_authorizations_task",
        "leads.tasks.send_expiry_digest_task",
    } <= tasks
    assert all("expires" in e["options"] for e in settings.CELERY_BEAT_SCHEDULE.values())
    assert {"remind_expiring_authorizations", "send_expiry_digest"} <= set(JobRun.Job.values)


def test_email_settings_default_to_files_under_var_mail(tmp_path):
    import importlib
    import os

    from partner_center.settings import base

    saved = {k: os.environ.pop(k, None) for k in ("EMAIL_HOST",)}
    try:
        fresh = importlib.reload(base)
        assert fresh.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
        assert fresh.EMAIL_FILE_PATH.endswith("mail")
        os.environ.update(EMAIL_HOST="smtp.example.com", EMAIL_PORT="2525", EMAIL_USE_TLS="true")
        smtp = importlib.reload(base)
        assert smtp.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
        assert (smtp.EMAIL_HOST, smtp.EMAIL_PORT, smtp.EMAIL_USE_TLS) == (
            "smtp.example.com",
            2525,
            True,
        )
    finally:
        for key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS"):
            os.environ.pop(key, None)
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
        importlib.reload(base)


def test_the_file_backend_writes_mail_under_the_configured_folder(
    tmp_path, settings, partner_a, seller_a, django_capture_on_commit_callbacks
):
    # Only the settings fixture: mixing it with override_settings leaks the override.
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    creator = CreatorUserFactory(handle="file_face", tier=Tier.GOLD)
    with django_capture_on_commit_callbacks(execute=True):
        collaboration_request_submit(creator=creator, partner=partner_a, consent=True)
    files = list((tmp_path / "mail").iterdir())
    assert len(files) == 1 and "@file_face" in files[0].read_text()


def test_mail_suppressed_sends_nothing_inside_it(
    partner_a, seller_a, mailoutbox, django_capture_on_commit_callbacks
):
    from core.mail import mail_suppressed

    with django_capture_on_commit_callbacks(execute=True):
        with mail_suppressed():
            collaboration_request_submit(
                creator=CreatorUserFactory(tier=Tier.GOLD), partner=partner_a, consent=True
            )
        assert mailoutbox == []
        collaboration_request_submit(
            creator=CreatorUserFactory(tier=Tier.GOLD), partner=partner_a, consent=True
        )
    assert len(mailoutbox) == 1
