"""The Leads Pool's ways back and its small row actions: Undo a change just made, restore a
removed lead (from its detail), the inline owner of a row, and the seller's filter panel
state (kept on the server, so it survives a new login)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.ids import is_id
from core.roles import seller_partner, seller_required

from .. import selectors, services
from ..models import Lead, LeadEvent
from ..services.preferences import pool_filters_open_set
from ..services.restore import leads_change_undo, leads_restore
from .detail import detail_answer, from_detail
from .pool_parts import row_answer

UNDONE_WORDS = {
    LeadEvent.Kind.REMOVED: "back in the Leads Pool",
    LeadEvent.Kind.STATUS_CHANGED: "back to their previous status",
    LeadEvent.Kind.ASSIGNED: "back with their previous owner",
}


def _pool_lead(request, lead_id):
    return get_object_or_404(selectors.lead_pool(partner=seller_partner(request.user)), pk=lead_id)


@seller_required
@require_POST
def lead_owner_row(request, lead_id):
    """The pool row's inline owner: the same assign service and rules as the detail's (only
    the partner's staff, or no one); a refusal is the row again with the reason, a 400."""
    lead = _pool_lead(request, lead_id)
    raw = request.POST.get("owner", "").strip()
    error = ""
    try:
        owner = None
        if raw:
            if not is_id(raw):
                raise ValidationError({"owner": [services.owners.OWNER_NOT_STAFF]})
            owner = services.staff_member(partner_id=lead.partner_id, user_id=int(raw))
        services.lead_assign(lead=lead, owner=owner, user=request.user)
    except ValidationError as exc:
        error = "Owner: " + " ".join(exc.message_dict.get("owner", exc.messages))
    if not request.htmx:
        if error:
            messages.error(request, f"@{lead.creator.handle}: {error}")
        else:
            who = services.owners.display_name(owner) if owner else "no one"
            messages.success(request, f"@{lead.creator.handle} is now assigned to {who}.")
        return _back(request)
    lead = _pool_lead(request, lead_id)
    return row_answer(request, lead, error=error, status=400 if error else 200)


@seller_required
@require_POST
def lead_restore(request, lead_id):
    """Restore a removed lead from its detail: back in the pool as it was (its status,
    owner and history), its authorization as it is (an ended one stays ended)."""
    partner = seller_partner(request.user)
    lead = get_object_or_404(Lead.objects.select_related("creator"), partner=partner, pk=lead_id)
    restored = leads_restore(partner=partner, lead_ids=[lead.pk], user=request.user)
    if from_detail(request) or not request.htmx:
        if not request.htmx and restored:
            messages.success(request, f"@{lead.creator.handle} is back in the Leads Pool.")
        return detail_answer(request, lead)
    return row_answer(request, _pool_lead(request, lead_id))


@seller_required
@require_POST
def leads_undo(request):
    """Undo a change made moments ago (the token the page got with it): a row's removal
    answers the row again; a bulk change goes back to the pool with what was undone."""
    partner = seller_partner(request.user)
    try:
        kind, undone = leads_change_undo(
            partner=partner, user=request.user, token=request.POST.get("token", "")
        )
    except ValidationError as exc:
        problem = " ".join(exc.message_dict.get("token", exc.messages))
        lead = _removed_lead(request, partner)
        if request.htmx and lead is not None:
            context = {"lead": lead, "undo_error": problem}
            return render(request, "leads/_row_removed.html", context, status=400)
        messages.error(request, problem)
        return redirect(_pool_back(request))
    request.session.pop("pool_undo", None)
    lead_id = request.POST.get("lead", "")
    if request.htmx and is_id(lead_id):
        lead = selectors.lead_pool(partner=partner).filter(pk=int(lead_id)).first()
        if lead is not None:
            return row_answer(request, lead)
    noun = "lead is" if undone == 1 else "leads are"
    messages.success(request, f"Undone: {undone:,} {noun} {UNDONE_WORDS[kind]}.")
    return redirect(_pool_back(request))


def _back(request):
    """Without JavaScript a row's form posts normally: back to the page it came from."""
    back = request.META.get("HTTP_REFERER", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("leads:pool")


def _removed_lead(request, partner):
    """The lead a row's Undo names (`lead`), if it is this partner's."""
    lead_id = request.POST.get("lead", "")
    if not is_id(lead_id):
        return None
    return Lead.objects.select_related("creator").filter(partner=partner, pk=int(lead_id)).first()


def _pool_back(request) -> str:
    """The pool with the filters the seller was on (the form's `query`), else the pool."""
    query = request.POST.get("query", "").lstrip("?")
    return f"{reverse('leads:pool')}?{query}" if query else reverse("leads:pool")


@seller_required
@require_POST
def pool_filters_panel(request):
    """Remember whether this seller keeps the pool's filter panel open (`open` = 1 or 0)."""
    value = request.POST.get("open", "")
    if value not in ("0", "1"):
        return HttpResponse("open: use 1 or 0.", status=400, content_type="text/plain")
    pool_filters_open_set(user=request.user, filters_open=value == "1")
    return HttpResponse(status=204)
