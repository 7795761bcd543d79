"""Creators, partners, the creator-stats feed, tiers and the jobs that refresh them."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Tier(models.IntegerChoices):
    """LIVE tiers, lowest to highest; a creator below Bronze is Non-tiered."""

    NON_TIERED = 0, "Non-tiered"
    BRONZE = 1, "Bronze"
    SILVER = 2, "Silver"
    GOLD = 3, "Gold"
    PLATINUM = 4, "Platinum"
    RUBY = 5, "Ruby"
    EMERALD = 6, "Emerald"
    SAPPHIRE = 7, "Sapphire"
    DIAMOND = 8, "Diamond"

    @property
    def key(self) -> str | None:
        """The public API's lower-case key (`silver`), or None for Non-tiered."""
        return None if self == Tier.NON_TIERED else self.name.lower()

    @classmethod
    def from_key(cls, key: str) -> "Tier":
        return cls[key.upper()]

    @classmethod
    def ranked(cls) -> list["Tier"]:
        """Bronze … Diamond, the tiers a creator can reach."""
        return [tier for tier in cls if tier != cls.NON_TIERED]


# Default 30-day LIVE GMV thresholds (USD). Only Silver's $1,000 comes from the source
# ("Silver-tier+ creators (30-day LIVE GMV >= $1k)"); the rest are editable defaults.
DEFAULT_TIER_THRESHOLDS = {
    Tier.BRONZE: Decimal("100.00"),
    Tier.SILVER: Decimal("1000.00"),
    Tier.GOLD: Decimal("5000.00"),
    Tier.PLATINUM: Decimal("10000.00"),
    Tier.RUBY: Decimal("25000.00"),
    Tier.EMERALD: Decimal("50000.00"),
    Tier.SAPPHIRE: Decimal("100000.00"),
    Tier.DIAMOND: Decimal("250000.00"),
}


# The largest follower figure the feed, the filters and the forms accept.
MAX_FOLLOWERS = 10**12


TIER_WINDOW_DAYS = 30


