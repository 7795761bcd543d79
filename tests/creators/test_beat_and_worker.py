"""The beat schedule's crontabs, and a real Celery worker running a refresh over Redis."""

import copy
import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings

from core.models import JobRun

SCHEDULE = settings.CELERY_BEAT_SCHEDULE
PACIFIC = ZoneInfo("America/Los_Angeles")


def test_tier_refresh_runs_at_0200_on_the_2nd_of_each_month():
    schedule = SCHEDULE["refresh-tiers-monthly"]
    assert schedule["task"] == "creators.tasks.refresh_tiers_task"
    cron = schedule["schedule"]
    assert isinstance(cron, crontab)
    assert (cron.day_of_month, cron.hour, cron.minute) == ({2}, {2}, {0})
    assert cron.month_of_year == set(range(1, 13))


@pytest.mark.parametrize(
    ("last_run", "now", "next_run"),
    [
        # From mid-November the next tier refresh is Dec 2 at 02:00 Pacific (10:00 UTC).
        ((2026, 11, 2, 2, 0), (2026, 11, 15, 12, 0), (2026, 12, 2, 2, 0)),
        # On the 1st it is the next day; across the new year it is Jan 2.
        ((2026, 11, 2, 2, 0), (2026, 12, 1, 23, 0), (2026, 12, 2, 2, 0)),
        ((2026, 12, 2, 2, 0), (2026, 12, 2, 2, 5), (2027, 1, 2, 2, 0)),
    ],
)
def test_the_tier_refresh_fires_next_at_0200_pacific_on_the_2nd(last_run, now, next_run):
    cron = copy.copy(SCHEDULE["refresh-tiers-monthly"]["schedule"])
    at = dt.datetime(*now, tzinfo=PACIFIC)
    cron.nowfun = lambda: at

    remaining = cron.remaining_estimate(dt.datetime(*last_run, tzinfo=PACIFIC))

    assert at + remaining == dt.datetime(*next_run, tzinfo=PACIFIC)
    assert cron.is_due(dt.datetime(*last_run, tzinfo=PACIFIC)).is_due is False


def test_the_follower_refresh_fires_every_day():
    cron = copy.copy(SCHEDULE["refresh-followers-daily"]["schedule"])
    at = dt.datetime(2026, 12, 1, 12, 0, tzinfo=PACIFIC)
    cron.nowfun = lambda: at
    remaining = cron.remaining_estimate(dt.datetime(2026, 12, 1, 3, 30, tzinfo=PACIFIC))
    assert at + remaining == dt.datetime(2026, 12, 2, 3, 30, tzinfo=PACIFIC)


def test_follower_refresh_is_daily_and_expiry_every_few_minutes():
    followers = SCHEDULE["refresh-followers-daily"]["schedule"]
    assert followers.day_of_month == set(range(1, 32)) and len(followers.hour) == 1
    expiry = SCHEDULE["expire-authorizations"]
    assert expiry["task"] == "leads.tasks.expire_authorizations_task"
    assert expiry["schedule"].minute == set(range(0, 60, 5))


def test_every_entry_expires_and_the_zone_is_explicit():
    assert settings.CELERY_TIMEZONE == "America/Los_Angeles"
    assert all(entry["options"]["expires"] > 0 for entry in SCHEDULE.values())


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_follower_refresh_over_redis():
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the real-worker test needs Redis")
    from celery.contrib.testing.worker import start_worker
    from celery.result import EagerResult

    from creators.tasks import refresh_followers_task
    from partner_center.celery import app
    from tests.factories import CreatorDailyStatsFactory, CreatorFactory

    creator = CreatorFactory(follower_count=0)
    CreatorDailyStatsFactory(creator=creator, date=dt.date(2026, 11, 20), followers=777)
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=20):
            sent = refresh_followers_task.delay()
            assert not isinstance(sent, EagerResult)  # it went through the broker
            deadline = time.time() + 30
            while time.time() < deadline and not finished_runs().exists():
                time.sleep(0.2)
    finally:
        app.conf.update(task_always_eager=True)
    run = finished_runs().get()
    assert run.rows_changed == 1
    creator.refresh_from_db()
    assert (creator.follower_count, creator.followers_as_of) == (777, dt.date(2026, 11, 20))


def finished_runs():
    return JobRun.objects.filter(job=JobRun.Job.REFRESH_FOLLOWERS, status=JobRun.Status.SUCCEEDED)
