"""If beat was down on the 2nd, its next start runs that month's tier refresh once."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.models import JobRun
from creators.models import Tier
from creators.selectors import tier_refresh_due
from partner_center.celery import tier_refresh_catch_up
from tests.factories import CreatorDailyStatsFactory, CreatorFactory

PACIFIC = ZoneInfo("America/Los_Angeles")
pytestmark = pytest.mark.django_db


def tier_runs():
    return JobRun.objects.filter(job=JobRun.Job.REFRESH_TIERS, status=JobRun.Status.SUCCEEDED)


@pytest.mark.parametrize(
    ("local_now", "expected"),
    [
        (dt.datetime(2026, 12, 2, 1, 59), dt.date(2026, 11, 2)),  # before 02:00 on the 2nd
        (dt.datetime(2026, 12, 2, 2, 0), dt.date(2026, 12, 2)),
        (dt.datetime(2026, 12, 20, 9, 0), dt.date(2026, 12, 2)),
        (dt.datetime(2027, 1, 1, 23, 0), dt.date(2026, 12, 2)),  # across the year
    ],
)
def test_the_due_refresh_is_the_latest_2nd_that_has_passed(local_now, expected):
    assert tier_refresh_due(now=local_now.replace(tzinfo=PACIFIC)) == expected


def test_beat_start_runs_the_missed_refresh_once():
    creator = CreatorFactory(tier=Tier.NON_TIERED)
    CreatorDailyStatsFactory(
        creator=creator, date=dt.date(2026, 11, 20), live_gmv_usd=Decimal("1000.00")
    )

    with time_machine.travel(dt.datetime(2026, 12, 9, 10, 0, tzinfo=PACIFIC), tick=False):
        tier_refresh_catch_up()
        creator.refresh_from_db()
        assert creator.tier == Tier.SILVER
        assert list(tier_runs().values_list("as_of", flat=True)) == [dt.date(2026, 12, 2)]

        # A second start (or a second beat restart) finds the run and queues nothing.
        assert tier_refresh_catch_up() is None
        assert tier_runs().count() == 1


def test_beat_start_does_nothing_when_the_refresh_ran_on_time():
    JobRun.objects.create(
        job=JobRun.Job.REFRESH_TIERS,
        status=JobRun.Status.SUCCEEDED,
        as_of=dt.date(2026, 12, 2),
        started_at=dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC),
    )
    with time_machine.travel(dt.datetime(2026, 12, 9, 10, 0, tzinfo=PACIFIC), tick=False):
        assert tier_refresh_catch_up() is None
    assert tier_runs().count() == 1
