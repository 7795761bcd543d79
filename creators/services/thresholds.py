"""The tier thresholds: reading them, and the rules any writer of them must keep."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from creators.models import DEFAULT_TIER_THRESHOLDS, Tier, TierThreshold, tier_window  # noqa: F401


def tier_thresholds() -> dict[Tier, Decimal]:
    """The admin-edited thresholds, falling back to the defaults for any tier not set."""
    thresholds = dict(DEFAULT_TIER_THRESHOLDS)
    for row in TierThreshold.objects.all():
        thresholds[Tier(row.tier)] = row.min_live_gmv_usd
    return thresholds


# The source's Silver figure ("Silver-tier+ creators: 30-day LIVE GMV >= $1k"); no writer may
# change it, so texts fixed at import (schema descriptions, admin help) may state it.
SILVER_SOURCE_THRESHOLD = DEFAULT_TIER_THRESHOLDS[Tier.SILVER]


def silver_threshold() -> Decimal:
    """The Silver gate in force: the minimum 30-day LIVE GMV for a formal Request to
    Collaborate, as the tier refresh applies it (one query; the source's figure if unset)."""
    row = (
        TierThreshold.objects.filter(tier=Tier.SILVER)
        .values_list("min_live_gmv_usd", flat=True)
        .first()
    )
    return SILVER_SOURCE_THRESHOLD if row is None else row


def tier_thresholds_errors(*, overrides: dict[int, Decimal]) -> list[str]:
    """What is wrong with the thresholds after these edits, or nothing.

    Each amount is positive, Silver stays the source's figure, and each tier's minimum is
    above the one below it.
    """
    values = {int(t): v for t, v in tier_thresholds().items()}
    values.update({int(t): v for t, v in overrides.items()})
    errors = []
    if any(value <= 0 for value in overrides.values()):
        errors.append("A threshold is a positive amount.")
    if values[Tier.SILVER] != SILVER_SOURCE_THRESHOLD:
        errors.append(
            f"Silver's threshold is the source's ${SILVER_SOURCE_THRESHOLD:,.0f} and cannot change."
        )
    ranked = [int(t) for t in Tier.ranked()]
    for lower, higher in zip(ranked, ranked[1:], strict=False):
        if values[higher] <= values[lower]:
            errors.append(
                f"{Tier(higher).label} (${values[higher]:,}) must be above "
                f"{Tier(lower).label} (${values[lower]:,})."
            )
    return errors


def tier_thresholds_set(*, overrides: dict[int, Decimal]) -> None:
    """Change tier thresholds (applied at the next tier refresh); invalid edits raise."""
    errors = tier_thresholds_errors(overrides=overrides)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for tier, amount in overrides.items():
            TierThreshold.objects.update_or_create(
                tier=int(tier), defaults={"min_live_gmv_usd": amount}
            )
