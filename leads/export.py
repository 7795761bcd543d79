"""CSV export of the Leads Pool: exactly the filtered rows, licensed data only while live."""

from django.utils import timezone

from core.export import csv_lines
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
    "response_due_at",
    "first_response_at",
    "next_task_due_at",
]


def lead_csv_lines(leads):
    """Yield the export's CSV lines (every text cell guarded against formula injection)."""
    now = timezone.now()
    return csv_lines(HEADER, (_lead_row(lead, now) for lead in leads))


def _lead_row(lead, now) -> list:
    licensed = lead.visible_licensed_data(now) or {}
    return [
        lead.creator.handle,
        lead.creator.name,
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
        _iso(lead.response_due_at),
        _iso(lead.first_response_at),
        _iso(lead.next_task_due_at),
    ]


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""