def tier_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The refresh on D counts LIVE GMV dated D-30 through D-1 inclusive."""
    return as_of - dt.timedelta(days=TIER_WINDOW_DAYS), as_of - dt.timedelta(days=1)


class PartnerType(models.TextChoices):
    L2L = "L2L", "L2L (local to local)"
    CB = "CB", "CB (cross-border)"


class Partner(models.Model):
    """A creator service partner (agency) that sellers work for."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    partner_type = models.CharField(max_length=3, choices=PartnerType.choices)
    profile = models.TextField(blank=True, help_text="What the partner offers creators.")
    categories = models.CharField(
        max_length=255, blank=True, help_text="Comma-separated product categories."
    )
    logo = models.ImageField(upload_to="partners/", blank=True)
    is_listed = models.BooleanField(
        default=True, help_text="Shown in the EC Center's Top LIVE Partner list."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Maintained by the leads app whenever a lead's status or pool membership changes (a
    # set-based recount of the partners it touched), so the Top LIVE Partner directory reads a
    # column instead of counting every partner's leads on every request.
    collaborating_creators = models.PositiveIntegerField(
        default=0,
        db_default=0,  # rows inserted in SQL (the bench dataset, imports) start at 0 too
        editable=False,
        help_text="Creators whose lead with this partner is collaborating and in the pool.",
    )
    # The first-response clock: a collaboration request is due an answer this many hours after
    # it arrives (the partner's settings page; 1 to 168).
    response_target_hours = models.PositiveSmallIntegerField(
        default=24,
        db_default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text="Hours within which a collaboration request should get its first reply.",
    )
    # Responsiveness on Top LIVE Partner, over the last 90 days of collaboration requests:
    # kept by the leads app (a daily set-based job, and each first response on commit), so
    # the directory reads columns. Null under the minimum sample.
    response_rate = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, editable=False
    )
    typical_response_hours = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, editable=False
    )
    responsiveness_sample = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    responsiveness_updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [
            # The directory's order: listed partners by name.
            models.Index(
                fields=["name", "id"], name="partner_directory_idx", condition=Q(is_listed=True)
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def category_list(self) -> list[str]:
        return [c.strip() for c in self.categories.split(",") if c.strip()]


class PartnerStaff(models.Model):
    """A seller: a user who works for one partner."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_staff"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="staff")
    # Away: assignment rules skip this seller (they mark themselves on the settings page).
    away = models.BooleanField(default=False, db_default=False)
    # When a rule last gave this seller a lead: ties between members break by the longest wait.
    last_assigned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "partner staff"

    def __str__(self) -> str:
        return f"{self.user} @ {self.partner}"


class Creator(models.Model):
    """A LIVE creator; tier and followers are the refreshed figures, not live ones."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="creator",
    )
    handle = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(max_length=120, blank=True)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.NON_TIERED)
    live_gmv_30d = models.DecimalField(
        "30-day LIVE GMV (USD)", max_digits=14, decimal_places=2, default=Decimal("0")
    )
    tier_as_of = models.DateField(
        null=True, blank=True, help_text="The refresh date (D) whose window decided the tier."
    )
    tier_refreshed_at = models.DateTimeField(null=True, blank=True)
    follower_count = models.PositiveBigIntegerField(default=0)
    followers_as_of = models.DateField(
        null=True, blank=True, help_text="Date of the feed row the follower count came from."
    )
    followers_refreshed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # No index covers a column the refreshes write (tier, GMV, followers and their dates), and
    # on PostgreSQL the table keeps half of each page free (fillfactor 50, migration 0004): so
    # the monthly and daily refreshes, which rewrite every creator, are HOT updates that touch
    # no index at all, the trigram search indexes included. The pool filters the tier and
    # follower figures copied onto each lead, which are indexed there.
    class Meta:
        ordering = ["handle"]
        constraints = [
            # Handles are one per creator whatever their case (@Ava and @ava are the same
            # creator), as the feed import matches them.
            models.UniqueConstraint(Lower("handle"), name="creator_handle_unique_ci"),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    @property
    def name(self) -> str:
        return self.display_name or self.handle

    @property
    def tier_label(self) -> str:
        return Tier(self.tier).label

    @property
    def tier_key(self) -> str | None:
        return Tier(self.tier).key

    @property
    def is_silver_plus(self) -> bool:
        return self.tier >= Tier.SILVER


class CreatorDailyStats(models.Model):
    """One day of the platform's creator-stats feed for one creator."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="daily_stats")
    date = models.DateField()
    live_gmv_usd = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    followers = models.PositiveBigIntegerField()
    live_sessions = models.PositiveIntegerField(default=0)
    average_viewers = models.PositiveIntegerField(default=0)
    top_category = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(
        auto_now_add=True,
        help_text="When these figures arrived (set again when an import changes them); the "
        "daily follower refresh reads the rows imported since its last run.",
    )

    class Meta:
        verbose_name = "creator daily stats row"
        verbose_name_plural = "creator-stats feed"
        constraints = [
            models.UniqueConstraint(fields=["creator", "date"], name="one_stats_row_per_day"),
        ]
        indexes = [
            models.Index(fields=["date"], name="stats_date_idx"),
            models.Index(fields=["imported_at"], name="stats_imported_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} {self.date}"


class TierThreshold(models.Model):
    """The minimum 30-day LIVE GMV for a tier; admins edit these."""

    tier = models.PositiveSmallIntegerField(
        choices=[(t.value, t.label) for t in Tier.ranked()], unique=True
    )
    min_live_gmv_usd = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["tier"]

    def __str__(self) -> str:
        return f"{Tier(self.tier).label} >= ${self.min_live_gmv_usd:,}"


class TierHistory(models.Model):
    """A creator's tier as decided by one refresh, kept whenever it changed."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="tier_history")
    as_of = models.DateField()
    previous_tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    live_gmv_30d = models.DecimalField(max_digits=14, decimal_places=2)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-as_of", "creator_id"]
        verbose_name_plural = "tier history"
        indexes = [models.Index(fields=["creator", "-as_of"], name="tier_history_creator_idx")]

    def __str__(self) -> str:
        return f"{self.creator_id} {self.as_of}: {Tier(self.tier).label}"
