"""The lead detail `/seller/leads/<id>/`: a whole page, or the pool's side panel (htmx).

Its quick actions post to the same endpoints as the pool's rows, with `view=detail`; they
answer the detail again (and, in the side panel, the pool's row out of band).
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from core.roles import seller_partner, seller_required

from .. import selectors
from ..models import Lead
from .common import freshness, row_facts


def _pool_url_or_none(url: str) -> str | None:
    """`url` if it is the Leads Pool on this site (any filters), else None."""
    parts = urlsplit(url or "")
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
    row_facts(lead, now)
    return {
        "nav": "pool",
        "lead": lead,
        "now": now,
        "requests": list(selectors.lead_request_list(lead=lead)),
        "history": list(selectors.lead_history(lead=lead)),
        "pool_url": _panel_pool_url(request),
        **freshness(),
    }


def _seller_lead(request, lead_id) -> Lead:
    try:
        return selectors.lead_of_partner(partner=seller_partner(request.user), lead_id=lead_id)
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


def detail_answer(request, lead: Lead, error: str = ""):
    """What a quick action on the lead detail answers: the detail again, or a redirect."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("leads:detail", lead_id=lead.pk)
    lead = _seller_lead(request, lead.pk)
    context = {**_detail_context(request, lead), "detail_error": error}
    return render(request, "leads/_detail_answer.html", context)


def from_detail(request) -> bool:
    return request.POST.get("view") == "detail"
