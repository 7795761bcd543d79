"""Reads for the creators domain."""

import datetime as dt
import math
import statistics
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum

from core.clock import business_today
from core.models import JobRun
from core.search import search_text

from .models import Creator, CreatorDailyStats, Partner, PartnerStaff, tier_window


def tier_refresh_due(*, now=None):
    """The 2nd-of-month refresh date whose run is missing (beat was down then), or None."""
    from core.clock import tier_refresh_latest

    due = tier_refresh_latest(now=now)
    ran = JobRun.objects.filter(
        job=JobRun.Job.REFRESH_TIERS, status=JobRun.Status.SUCCEEDED, as_of=due
    ).exists()
    return None if ran else due


def partners_listed():
    """The partners shown on Top LIVE Partner; creators reach no other."""
    return Partner.objects.filter(is_listed=True)


def partner_listed_get(*, slug: str = "", partner_id: int | None = None) -> Partner:
    """A partner shown on Top LIVE Partner, by slug or id; unlisted ones are not found."""
    lookup = {"slug": slug} if slug else {"pk": partner_id}
    return partners_listed().get(**lookup)


DIRECTORY_ORDERINGS = ("name", "responsiveness")


def partner_directory(*, search: str = "", ordering: str = "name"):
    """Listed partners by name (or `responsiveness`: most responsive first, new partners last),
    optionally searched by name, profile or category.

    `creator_count` is the maintained `collaborating_creators` column (the leads services keep
    it), and the responsiveness figures are columns too, so a directory page is one indexed
    read however many leads and requests there are.
    """
    partners = partners_listed().annotate(creator_count=F("collaborating_creators"))
    term = search_text(search)  # one substring, cut to the search cap (core.search)
    if term:
        partners = partners.filter(
            Q(name__icontains=term) | Q(profile__icontains=term) | Q(categories__icontains=term)
        )
    if ordering == "responsiveness":
        return partners.order_by(
            F("response_rate").desc(nulls_last=True),
            F("typical_response_hours").asc(nulls_last=True),
            "name",
            "id",
        )
    return partners.order_by("name", "id")


def partner_responsiveness_text(partner: Partner) -> str:
    """The line creators see: usually replies within N hours, answers P%, or "New partner"."""
    rate, hours = partner.response_rate, partner.typical_response_hours
    if rate is None:
        return "New partner: not enough requests yet"
    answers = f"answers {round(rate * 100)}% of requests"
    if hours is None:
        return answers[0].upper() + answers[1:]
    within = max(1, math.ceil(hours))
    return f"Usually replies within {within} hour{'s' if within != 1 else ''} · {answers}"


def partners_median_responsiveness() -> dict:
    """The median partner's figures among those with enough requests (the seller dashboard)."""
    rows = list(
        Partner.objects.filter(response_rate__isnull=False).values_list(
            "response_rate", "typical_response_hours"
        )
    )
    hours = [h for _, h in rows if h is not None]
    return {
        "partners": len(rows),
        "response_rate": statistics.median([r for r, _ in rows]) if rows else None,
        "typical_response_hours": statistics.median(hours) if hours else None,
    }


def creator_licensed_data(*, creator: Creator, as_of: dt.date | None = None) -> dict:
    """The data a creator licenses to a partner: their last 30 days in the feed."""
    as_of = as_of or business_today()
    start, end = tier_window(as_of)
    window = CreatorDailyStats.objects.filter(creator=creator, date__gte=start, date__lte=end)
    totals = window.aggregate(
        gmv=Sum("live_gmv_usd"), sessions=Sum("live_sessions"), viewers=Avg("average_viewers")
    )
    categories = (
        window.exclude(top_category="")
        .values("top_category")
        .annotate(days=Count("id"))
        .order_by("-days", "top_category")[:3]
    )
    return {
        "live_gmv_30d": str((totals["gmv"] or Decimal("0")).quantize(Decimal("0.01"))),
        "live_sessions_30d": int(totals["sessions"] or 0),
        "average_viewers": int(round(totals["viewers"] or 0)),
        "top_categories": [row["top_category"] for row in categories],
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
    }


def staff_partner_ids(*, user_ids) -> set[int]:
    """The partners these users work for (staff)."""
    return set(
        PartnerStaff.objects.filter(user_id__in=user_ids).values_list("partner_id", flat=True)
    )
