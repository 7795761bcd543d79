"""CSV export of the Leads Pool: exactly the filtered rows, licensed data only while live."""

import csv

from django.utils import timezone

from creators.models import Tier

HEADER = [
    "handle",
    "display_name",
    "tier",
    "followers",
    "source",
    "status",
    "requested_at",
    "authorization_expires_at",
    "live_gmv_30d",
    "live_sessions_30d",
    "average_viewers",
    "top_categories",
]


class _Echo:
    def write(self, value):
        return value


def lead_csv_lines(leads):
    """Yield CSV lines for the leads (an iterator, so 100,000 rows stream in constant memory)."""
    writer = csv.writer(_Echo())
    now = timezone.now()
    yield writer.writerow(HEADER)
    for lead in leads:
        licensed = lead.visible_licensed_data(now) or {}
        yield writer.writerow(
            [
                lead.creator.handle,
                _safe(lead.creator.name),
                Tier(lead.creator_tier).key or "",
                lead.creator_follower_count,
                lead.source,
                lead.status,
                lead.requested_at.isoformat(),
                lead.authorization_expires_at.isoformat() if lead.authorization_expires_at else "",
                licensed.get("live_gmv_30d", ""),
                licensed.get("live_sessions_30d", ""),
                licensed.get("average_viewers", ""),
                "; ".join(licensed.get("top_categories", [])),
            ]
        )


def _safe(text: str) -> str:
    """Keep spreadsheet apps from running a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
