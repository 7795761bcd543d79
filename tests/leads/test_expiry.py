"""The 7-day data authorization: hidden at exactly 7 days; the job marks the request, notifies."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError

from core.models import JobRun
from leads import tasks
from leads.models import (
    CollaborationRequest,
    Lead,
    LeadStatus,
)
from leads.services import (
    authorizations_expire,
    collaboration_request_submit,
    lead_remove,
    lead_set_status,
)
from notifications.models import Notification, NotificationKind
from tests.factories import CreatorDailyStatsFactory, CreatorUserFactory, PartnerFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
EXPIRES = T0 + dt.timedelta(days=7)
JUST_BEFORE = EXPIRES - dt.timedelta(seconds=1)
JUST_AFTER = EXPIRES + dt.timedelta(seconds=1)


@pytest.fixture
def submitted(creator_silver, partner_a):
    """creator_silver's request to partner A, sent at T0 with $1,500 of licensed GMV."""
    CreatorDailyStatsFactory(
        creator=creator_silver, date=dt.date(2026, 11, 20), live_gmv_usd=Decimal("1500.00")
    )
    with time_machine.travel(T0, tick=False):
        return collaboration_request_submit(creator=creator_silver, partner=partner_a).request


def expired_notes():
    return Notification.objects.filter(kind=NotificationKind.AUTHORIZATION_EXPIRED)


def test_licensed_data_is_visible_until_one_second_before_seven_days(
    submitted, api_as, client, seller_a, admin_user
):
    lead = Lead.objects.get()
    assert lead.authorization_expires_at == submitted.submitted_at + dt.timedelta(days=7)
    client.force_login(admin_user)
    with time_machine.travel(JUST_BEFORE, tick=False):
        assert lead.visible_licensed_data()["live_gmv_30d"] == "1500.00"
        row = api_as(seller_a).get(f"/api/v1/leads/{lead.pk}/").json()
        assert row["licensed_data"]["live_gmv_30d"] == "1500.00"
        changelist = client.get("/admin/leads/lead/").content.decode()
        assert "active until 2026-12-02 12:00 UTC" in changelist and "$1500.00" in changelist


def test_licensed_data_is_hidden_one_second_after_even_before_the_job(
    submitted, api_as, client, seller_a, admin_user
):
    lead = Lead.objects.get()
    client.force_login(admin_user)
    with time_machine.travel(JUST_AFTER, tick=False):
        assert lead.visible_licensed_data() is None
        assert not JobRun.objects.filter(job=JobRun.Job.EXPIRE_AUTHORIZATIONS).exists()
        assert CollaborationRequest.objects.get().is_open  # not marked yet
        seller = api_as(seller_a)
        assert seller.get(f"/api/v1/leads/{lead.pk}/").json()["licensed_data"] is None
        csv = b"".join(seller.get("/api/v1/leads/export.csv").streaming_content).decode()
        assert "creator_silver" in csv and "1500" not in csv
        changelist = client.get("/admin/leads/lead/").content.decode()
        assert "expired — hidden" in changelist and "1500" not in changelist
        assert "active until" not in changelist


def test_at_exactly_seven_days_the_authorization_is_over(submitted):
    lead = Lead.objects.get()
    assert lead.visible_licensed_data(EXPIRES - dt.timedelta(microseconds=1)) is not None
    assert lead.visible_licensed_data(EXPIRES) is None
    run = authorizations_expire(now=EXPIRES)
    assert run.rows_changed == 1  # the job agrees on the boundary


def test_the_command_marks_expiries_and_notifies_once(submitted, partner_a, seller_a, api_as):
    other = CreatorUserFactory(handle="still_fresh", tier=submitted.creator.tier)
    with time_machine.travel(T0 + dt.timedelta(days=3), tick=False):
        collaboration_request_submit(creator=other, partner=partner_a)

    with time_machine.travel(JUST_BEFORE, tick=False):
        out = io.StringIO()
        call_command("expire_authorizations", stdout=out)
        assert "0 leads marked expired" in out.getvalue()
    assert not expired_notes().exists()

    with time_machine.travel(JUST_AFTER, tick=False):
        out = io.StringIO()
        call_command("expire_authorizations", stdout=out)
        assert "1 lead marked expired" in out.getvalue()
        call_command("expire_authorizations", stdout=io.StringIO())  # rerun: harmless

    lead = Lead.objects.get(creator=submitted.creator)
    assert lead.removed_at is None  # the lead stays in the pool
    assert lead.licensed_data is None  # erased: the creator consented to 7 days, no more
    request = CollaborationRequest.objects.get(pk=submitted.pk)
    assert request.licensed_data == {} and request.licensed_data_purged_at == JUST_AFTER
    # Not licensed, so kept: who, when, the tier and the status.
    assert request.creator_tier == submitted.creator_tier and lead.requested_at is not None
    fresh = Lead.objects.get(creator__handle="still_fresh")
    assert fresh.licensed_data is not None  # an authorization still running keeps its data
    note = expired_notes().get()
    assert note.partner == partner_a and note.lead_id == lead.pk and "@creator_silver" in note.text
    assert CollaborationRequest.objects.get(pk=submitted.pk).is_open is False
    assert CollaborationRequest.objects.get(pk=submitted.pk).expired_at == JUST_AFTER
    assert CollaborationRequest.objects.get(creator=other).is_open
    runs = JobRun.objects.filter(job=JobRun.Job.EXPIRE_AUTHORIZATIONS).order_by("id")
    assert [run.rows_changed for run in runs] == [0, 1, 0]
    assert all(run.status == JobRun.Status.SUCCEEDED for run in runs)
    # The seller sees the notification, and the lead still in the pool without data.
    with time_machine.travel(JUST_AFTER, tick=False):
        seller = api_as(seller_a)
        pool = {
            row["creator"]["handle"]: row for row in seller.get("/api/v1/leads/").json()["results"]
        }
        assert pool["creator_silver"]["licensed_data"] is None
        assert pool["still_fresh"]["licensed_data"] is not None
        notes = seller.get("/api/v1/notifications/").json()["results"]
        assert sum(n["kind"] == "authorization_expired" for n in notes) == 1


