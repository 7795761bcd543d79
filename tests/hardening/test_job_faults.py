"""A refresh that crashes half-way leaves no creator half-refreshed, and the rerun finishes."""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest

from core.models import JobRun
from creators import services
from creators.models import Creator, Tier, TierHistory
from creators.signals import creator_figures_refreshed
from tests.factories import CreatorDailyStatsFactory, CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db


class Crash(RuntimeError):
    pass


@contextmanager
def crash_after_creators_changed():
    """A receiver of the refresh's signal that fails: the creators' UPDATE has run by then."""

    def crash(**kwargs):
        raise Crash("boom")

    creator_figures_refreshed.connect(crash, dispatch_uid="test-crash")
    try:
        yield
    finally:
        creator_figures_refreshed.disconnect(dispatch_uid="test-crash")


@pytest.fixture
def feed():
    """Three creators whose December refresh moves each to a different tier."""
    creators = [CreatorFactory(handle=f"fault_{i}", tier=Tier.NON_TIERED) for i in range(3)]
    for creator, gmv in zip(creators, ["150.00", "1000.00", "300000.00"], strict=True):
        CreatorDailyStatsFactory(
            creator=creator,
            date=dt.date(2026, 11, 15),
            live_gmv_usd=Decimal(gmv),
            followers=12_345,
        )
        LeadFactory(creator=creator)
    return creators


def snapshot():
    return list(
        Creator.objects.order_by("id").values_list(
            "tier", "live_gmv_30d", "tier_as_of", "follower_count", "followers_as_of"
        )
    )


def test_a_tier_refresh_crashing_inside_its_transaction_changes_nothing(feed):
    before = snapshot()

    # The crash comes after the creators' UPDATE ran, before the leads were synced.
    with crash_after_creators_changed():
        with pytest.raises(Crash):
            services.tiers_refresh(as_of=dt.date(2026, 12, 2))

    assert snapshot() == before
    assert TierHistory.objects.count() == 0
    failed = JobRun.objects.get(job=JobRun.Job.REFRESH_TIERS)
    assert failed.status == JobRun.Status.FAILED and "boom" in failed.detail

    run = services.tiers_refresh(as_of=dt.date(2026, 12, 2))

    assert run.status == JobRun.Status.SUCCEEDED and run.rows_changed == 3
    assert [c.tier for c in Creator.objects.order_by("id")] == [
        Tier.BRONZE,
        Tier.SILVER,
        Tier.DIAMOND,
    ]
    assert TierHistory.objects.count() == 3
    assert sorted(feed[0].leads.values_list("creator_tier", flat=True)) == [Tier.BRONZE]


def test_a_follower_refresh_crashing_half_way_changes_nothing(feed):
    before = snapshot()

    with crash_after_creators_changed():
        with pytest.raises(Crash):
            services.followers_refresh()

    assert snapshot() == before
    run = services.followers_refresh()
    assert run.rows_changed == 3
    assert set(Creator.objects.values_list("follower_count", flat=True)) == {12_345}
    assert set(feed[1].leads.values_list("creator_follower_count", flat=True)) == {12_345}
