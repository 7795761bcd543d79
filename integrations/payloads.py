"""What a delivery sends: the Standard Webhooks body, or a Slack message.

Both are built when the delivery is sent (each attempt, each replay), from the event and the
lead as it is then. Licensed data (the creator's 30-day figures) is in the body only while the
lead's authorization lasts (`Lead.visible_licensed_data`, the rule of the pages, the API and
the CSV export), so an attempt after the end never carries it, whenever the event happened.
"""

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder

from core.mail import absolute_url
from creators.models import Tier
from leads.models import Lead, LeadSource, LeadStatus
from leads.notices import LEAD_PATH

from .models import EventType


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def lead_snapshot(lead: Lead, *, now: dt.datetime) -> dict:
    """The lead as the pool shows it now; `licensed_data` only while the authorization lasts."""
    tier = Tier(lead.creator_tier)
    owner = lead.owner if lead.owner_id is not None else None
    return {
        "id": lead.pk,
        "url": absolute_url(LEAD_PATH.format(id=lead.pk)),
        "status": lead.status,
        "source": lead.source,
        "in_pool": lead.removed_at is None,
        "requested_at": _iso(lead.requested_at),
        "owner": None
        if owner is None
        else {
            "id": owner.pk,
            "username": owner.get_username(),
            "name": owner.get_full_name() or owner.get_username(),
        },
        "creator": {
            "handle": lead.creator.handle,
            "display_name": lead.creator.name,
            "tier": tier.key,
            "tier_label": tier.label,
            "follower_count": int(lead.creator_follower_count),
        },
        "authorization_expires_at": _iso(lead.authorization_expires_at),
        "authorization_active": lead.is_authorized(now),
        "licensed_data": lead.visible_licensed_data(now),
    }


def event_body(*, type: str, occurred_at: dt.datetime, data: dict, lead: dict | None) -> bytes:
    """The Standard Webhooks body `{type, timestamp, data}`: the event's own data, and the lead
    (`data.lead`, null when the event names none or it is gone)."""
    payload = {
        "type": type,
        "timestamp": _iso(occurred_at),
        "data": {**data, "lead": lead},
    }
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


HEADLINES = {
    EventType.LEAD_CREATED: "New lead",
    EventType.LEAD_STATUS_CHANGED: "Lead status changed",
    EventType.LEAD_ASSIGNED: "Lead assigned",
    EventType.LEAD_REMOVED: "Lead removed from the pool",
    EventType.LEAD_AUTHORIZATION_EXPIRING: "Data authorization ends soon",
    EventType.LEAD_AUTHORIZATION_EXPIRED: "Data authorization ended",
    EventType.MESSAGE_RECEIVED: "New message from a creator",
    EventType.TASK_DUE: "Follow-up task due",
}


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn control characters, escaped as Slack asks (&, <, >)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return str(value)


def slack_body(*, type: str, data: dict, lead: dict | None) -> bytes:
    """A Slack incoming-webhook message: what happened, the creator, tier, followers, source
    and a link to the lead."""
    headline = HEADLINES.get(type, type)
    lines = []
    if lead is None:
        lines.append(f"*{_slack_escape(headline)}*")
    else:
        creator = lead["creator"]
        who = f"@{creator['handle']}"
        if creator["display_name"]:
            who += f" ({creator['display_name']})"
        lines.append(f"*{_slack_escape(headline)}*: {_slack_escape(who)}")
        status = _label(LeadStatus, lead["status"])
        facts = [
            f"Tier: {creator['tier_label']}",
            f"Followers: {creator['follower_count']:,}",
            f"Source: {_label(LeadSource, lead['source'])}",
            f"Status: {status}",
        ]
        if lead["owner"]:
            facts.append(f"Owner: {lead['owner']['name']}")
        lines.append(_slack_escape(" · ".join(facts)))
        lines.append(f"<{lead['url']}|Open the lead>")
    return json.dumps({"text": "\n".join(lines)}, separators=(",", ":")).encode()
