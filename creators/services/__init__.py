"""Writes for the creators domain, by sub-domain: thresholds, the refreshes, the feed intake."""

from .feed import (
    StatsImportResult,
    StatsRow,
    creator_stats_import,
    stats_csv_parse,
    stats_rows_parse,
)
from .profile import PROFILE_FIELDS, creator_profile_update
from .refresh import followers_refresh, tiers_refresh
from .thresholds import (
    SILVER_SOURCE_THRESHOLD,
    silver_threshold,
    tier_thresholds,
    tier_thresholds_errors,
    tier_thresholds_set,
    tier_window,
)

__all__ = [
    "PROFILE_FIELDS",
    "creator_profile_update",
    "SILVER_SOURCE_THRESHOLD",
    "StatsImportResult",
    "StatsRow",
    "creator_stats_import",
    "followers_refresh",
    "silver_threshold",
    "stats_csv_parse",
    "stats_rows_parse",
    "tier_thresholds",
    "tier_thresholds_errors",
    "tier_thresholds_set",
    "tier_window",
    "tiers_refresh",
]
