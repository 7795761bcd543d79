"""The lead detail `/seller/leads/<id>/`: a whole page, or the pool's side panel (htmx).

Its quick actions post to the same endpoints as the pool's rows, with `view=detail`; they
answer the detail again (and, in the side panel, the pool's row out of band).
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from core.ids import is_id
from core.roles import seller_partner, seller_required

from .. import selectors, services
from ..models import Lead, LeadNote
from .common import freshness, lead_row_facts_attach


def _pool_url_or_none(url: str) -> str | None:
    """`url` if it is the Leads Pool on this site (any filters), else None (anything that is
    not a URL, `http://[` included: the HX-Current-URL header and the `pool` field are input,
    and they are read after a write has committed)."""
    try:
        parts = urlsplit(url if isinstance(url, str) else "")
    except ValueError:
        return None
    pool_path = reverse("leads:pool")
    if parts.path != pool_path:
        return None
    return f"{pool_path}?{parts.query}" if parts.query else pool_path


def _panel_pool_url(request) -> str | None:
    """The pool URL (with its filters) whose side panel shows the lead, or None.

    Opening: the page htmx sent the request from. An action inside the panel: the form's
    `pool` field (the browser's URL is the lead's by then). The panel's close link goes back
    there, and the panel's actions also refresh that pool's row.
    """
    if not request.htmx:
        return None
    if request.method == "POST":
        return _pool_url_or_none(request.POST.get("pool", ""))
    return _pool_url_or_none(request.htmx.current_url)


def _detail_context(request, lead: Lead) -> dict:
    """Everything the lead detail shows; a fixed number of queries whatever the history."""
    now = timezone.now()
    lead_row_facts_attach(lead, now)
    return {
        "nav": "pool",
        "lead": lead,
        "now": now,
        "request_messages": list(selectors.lead_request_messages(lead=lead)),
        # Newest first from the selector; the page tells the story in the order it happened.
        "history": list(reversed(selectors.lead_events(lead=lead))),
        "notes": list(selectors.lead_notes(lead=lead)),
        "staff": list(selectors.staff_list(partner=seller_partner(request.user))),
        "pool_url": _panel_pool_url(request),
        **freshness(),
    }


def _seller_lead(request, lead_id) -> Lead:
    try:
        return selectors.lead_get_any(partner=seller_partner(request.user), lead_id=lead_id)
    except Lead.DoesNotExist:
        raise Http404("No such lead in your Leads Pool.") from None


@seller_required
def lead_detail(request, lead_id):
    """A lead's detail: the whole page, or (from the pool, by htmx) its side panel."""
    lead = _seller_lead(request, lead_id)
    context = _detail_context(request, lead)
    if request.htmx and not request.htmx.history_restore_request:
        template = "leads/_detail_panel.html"
        if context["pool_url"] is None:
            # Opened by htmx from elsewhere than the pool: swap in the detail only.
            template = "leads/_detail.html"
        response = render(request, template, context)
    else:
        response = render(request, "leads/detail.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def detail_answer(request, lead: Lead, error: str = "", **form_state):
    """What a quick action on the lead detail answers: the detail again (400 with the error
    in place when refused), or without JavaScript a redirect to it with the error flashed.

    `form_state` keeps what the seller typed and the error next to that form (`note_error`,
    `note_body`, `note_edit_error`, `note_edit_id`).
    """
    problems = [error] + [v for k, v in form_state.items() if k.endswith("_error")]
    problems = [problem for problem in problems if problem]
    if not request.htmx:
        for problem in problems:
            messages.error(request, problem)
        return redirect("leads:detail", lead_id=lead.pk)
    lead = _seller_lead(request, lead.pk)
    context = {**_detail_context(request, lead), "detail_error": error, **form_state}
    return render(request, "leads/_detail_answer.html", context, status=400 if problems else 200)


def _errors(exc: ValidationError, field: str) -> str:
    return " ".join(exc.message_dict.get(field, exc.messages))


@seller_required
@require_POST
def lead_owner(request, lead_id):
    """Assign the lead to a staff user of the partner, or to no one; the new owner is told."""
    lead = _seller_lead(request, lead_id)
    raw = request.POST.get("owner", "").strip()
    try:
        owner = None
        if raw:
            if not is_id(raw):
                raise ValidationError({"owner": [services.owners.OWNER_NOT_STAFF]})
            owner = services.staff_member(partner_id=lead.partner_id, user_id=int(raw))
        services.lead_assign(lead=lead, owner=owner, user=request.user)
    except ValidationError as exc:
        return detail_answer(request, lead, f"Owner: {_errors(exc, 'owner')}")
    if not request.htmx:
        who = owner.get_username() if owner else "no one"
        messages.success(request, f"@{lead.creator.handle} is now assigned to {who}.")
    return detail_answer(request, lead)


@seller_required
@require_POST
def note_add(request, lead_id):
    """Add a staff-only note; every staff user of the partner sees it."""
    lead = _seller_lead(request, lead_id)
    body = request.POST.get("body", "")
    try:
        services.note_create(lead=lead, author=request.user, body=body)
    except ValidationError as exc:
        return detail_answer(request, lead, note_error=_errors(exc, "body"), note_body=body)
    return detail_answer(request, lead)


def _own_note(request, lead, note_id):
    try:
        return selectors.lead_note_get(lead=lead, note_id=note_id)
    except LeadNote.DoesNotExist:
        raise Http404("No such note on this lead.") from None


@seller_required
@require_POST
def note_edit(request, lead_id, note_id):
    """The author rewrites their note (others get 403)."""
    lead = _seller_lead(request, lead_id)
    note = _own_note(request, lead, note_id)
    body = request.POST.get("body", "")
    try:
        services.note_update(note=note, user=request.user, body=body)
    except ValidationError as exc:
        return detail_answer(
            request, lead, note_edit_error=_errors(exc, "body"), note_edit_id=note.pk
        )
    return detail_answer(request, lead)


@seller_required
@require_POST
def note_delete(request, lead_id, note_id):
    """The author deletes their note; the history keeps that it was deleted."""
    lead = _seller_lead(request, lead_id)
    services.note_delete(note=_own_note(request, lead, note_id), user=request.user)
    return detail_answer(request, lead)


def from_detail(request) -> bool:
    return request.POST.get("view") == "detail"
