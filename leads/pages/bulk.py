"""Bulk actions from the Leads Pool: set the status, assign, or remove many leads at once.

The pool's form posts the chosen rows (or "all N matching these filters") here; this page
answers a confirmation with the count, whose button posts again with `confirm=1` to apply.
Both steps are POSTs. The set-based service does the work in one transaction.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.ids import is_id
from core.roles import seller_partner, seller_required

from .. import services
from ..models import LeadEvent, LeadStatus
from ..services.bulk import ACTIONS, bulk_target
from ..services.owners import display_name
from ..services.restore import latest_change_at, undo_token
from .pool_parts import undo_offer_store

# Page position and size are not filters: a bulk action over "all matching" ignores them.
NOT_FILTERS = {"page", "page_size"}


def _pool_query(raw: str) -> QueryDict:
    return QueryDict((raw or "").lstrip("?"), mutable=False)


def _pool_url(query: QueryDict) -> str:
    return f"{reverse('leads:pool')}?{query.urlencode()}" if query else reverse("leads:pool")


def _filters(query: QueryDict) -> dict:
    return {key: query.getlist(key) for key in query if key not in NOT_FILTERS}


def _ids(request) -> list[int]:
    raw = request.POST.getlist("ids")
    if not raw:
        raise ValidationError({"ids": ["Tick the leads to change, or choose all matching."]})
    if not all(is_id(value) for value in raw):
        raise ValidationError({"ids": ["Lead ids are whole numbers."]})
    return [int(value) for value in raw]


def _describe(action: str, status: str, owner) -> str:
    if action == "set_status":
        return f"Set the status to {LeadStatus(status).label}"
    if action == "assign":
        return f"Assign to {display_name(owner)}" if owner else "Assign to no one"
    return "Remove from the Leads Pool"


@seller_required
@require_POST
def leads_bulk(request):
    """Confirm (with the count), then apply one action to the chosen pool leads."""
    partner = seller_partner(request.user)
    query = _pool_query(request.POST.get("query", ""))
    back = _pool_url(query)
    action = request.POST.get("action", "")
    status = request.POST.get("status", "")
    raw_owner = request.POST.get("owner", "").strip()
    every = request.POST.get("scope") == "all"
    try:
        if action not in ACTIONS:
            raise ValidationError({"action": ["Choose what to do with the leads."]})
        if action == "set_status" and status not in LeadStatus.values:
            raise ValidationError({"status": ["Choose the status to set."]})
        owner = None
        if action == "assign" and raw_owner:
            if not is_id(raw_owner):
                raise ValidationError({"owner": ["Choose a staff user of this partner."]})
            owner = services.staff_member(partner_id=partner.pk, user_id=int(raw_owner))
        ids = None if every else _ids(request)
        filters = _filters(query) if every else None
        target = bulk_target(partner=partner, user=request.user, ids=ids, filters=filters)
        if request.POST.get("confirm") != "1":
            count = target.count()
            return render(
                request,
                "leads/bulk_confirm.html",
                {
                    "nav": "pool",
                    "count": count,
                    "description": _describe(action, status, owner),
                    "action": action,
                    "status": status,
                    "owner": owner,
                    "ids": ids or [],
                    "every": every,
                    "query": query.urlencode(),
                    "back": back,
                    "sample": list(target.select_related("creator").order_by("-id")[:10]),
                },
            )
        result = services.leads_bulk_apply(
            partner=partner,
            user=request.user,
            action=action,
            ids=ids,
            filters=filters,
            status=status or None,
            owner_id=owner.pk if owner else None,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect(back)
    done = f"{_describe(action, status, owner)}: {result.updated:,} lead"
    done += "s" if result.updated != 1 else ""
    done += " changed."
    if result.skipped:
        done += f" {result.skipped:,} could not move to that status and were left as they were."
    messages.success(request, done)
    if result.updated:
        _offer_undo(request, partner=partner, action=action, label=done)
    return redirect(back)


UNDO_KIND = {
    "set_status": LeadEvent.Kind.STATUS_CHANGED,
    "assign": LeadEvent.Kind.ASSIGNED,
    "remove": LeadEvent.Kind.REMOVED,
}


def _offer_undo(request, *, partner, action: str, label: str) -> None:
    """The pool the seller lands on offers Undo for this change, for a few seconds."""
    kind = UNDO_KIND[action]
    at = latest_change_at(kind=kind, user=request.user, partner=partner)
    if at is not None:
        token = undo_token(partner_id=partner.pk, user_id=request.user.pk, kind=kind, at=at)
        undo_offer_store(request, token=token, label=label)
