"""The lead detail `/seller/leads/<id>/`: a whole page, or the pool's side panel (htmx).

Its quick actions post to the same endpoints as the pool's rows, with `view=detail`. Their
answer swaps only what the action changed, out of band (the header, the error line, the
form that was sent, the pool's row in the side panel), never a field the seller may be
typing in; the timeline (served by the im app) reloads itself on the `lead-changed` event.
"""

from urllib.parse import quote, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from core.fragments import (
    clock_slice,
    fragment_csrf_token,
    fragment_get,
    fragment_key,
    fragment_set,
    fragment_valid_until,
)
from core.ids import is_id
from core.roles import seller_partner, seller_required

from .. import selectors, services
from ..detail_selectors import lead_detail_get, lead_neighbours
from ..models import Lead, LeadNote
from ..pool_version import pool_version
from .common import freshness, lead_row_facts_attach

# What each quick action's answer swaps besides the header and the error line (by URL name);
# an action not named here (a restore, say) swaps every part.
ANSWER_PARTS = {
    "status": {"status"},
    "owner": {"owner"},
    "remove": {"state", "status", "owner", "remove"},
    "note_add": {"note"},
    "note_edit": set(),
    "note_delete": set(),
}
ALL_PARTS = {"state", "status", "owner", "remove", "note"}


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

    Opening: the page htmx sent the request from, or the `pool` parameter (Previous / Next
    in the panel send it, the browser's URL being a lead's by then). An action inside the
    panel: the form's `pool` field. The panel's close link goes back there, and the panel's
    actions also refresh that pool's row.
    """
    if not request.htmx:
        return None
    if request.method == "POST":
        return _pool_url_or_none(request.POST.get("pool", ""))
    if "pool" in request.GET:
        return _pool_url_or_none(request.GET.get("pool", ""))
    return _pool_url_or_none(request.htmx.current_url)


def _nav(request, lead: Lead, pool_url: str | None) -> dict | None:
    """Previous / Next within the pool the seller came from (the panel's pool, or the full
    page's `pool` parameter; else the whole pool, newest first): their links, or None when
    that pool query is not valid. Two one-row queries."""
    from_pool = pool_url or _pool_url_or_none(request.GET.get("pool", ""))
    query = urlsplit(from_pool).query if from_pool else ""
    found = lead_neighbours(
        partner=seller_partner(request.user),
        lead=lead,
        params=QueryDict(query),
        user=request.user,
    )
    if found is None:
        return None
    suffix = f"?pool={quote(from_pool, safe='')}" if from_pool else ""
    return {
        key: {**row, "url": reverse("leads:detail", args=[row["pk"]]) + suffix}
        for key, row in found.items()
        if row
    } | {"pool": from_pool}


def _detail_context(request, lead: Lead, *, nav: bool = True, now=None) -> dict:
    """Everything the lead detail shows; a fixed number of queries whatever the history (the
    timeline comes in its own request)."""
    now = now or timezone.now()
    lead_row_facts_attach(lead, now)
    pool_url = _panel_pool_url(request)
    return {
        "nav": "pool",
        "lead": lead,
        "now": now,
        "request_messages": list(selectors.lead_request_messages(lead=lead)),
        "staff": list(selectors.staff_list(partner=seller_partner(request.user))),
        "pool_url": pool_url,
        "lead_nav": _nav(request, lead, pool_url) if nav else None,
        **freshness(),
    }


def _seller_lead(request, lead_id) -> Lead:
    try:
        return lead_detail_get(partner=seller_partner(request.user), lead_id=lead_id)
    except Lead.DoesNotExist:
        raise Http404("No such lead in your Leads Pool.") from None


# The detail's region (`leads/_detail.html`) and the templates it renders.
DETAIL_TEMPLATES = (
    "leads/_detail.html",
    "leads/_detail_nav.html",
    "leads/_detail_head.html",
    "leads/_detail_error.html",
    "leads/_detail_state.html",
    "leads/_detail_restore.html",
    "leads/_detail_actions.html",
    "leads/_detail_owner_form.html",
    "leads/_detail_remove_form.html",
    "leads/_detail_status_form.html",
    "leads/_detail_creator.html",
    "leads/_detail_licensed.html",
    "leads/_detail_requests.html",
    "leads/_detail_notes.html",
    "leads/_detail_note_error.html",
    "followup/_lead_tasks.html",
    "leads/_detail_timeline.html",
)


def _detail_key(request, partner, lead_id, now) -> str:
    """Everything the detail's region reads, but the clock within its slice: who asks, which
    lead, the pool version (every write to the partner's leads, notes, requests, tasks or
    owners' names moves it), the pool it was opened from (Previous / Next) and the staff (the
    owner and assignee pickers)."""
    state = (
        partner.pk,
        request.user.pk,
        lead_id,
        pool_version(partner=partner, request=request),
        _panel_pool_url(request),
        request.GET.get("pool", ""),
        clock_slice(now)[0],
        selectors.pool_workspace_state(partner=partner, user=request.user)[0],
    )
    return fragment_key("lead-detail", templates=DETAIL_TEMPLATES, state=state)


@seller_required
def lead_detail(request, lead_id):
    """A lead's detail: the whole page, or (from the pool, by htmx) its side panel.

    Its region (`leads/_detail.html`) is served again from `core.fragments` while nothing it
    shows can differ (`_detail_key`, and the lead's next change with the clock)."""
    partner = seller_partner(request.user)
    now = timezone.now()
    token = fragment_csrf_token(request)
    key = _detail_key(request, partner, lead_id, now)
    found = fragment_get(key, csrf_token=token, now=now)
    if found is None:
        lead = _seller_lead(request, lead_id)
        context = {**_detail_context(request, lead, now=now), "csrf_token": token}
        html = render_to_string("leads/_detail.html", context, request=request)
        extra = {"handle": lead.creator.handle}
        times = [lead.authorization_expires_at, lead.response_due_at, lead.next_task_due_at]
        valid_until = fragment_valid_until(now, times)
        fragment_set(key, html, csrf_token=token, valid_until=valid_until, extra=extra)
    else:
        html, extra = found
    context = {
        "nav": "pool",
        "detail_html": mark_safe(html),  # noqa: S308 - rendered by our own templates
        "handle": extra["handle"],
        "pool_url": _panel_pool_url(request),
    }
    if request.htmx and not request.htmx.history_restore_request:
        if context["pool_url"] is None:
            # Opened by htmx from elsewhere than the pool: swap in the detail only.
            response = HttpResponse(html)
        else:
            response = render(request, "leads/_detail_panel.html", context)
    else:
        response = render(request, "leads/detail.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def detail_answer(request, lead: Lead, error: str = "", **form_state):
    """What a quick action on the lead detail answers: the parts it changed, out of band (400
    with the error in place when refused), or without JavaScript a redirect to the detail
    with the error flashed. A change also fires `lead-changed` (the timeline reloads).

    `form_state` holds the error next to a form (`note_error`, `note_edit_error`).
    """
    problems = [error] + [v for k, v in form_state.items() if k.endswith("_error")]
    problems = [problem for problem in problems if problem]
    if not request.htmx:
        for problem in problems:
            messages.error(request, problem)
        return redirect("leads:detail", lead_id=lead.pk)
    lead = _seller_lead(request, lead.pk)
    action = request.resolver_match.url_name if request.resolver_match else ""
    if form_state.get("note_edit_error"):
        error = f"Note: {form_state['note_edit_error']}"
    context = {
        **_detail_context(request, lead, nav=False),
        "detail_error": error,
        "parts": ANSWER_PARTS.get(action, ALL_PARTS),
        **form_state,
    }
    response = render(
        request, "leads/_detail_answer.html", context, status=400 if problems else 200
    )
    if not problems:
        response["HX-Trigger"] = "lead-changed"
    return response


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
        who = services.owners.display_name(owner) if owner else "no one"
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
        return detail_answer(request, lead, note_error=_errors(exc, "body"))
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
