"""The monthly tier refresh: boundaries, the 30-day window, idempotency and history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.models import JobRun
from creators.models import Tier, TierHistory, TierThreshold
from tests.factories import CreatorDailyStatsFactory, CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db
DEC_2 = dt.date(2026, 12, 2)


def gmv(creator, day, amount):
    return CreatorDailyStatsFactory(
        creator=creator, date=day, live_gmv_usd=Decimal(amount), followers=500
    )


def refresh(as_of=DEC_2):
    call_command("refresh_tiers", "--as-of", as_of.isoformat())


@pytest.mark.parametrize(
    ("amounts", "tier"),
    [
        (["999.99"], Tier.BRONZE),
        (["1000.00"], Tier.SILVER),
        (["333.33", "333.33", "333.33"], Tier.BRONZE),  # $999.99 in three days
        (["333.34", "333.33", "333.33"], Tier.SILVER),  # exactly $1,000.00
        (["99.99"], Tier.NON_TIERED),
        (["250000.00"], Tier.DIAMOND),
    ],
)
def test_silver_starts_at_exactly_1000_dollars(amounts, tier):
    creator = CreatorFactory()
    for n, amount in enumerate(amounts):
        gmv(creator, dt.date(2026, 11, 10 + n), amount)

    refresh()

    creator.refresh_from_db()
    assert creator.tier == tier
    assert creator.live_gmv_30d == sum(Decimal(a) for a in amounts)
    assert creator.tier_as_of == DEC_2


def test_the_window_is_d_minus_30_through_d_minus_1():
    first_day, last_day = CreatorFactory(), CreatorFactory()
    too_early, refresh_day = CreatorFactory(), CreatorFactory()
    gmv(first_day, dt.date(2026, 11, 2), "1000.00")  # D-30: counted
    gmv(last_day, dt.date(2026, 12, 1), "1000.00")  # D-1: counted
    gmv(too_early, dt.date(2026, 11, 1), "1000.00")  # D-31: not counted
    gmv(refresh_day, dt.date(2026, 12, 2), "1000.00")  # D itself: not counted

    refresh()

    tiers = {c.handle: c for c in [first_day, last_day, too_early, refresh_day]}
    for c in tiers.values():
        c.refresh_from_db()
    assert [first_day.tier, last_day.tier] == [Tier.SILVER, Tier.SILVER]
    assert [too_early.tier, refresh_day.tier] == [Tier.NON_TIERED, Tier.NON_TIERED]
    assert too_early.live_gmv_30d == 0


def test_a_rerun_changes_nothing_and_records_zero_rows():
    creator = CreatorFactory()
    gmv(creator, dt.date(2026, 11, 20), "6000.00")
    refresh()
    refresh()

    runs = list(JobRun.objects.filter(job=JobRun.Job.REFRESH_TIERS).order_by("started_at"))
    assert [r.rows_changed for r in runs] == [1, 0]
    assert all(r.status == JobRun.Status.SUCCEEDED and r.finished_at for r in runs)
    assert TierHistory.objects.count() == 1


def test_tiers_hold_between_refreshes_and_history_is_kept():
    creator = CreatorFactory()
    gmv(creator, dt.date(2026, 11, 20), "1200.00")
    refresh()
    # GMV pours in after the refresh: the tier holds until the next one.
    gmv(creator, dt.date(2026, 12, 5), "60000.00")
    creator.refresh_from_db()
    assert creator.tier == Tier.SILVER

    refresh(dt.date(2027, 1, 2))

    creator.refresh_from_db()
    assert creator.tier == Tier.EMERALD
    history = list(
        TierHistory.objects.filter(creator=creator)
        .order_by("as_of")
        .values_list("as_of", "previous_tier", "tier")
    )
    assert history == [
        (DEC_2, Tier.NON_TIERED, Tier.SILVER),
        (dt.date(2027, 1, 2), Tier.SILVER, Tier.EMERALD),
    ]


def test_thresholds_edited_by_an_admin_take_effect():
    creator = CreatorFactory()
    gmv(creator, dt.date(2026, 11, 20), "4000.00")
    TierThreshold.objects.filter(tier=Tier.GOLD).update(min_live_gmv_usd=Decimal("3500.00"))

    refresh()

    creator.refresh_from_db()
    assert creator.tier == Tier.GOLD


def test_the_refresh_copies_tiers_onto_leads():
    creator = CreatorFactory()
    lead = LeadFactory(creator=creator)
    gmv(creator, dt.date(2026, 11, 20), "12000.00")

    refresh()

    lead.refresh_from_db()
    assert lead.creator_tier == Tier.PLATINUM


def test_a_bad_as_of_is_refused_naming_the_option():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--as-of"):
        call_command("refresh_tiers", "--as-of", "2026-13-40")


def test_a_same_day_rerun_after_a_threshold_change_keeps_the_history():
    creator = CreatorFactory()
    gmv(creator, dt.date(2026, 11, 20), "4000.00")
    refresh()
    TierThreshold.objects.filter(tier=Tier.GOLD).update(min_live_gmv_usd=Decimal("3500.00"))

    refresh()

    creator.refresh_from_db()
    assert creator.tier == Tier.GOLD
    assert list(
        TierHistory.objects.filter(creator=creator)
        .order_by("id")
        .values_list("as_of", "previous_tier", "tier", "live_gmv_30d")
    ) == [
        (DEC_2, Tier.NON_TIERED, Tier.SILVER, Decimal("4000.00")),
        (DEC_2, Tier.SILVER, Tier.GOLD, Decimal("4000.00")),
    ]


def test_the_command_prints_rows_changed_and_duration():
    import io
    import re

    CreatorFactory.create_batch(3)
    out = io.StringIO()

    call_command("refresh_tiers", "--as-of", "2026-12-02", stdout=out)

    run = JobRun.objects.get()
    assert re.fullmatch(
        rf"Tier refresh as of 2026-12-02 \(job run #{run.pk}\): 3 creators changed "
        r"in \d+\.\d\ds\.\n",
        out.getvalue(),
    )


@pytest.mark.parametrize("bad", ["2026-13-40", "20261202", "yesterday", ""])
def test_every_bad_as_of_is_refused(bad):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--as-of must be YYYY-MM-DD"):
        call_command("refresh_tiers", "--as-of", bad)
    assert not JobRun.objects.exists()


def test_without_as_of_the_refresh_is_for_today_in_pacific_time():
    import time_machine

    creator = CreatorFactory()
    gmv(creator, dt.date(2026, 12, 1), "1000.00")  # D-1 for a Dec 2 refresh
    # 07:30 UTC on Dec 2 is still Dec 1 in Los Angeles: D is Dec 1, so Dec 1 is not counted.
    with time_machine.travel(dt.datetime(2026, 12, 2, 7, 30, tzinfo=dt.UTC), tick=False):
        call_command("refresh_tiers")
    creator.refresh_from_db()
    assert (creator.tier_as_of, creator.tier) == (dt.date(2026, 12, 1), Tier.NON_TIERED)

    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        call_command("refresh_tiers")
    creator.refresh_from_db()
    assert (creator.tier_as_of, creator.tier) == (DEC_2, Tier.SILVER)


# --- the Celery tasks (eager in tests) --------------------------------------------------


def test_the_tier_task_runs_the_refresh_and_reports_its_run():
    from creators.tasks import refresh_tiers_task

    creator = CreatorFactory()
    gmv(creator, dt.date(2026, 11, 20), "1000.00")

    result = refresh_tiers_task.delay(as_of="2026-12-02").get()

    run = JobRun.objects.get(job=JobRun.Job.REFRESH_TIERS)
    assert result == {"job_run": run.pk, "rows_changed": 1}
    creator.refresh_from_db()
    assert (creator.tier, creator.tier_as_of) == (Tier.SILVER, DEC_2)
    assert refresh_tiers_task.delay(as_of="2026-12-02").get()["rows_changed"] == 0


def test_the_follower_task_runs_the_refresh():
    from creators.tasks import refresh_followers_task

    creator = CreatorFactory(follower_count=0)
    CreatorDailyStatsFactory(creator=creator, date=dt.date(2026, 11, 20), followers=321)

    result = refresh_followers_task.delay().get()

    run = JobRun.objects.get(job=JobRun.Job.REFRESH_FOLLOWERS)
    assert result == {"job_run": run.pk, "rows_changed": 1}
    creator.refresh_from_db()
    assert creator.follower_count == 321


def test_the_tasks_are_idempotent_late_acked_retried_and_time_limited():
    from django.db import InterfaceError, OperationalError

    from creators.tasks import refresh_followers_task, refresh_tiers_task

    for task in [refresh_tiers_task, refresh_followers_task]:
        assert task.acks_late is True
        assert set(task.autoretry_for) == {OperationalError, InterfaceError}
        # Backoff without jitter for at least ten minutes: a database restart is ridden out.
        assert task.retry_backoff and task.max_retries >= 5 and task.retry_jitter is False
        assert 0 < task.soft_time_limit < task.time_limit
    assert refresh_tiers_task.name == "creators.tasks.refresh_tiers_task"
    assert refresh_followers_task.name == "creators.tasks.refresh_followers_task"


def test_a_transient_database_error_is_retried(monkeypatch):
    from django.db import OperationalError

    from creators import services
    from creators.tasks import refresh_followers_task

    real = services.followers_refresh
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real()

    monkeypatch.setattr(services, "followers_refresh", flaky)

    # Eagerly, Celery runs the retry at once (no backoff wait).
    result = refresh_followers_task.apply(throw=False)

    assert result.state == "SUCCESS"
    assert len(calls) == 2
    assert JobRun.objects.get(job=JobRun.Job.REFRESH_FOLLOWERS).status == JobRun.Status.SUCCEEDED