def test_the_task_returns_its_job_run_and_rows(submitted, partner_b, creator_silver):
    with time_machine.travel(T0, tick=False):
        collaboration_request_submit(creator=creator_silver, partner=partner_b)
    with time_machine.travel(JUST_AFTER, tick=False):
        result = tasks.expire_authorizations_task.delay().get()
        again = tasks.expire_authorizations_task.delay().get()

    run = JobRun.objects.get(pk=result["job_run"])
    assert result["rows_changed"] == 2 and run.rows_changed == 2
    assert run.job == JobRun.Job.EXPIRE_AUTHORIZATIONS and run.finished_at is not None
    assert again["rows_changed"] == 0 and again["job_run"] != result["job_run"]
    assert expired_notes().count() == 2  # one per lead, none from the rerun
    assert set(expired_notes().values_list("partner__slug", flat=True)) == {"alpha", "bravo"}


def test_the_task_is_declared_for_safe_retries():
    task = tasks.expire_authorizations_task
    assert task.name == "leads.tasks.expire_authorizations_task"
    assert task.acks_late is True
    assert OperationalError in task.autoretry_for
    assert task.retry_backoff and task.max_retries
    assert task.soft_time_limit and task.time_limit and task.soft_time_limit < task.time_limit


def test_the_task_retries_a_dropped_database_connection(monkeypatch, submitted):
    calls = []

    def flaky(*, now=None):
        calls.append(now)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(now=now)

    from leads import services

    original = services.authorizations_expire
    monkeypatch.setattr(services, "authorizations_expire", flaky)
    monkeypatch.setattr(tasks.expire_authorizations_task, "retry_backoff", False)
    with time_machine.travel(JUST_AFTER, tick=False):
        result = tasks.expire_authorizations_task.apply(throw=False).get()
    assert len(calls) == 2 and result["rows_changed"] == 1


def test_a_removed_lead_is_marked_but_not_notified(submitted, seller_a):
    lead_remove(lead=Lead.objects.get(), user=seller_a)
    with time_machine.travel(JUST_AFTER, tick=False):
        assert authorizations_expire().rows_changed == 1
    assert CollaborationRequest.objects.get(pk=submitted.pk).expired_at == JUST_AFTER
    assert not expired_notes().exists()


def test_a_closed_lead_has_no_open_request_left_to_expire(submitted, seller_a):
    lead_set_status(lead=Lead.objects.get(), status=LeadStatus.CLOSED, user=seller_a)
    assert CollaborationRequest.objects.get(pk=submitted.pk).closed_at is not None
    with time_machine.travel(JUST_AFTER, tick=False):
        assert authorizations_expire().rows_changed == 0
    assert not expired_notes().exists()
    assert CollaborationRequest.objects.get(pk=submitted.pk).expired_at is None


def test_renewal_after_expiry_gives_the_same_lead_seven_new_days(submitted, partner_a, api_as):
    with time_machine.travel(JUST_AFTER, tick=False):
        authorizations_expire()
    renewal_time = EXPIRES + dt.timedelta(days=2)
    with time_machine.travel(renewal_time, tick=False):
        renewed = collaboration_request_submit(creator=submitted.creator, partner=partner_a)
        lead = Lead.objects.get()
        assert renewed.created and renewed.request.pk != submitted.pk
        assert lead.authorization_expires_at == renewal_time + dt.timedelta(days=7)
        assert renewed.request.is_open and renewed.request.expired_at is None
        assert lead.visible_licensed_data() is not None
    with time_machine.travel(renewal_time + dt.timedelta(days=7, seconds=1), tick=False):
        assert authorizations_expire().rows_changed == 1  # the renewed one expires in turn
    assert Lead.objects.count() == 1 and CollaborationRequest.objects.count() == 2
    assert expired_notes().count() == 2


def test_many_expiries_are_marked_in_one_pass(creator_silver):
    creators = [CreatorUserFactory(tier=creator_silver.tier) for _ in range(20)]
    partner = PartnerFactory()
    with time_machine.travel(T0, tick=False):
        for creator in creators:
            collaboration_request_submit(creator=creator, partner=partner)
    with time_machine.travel(JUST_AFTER, tick=False):
        run = authorizations_expire()
    assert run.rows_changed == 20 and expired_notes().count() == 20
    assert not CollaborationRequest.objects.filter(is_open=True).exists()
