"""The Silver gate: who may send a formal Request to Collaborate (and renew one)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied

from creators.models import Creator
from creators.services import silver_threshold


def silver_rule(threshold: Decimal | None = None) -> str:
    """Why a creator below Silver cannot send a formal request (the page and the API say it)."""
    threshold = silver_threshold() if threshold is None else threshold
    return (
        "Formal collaboration requests need Silver tier or above "
        f"(30-day LIVE GMV of ${threshold:,.0f} or more). "
        "You can chat with the partner in IM instead."
    )


class NotEligible(PermissionDenied):
    """A creator below Silver asked to send a formal request: the refusal, with its figures."""

    def __init__(self, creator: Creator):
        self.creator = creator
        self.required_live_gmv_30d = silver_threshold()
        self.gap = max(Decimal("0.00"), self.required_live_gmv_30d - creator.live_gmv_30d).quantize(
            Decimal("0.01")
        )
        self.message = silver_rule(self.required_live_gmv_30d)
        super().__init__(self.message)


def silver_gate(*, creator: Creator) -> None:
    """The Silver gate for formal requests: raises NotEligible below Silver."""
    if not creator.is_silver_plus:
        raise NotEligible(creator)
