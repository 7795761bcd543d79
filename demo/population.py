"""The demo's creator population: thousands of creators over every tier and follower range,
and their 35+ days of creator-stats feed (bulk-inserted; the real refreshes then run)."""

import datetime as dt
import random
from decimal import Decimal

from creators.models import Creator, CreatorDailyStats, Tier
from creators.services import tier_thresholds, tier_window
from demo.data import (
    CATEGORIES,
    FIRST_NAMES,
    FOLLOWER_RANGES,
    LAST_NAMES,
    NAMED_PROFILES,
    NAMED_TIERS,
    TIER_WEIGHTS,
)


def split_cents(rng: random.Random, cents: int, parts: int) -> list[int]:
    """Split an amount into `parts` positive-ish shares that add up exactly."""
    weights = [rng.randint(20, 100) for _ in range(parts)]
    total = sum(weights)
    shares = [cents * w // total for w in weights]
    shares[-1] += cents - sum(shares)
    return shares


class CreatorPopulation:
    """seed_demo's creators and feed (a mixin of the command: it shares its state)."""

    def gmv_range(self, tier: Tier) -> tuple[Decimal, Decimal]:
        """The 30-day LIVE GMV that earns `tier` under the current thresholds: [low, high)."""
        thresholds = self.thresholds
        if tier == Tier.NON_TIERED:
            return Decimal("0"), thresholds[Tier.BRONZE]
        low = thresholds[tier]
        high = thresholds[Tier(tier + 1)] if tier < Tier.DIAMOND else low * 3
        return low, high

    def create_creators(self, rng: random.Random, count: int) -> dict[int, tuple]:
        """Create the named and generated creators; returns their feed targets by id."""
        self.thresholds = tier_thresholds()
        ranked = [Tier.NON_TIERED, *Tier.ranked()]
        plans = []  # (handle, display name, tier, band or followers, category)
        for handle, tier in NAMED_TIERS.items():
            name, followers, category = NAMED_PROFILES[handle]
            plans.append((handle, name, tier, followers, category))
        for i in range(count):
            if i < 2 * len(ranked) * len(FOLLOWER_RANGES):
                # The first creators cover every tier in every follower range, twice.
                tier = ranked[(i // 2) // len(FOLLOWER_RANGES)]
                band = (i // 2) % len(FOLLOWER_RANGES)
            else:
                tier = rng.choices(ranked, weights=TIER_WEIGHTS)[0]
                band = min(4, max(0, round(rng.gauss(tier / 2.2, 1.0))))
            followers = rng.randint(*FOLLOWER_RANGES[band])
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            category = rng.choice(CATEGORIES)
            plans.append(
                (
                    f"{first.lower()}.{last.lower()}_{i:04d}",
                    self.display_name(rng, first, last, category),
                    tier,
                    followers,
                    category,
                )
            )
        users = {handle: self.user(handle) for handle in NAMED_TIERS}
        Creator.objects.bulk_create(
            [
                Creator(handle=handle, display_name=name, user=users.get(handle))
                for handle, name, *_ in plans
            ],
            batch_size=1000,
        )
        ids = dict(
            Creator.objects.filter(handle__in=[p[0] for p in plans]).values_list("handle", "id")
        )
        targets = {}
        for handle, _name, tier, followers, category in plans:
            low, high = self.gmv_range(tier)
            if handle in NAMED_TIERS:
                # A quarter of the way into the tier's range: clear of both boundaries.
                gmv = (low + (high - low) / 4).quantize(Decimal("0.01"))
                gmv = Decimal("0") if tier == Tier.NON_TIERED else gmv
            elif tier == Tier.NON_TIERED and rng.random() < 0.5:
                gmv = Decimal("0")  # never went LIVE in the window
            else:
                gmv = Decimal(rng.randint(int(low * 100), int(high * 100) - 1)) / 100
            targets[ids[handle]] = (gmv, followers, category)
        return targets

    @staticmethod
    def display_name(rng: random.Random, first: str, last: str, category: str) -> str:
        style = rng.random()
        if style < 0.55:
            return f"{first} {last}"
        if style < 0.7:
            return f"{first} {last} LIVE"
        if style < 0.85:
            return f"{category} with {first}"
        return f"{first}'s {category} Finds"

    def create_feed(self, rng: random.Random, targets: dict[int, tuple]) -> None:
        """The creator-stats feed: the last 35 days (and the refresh's whole window).

        The window of the refresh (as_of-30 … as_of-1) carries each creator's target GMV
        exactly, so the refresh gives each creator its intended tier; days outside the window
        carry GMV at a similar pace. Every creator has a row for yesterday with its followers.
        """
        window_start, window_end = tier_window(self.as_of)
        yesterday = self.today - dt.timedelta(days=1)
        feed_start = min(window_start, yesterday - dt.timedelta(days=34))
        window = [window_start + dt.timedelta(days=n) for n in range(30)]
        outside = [
            feed_start + dt.timedelta(days=n)
            for n in range((yesterday - feed_start).days + 1)
            if not window_start <= feed_start + dt.timedelta(days=n) <= window_end
        ]
        rows = []
        for creator_id, (gmv, followers, category) in targets.items():
            days: dict[dt.date, int] = {}
            if gmv > 0:
                live_days = rng.randint(3, 16)
                for day, cents in zip(
                    rng.sample(window, live_days),
                    split_cents(rng, int(gmv * 100), live_days),
                    strict=True,
                ):
                    days[day] = cents
                pace = int(gmv * 100) // live_days
                for day in outside:
                    if rng.random() < live_days / 30:
                        days[day] = int(pace * rng.uniform(0.5, 1.5))
            days.setdefault(yesterday, 0)
            growth = rng.randint(0, max(1, followers // 400))
            for day, cents in sorted(days.items()):
                live = cents > 0
                rows.append(
                    CreatorDailyStats(
                        creator_id=creator_id,
                        date=day,
                        live_gmv_usd=Decimal(cents) / 100,
                        followers=max(0, followers - (yesterday - day).days * growth),
                        live_sessions=rng.choice([1, 1, 1, 2]) if live else 0,
                        average_viewers=(
                            rng.randint(15, 120) + followers // rng.randint(80, 200) if live else 0
                        ),
                        top_category=(
                            (category if rng.random() < 0.75 else rng.choice(CATEGORIES))
                            if live
                            else ""
                        ),
                    )
                )
        CreatorDailyStats.objects.bulk_create(rows, batch_size=2000)

    def check_named_tiers(self) -> None:
        tiers = dict(Creator.objects.filter(handle__in=NAMED_TIERS).values_list("handle", "tier"))
        wrong = {h: t for h, t in NAMED_TIERS.items() if tiers.get(h) != t}
        if wrong:  # a bug in the generator, not something a rerun would fix
            raise RuntimeError(f"The refresh gave the demo creators unexpected tiers: {wrong}")

    # --- leads and IM -----------------------------------------------------------------------
