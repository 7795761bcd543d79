"""What the Leads Pool's page and its row actions share: the staff by the name people see,
the status hints of the bulk bar, and the Undo offered after a change."""

import time

from django.shortcuts import render
from django.utils import timezone

from core.roles import seller_partner

from .. import selectors
from ..models import LeadEvent, LeadStatus
from ..services.owners import display_name
from ..services.restore import UNDO_SECONDS, latest_change_at, undo_token
from ..services.sets import status_sources
from .common import lead_row_facts_attach

# The session key of the Undo offered after a bulk change (the page after its redirect shows
# it for UNDO_SECONDS; reading it writes nothing).
UNDO_SESSION_KEY = "pool_undo"


def staff_named(staff) -> list:
    """The staff users, each with `owner_name`: one name everywhere (full name, else
    username; `leads.services.owners.display_name`)."""
    members = list(staff)
    for member in members:
        member.owner_name = display_name(member)
    return members


def status_hints() -> list[tuple[str, str, str]]:
    """Each status a bulk action may set, with which leads cannot move there (they are left
    as they are) in words: (key, label, hint); the hint is empty when every lead can."""
    hints = []
    for target, label in LeadStatus.choices:
        stuck = [
            LeadStatus(source).label.lower()
            for source in LeadStatus.values
            if source != target and source not in status_sources(target)
        ]
        hint = f"Not allowed from {' or '.join(stuck)}: those leads stay as they are."
        hints.append((target, label, hint if stuck else ""))
    return hints


def undo_offer_store(request, *, token: str, label: str) -> None:
    """After a bulk change (a POST): offer its Undo on the page the seller lands on."""
    request.session[UNDO_SESSION_KEY] = {"token": token, "label": label, "at": time.time()}


def undo_offer(request) -> dict | None:
    """The Undo to offer now (the last bulk change of this session, within UNDO_SECONDS),
    with the seconds left; None otherwise."""
    offer = request.session.get(UNDO_SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(offer, dict):
        return None
    left = UNDO_SECONDS - (time.time() - float(offer.get("at", 0)))
    if left <= 0:
        return None
    return {**offer, "seconds_left": max(1, int(left))}


def removal_undo_token(request, lead) -> str | None:
    """The Undo token of this seller's removal of this lead (the row offers it)."""
    at = latest_change_at(lead_id=lead.pk, kind=LeadEvent.Kind.REMOVED, user=request.user)
    if at is None:
        return None
    return undo_token(
        partner_id=lead.partner_id, user_id=request.user.pk, kind=LeadEvent.Kind.REMOVED, at=at
    )


def row_answer(request, lead, *, error: str = "", status: int = 200):
    """A pool row again, after a row action (its status and owner pickers need the staff)."""
    now = timezone.now()
    staff = staff_named(selectors.staff_list(partner=seller_partner(request.user)))
    context = {
        "lead": lead_row_facts_attach(lead, now),
        "now": now,
        "row_error": error,
        "staff": staff,
    }
    return render(request, "leads/_row.html", context, status=status)
