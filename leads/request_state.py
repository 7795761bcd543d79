"""What a creator's request truthfully is, for the request page, "My requests" and the API.

`state`: open (waiting for a first reply), answered (replied to, by message or a status
change), collaborating, closed (the partner closed it, or a newer request replaced it) or
removed (the partner removed it from their Leads Pool). Whether the licensed data is still
shared is separate: it follows the authorization's end only.
"""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import OuterRef, Subquery

from .models import CollaborationRequest, LeadStatus
from .services.renewal import renewal_open

STATE_LABELS = {
    "open": "Open",
    "answered": "Replied",
    "collaborating": "Collaborating",
    "closed": "Closed",
    "removed": "Removed by the partner",
}


@dataclass
class RequestState:
    state: str
    label: str
    answered_at: dt.datetime | None
    answered_by: str  # "message", "status" or ""
    closed_at: dt.datetime | None
    close_reason: dict | None
    licensed_data_shared: bool
    renewable: bool
    current: bool


def request_state(request: CollaborationRequest, now: dt.datetime) -> RequestState:
    """The request's state as its creator sees it (needs `request.lead`)."""
    lead = request.lead
    current = lead.authorization_expires_at == request.authorization_expires_at
    closed_at = request.closed_at
    if current and lead.removed_at is not None:
        state, closed_at = "removed", closed_at or lead.removed_at
    elif request.closed_at or not current or lead.status == LeadStatus.CLOSED:
        state = "closed"
    elif lead.status == LeadStatus.COLLABORATING:
        state = "collaborating"
    elif request.first_response_at:
        state = "answered"
    else:
        state = "open"
    code = request.close_reason or (lead.close_reason if current and state != "open" else "")
    text = request.close_reason_text if request.close_reason else lead.close_reason_text
    shared = request.is_authorized(now)
    label = STATE_LABELS[state]
    if state == "open" and not shared:
        label = "Authorization expired"  # never answered, and the data is no longer shared
    return RequestState(
        state=state,
        label=label,
        answered_at=request.first_response_at,
        answered_by=request.first_response_kind or "",
        closed_at=closed_at if state in ("closed", "removed") else None,
        close_reason={"code": code, "text": text} if code else None,
        licensed_data_shared=shared,
        renewable=renewal_open(request, now) and state not in ("removed",),
        current=current,
    )


def with_thread_ids(queryset):
    """Annotate each request with `thread_id`: its IM conversation with the partner, or None.

    IM sits above leads, so its model is looked up by name (no import of im): one correlated
    subquery on the unique (partner, creator) index, no query per row."""
    thread = apps.get_model("im", "Thread")
    return queryset.annotate(
        thread_id=Subquery(
            thread.objects.filter(
                partner_id=OuterRef("partner_id"), creator_id=OuterRef("creator_id")
            ).values("pk")[:1]
        )
    )
