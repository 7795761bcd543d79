"""Seller pages: the Leads Pool (Seller Management > Seller leads pool), its row actions and
the pipeline dashboard."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import router
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
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
from core.pagination import DeferredJoinPaginator, page_number_parse, page_size
from core.replica import use_replica
from core.roles import seller_partner, seller_required
from creators.selectors import partner_responsiveness_text, partners_median_responsiveness

from .. import selectors, services
from ..charts import dashboard_charts
from ..filters import (
    DEFAULT_ORDERING,
    FOLLOWER_CHOICES,
    ORDERING_CHOICES,
    TIER_CHOICES,
    active_filter_chips,
)
from ..models import Lead, LeadSource, LeadStatus
from ..pool_version import pool_version
from ..services.closing import close_reason_parse
from ..services.restore import UNDO_SECONDS
from .common import freshness, lead_row_facts_attach
from .detail import detail_answer, from_detail
from .pool_parts import removal_undo_token, row_answer, staff_named, status_hints, undo_offer

PAGE_SIZES = (25, 50, 100)
# Sortable columns: header -> (ascending key, descending key, the first click's direction).
SORTABLE = {
    "tier": ("tier", "-tier", "-tier"),
    "followers": ("followers", "-followers", "-followers"),
    "requested": ("requested_at", "-requested_at", "-requested_at"),
}


def _sort_headers(params) -> dict:
    """For each sortable column: the link that sorts by it (a second click reverses) and its
    `aria-sort` state."""
    current = params.get("ordering") or DEFAULT_ORDERING
    headers = {}
    for column, (ascending, descending, first) in SORTABLE.items():
        if current == descending:
            state, target = "descending", ascending
        elif current == ascending:
            state, target = "ascending", descending
        else:
            state, target = "none", first
        query = params.copy()
        query.pop("page", None)
        query["ordering"] = target
        headers[column] = {"state": state, "query": query.urlencode()}
    return headers


# The pool's body (filters, saved views, chips, results): what `_pool_body_key` reads, and
# the templates it renders (a row template new to the body goes here too).
POOL_BODY_TEMPLATES = (
    "leads/_pool_body.html",
    "leads/_filters_workspace.html",
    "leads/_saved_views.html",
    "leads/_chips.html",
    "leads/_results.html",
    "leads/_bulk_bar.html",
    "leads/_sort_th.html",
    "leads/_row.html",
    "leads/_row_select.html",
    "leads/_row_creator.html",
)


@seller_required
@use_replica
def pool(request):
    """The Leads Pool: filters in the URL, the results region swapped by htmx.

    The region (`leads/_pool_body.html`) is served again from `core.fragments` while nothing
    it shows can differ: the same seller, query, pool version, staff and saved views, within
    one clock slice and before any of its rows changes with the clock (docs/scaling.md)."""
    partner = seller_partner(request.user)
    now = timezone.now()
    token = fragment_csrf_token(request)
    key = _pool_body_key(request, partner, now)
    found, status = fragment_get(key, csrf_token=token, now=now), 200
    if found is not None:
        body = found[0]
    else:
        workspace = _workspace_context(request, partner)
        body, status, valid_until = _pool_body_render(request, partner, now, workspace, token)
        if status == 200:
            fragment_set(key, body, csrf_token=token, valid_until=valid_until)
    if request.htmx and not request.htmx.history_restore_request:
        response = HttpResponse(body, status=status)
    else:
        context = {
            "nav": "pool",
            "pool_body": mark_safe(body),  # noqa: S308 - rendered by our own templates
            "undo": undo_offer(request),
            "undo_seconds": UNDO_SECONDS,
            "query": request.GET.urlencode(),
        }
        response = render(request, "leads/pool.html", context, status=status)
    # The same URL answers a fragment to htmx and a page to the browser: never mix them up
    # in a cache (or the back button would show a bare fragment).
    patch_vary_headers(response, ("HX-Request",))
    return response


def _pool_body_key(request, partner, now) -> str:
    """Everything the pool's body reads, but the clock within its slice: who asks, the query,
    the pool version (every write to the partner's leads, notes or owners' names moves it),
    the staff (owner picker, chips, the seller's panel preference) and the saved views."""
    version = pool_version(partner=partner, using=router.db_for_read(Lead), request=request)
    state = (
        partner.pk,
        request.user.pk,
        version,
        request.GET.urlencode(),
        clock_slice(now)[0],
        selectors.pool_workspace_state(partner=partner, user=request.user),
    )
    return fragment_key("pool-body", templates=POOL_BODY_TEMPLATES, state=state)


def _pool_body_render(request, partner, now, workspace, token):
    """The pool's body rendered afresh: (html, status, the time it stops being exact)."""
    filterset = selectors.lead_pool_filterset(partner=partner, params=request.GET, request=request)
    valid = filterset.is_valid()
    page = None
    if valid:
        paginator = DeferredJoinPaginator(
            filterset.qs,
            page_size(request.GET.get("page_size")),
            count=selectors.lead_pool_count(partner=partner, filterset=filterset),
        )
        # A malformed `page` is a 400 naming it; past the end shows the last page.
        page = paginator.get_page(page_number_parse(request.GET.get("page")))
        for lead in page.object_list:
            lead_row_facts_attach(lead, now)
    context = {
        "filterset": filterset,
        "errors": filterset.form.errors,
        "page": page,
        "valid": valid,
        "now": now,
        "tier_choices": TIER_CHOICES,
        "follower_choices": FOLLOWER_CHOICES,
        "source_choices": LeadSource.choices,
        "status_choices": LeadStatus.choices,
        "ordering_choices": ORDERING_CHOICES,
        "selected": {key: request.GET.getlist(key) for key in ("tier", "followers", "status")},
        "query": request.GET.urlencode(),
        "sort": _sort_headers(request.GET),
        "page_size": page_size(request.GET.get("page_size")),
        "page_sizes": PAGE_SIZES,
        "keep_for_page_size": [
            (key, value)
            for key, values in request.GET.lists()
            if key not in ("page", "page_size")
            for value in values
        ],
        **freshness(),
        **workspace,
        **_header_counts(request, partner, now),
        "csrf_token": token,
    }
    context["chips"] = active_filter_chips(
        request.GET, owners={str(member.pk): member.owner_name for member in context["staff"]}
    )
    html = render_to_string("leads/_pool_body.html", context, request=request)
    # Invalid filters still render the page, with the message next to the filter.
    rows = page.object_list if page is not None else []
    valid_until = fragment_valid_until(
        now,
        [lead.authorization_expires_at for lead in rows]
        + [lead.response_due_at for lead in rows]
        + [lead.next_task_due_at for lead in rows],
    )
    return html, 200 if valid else 400, valid_until


@seller_required
@use_replica
def dashboard(request):
    """The pipeline dashboard: the pool's figures as charts, for the same filters."""
    partner = seller_partner(request.user)
    filterset = selectors.lead_pool_filterset(
        partner=partner, params=request.GET, request=request, workspace=False
    )
    valid = filterset.is_valid()
    stats = selectors.lead_stats(partner=partner, filterset=filterset) if valid else None
    query = request.GET.copy()
    for key in ("page", "page_size", "ordering"):
        query.pop(key, None)
    return render(
        request,
        "leads/dashboard.html",
        {
            "nav": "dashboard",
            "stats": stats,
            "charts": dashboard_charts(stats) if stats else [],
            "errors": filterset.form.errors,
            "chips": active_filter_chips(request.GET),
            "query": query.urlencode(),
            "status_choices": LeadStatus.choices,
            "responsiveness": {  # what creators see of this partner, and the median partner
                "mine": partner_responsiveness_text(partner),
                "median": partners_median_responsiveness(),
            },
        },
        status=200 if valid else 400,
    )


EXPIRING_HOURS = 24
# Not part of what a saved view asks for: where in the list, and how many rows a page shows.
NOT_VIEW_KEYS = ("page", "page_size")


def _same_query(a: QueryDict, b: QueryDict) -> bool:
    """Two pool queries ask for the same leads and sort (order and page aside)."""

    def pairs(query):
        return sorted(
            (k, v) for k in query if k not in NOT_VIEW_KEYS for v in query.getlist(k) if v != ""
        )

    return pairs(a) == pairs(b)


def _header_counts(request, partner, now) -> dict:
    counts = selectors.lead_pool_header_counts_cached(
        partner=partner, request=request, hours=EXPIRING_HOURS, now=now
    )
    return {"expiring_count": counts["expiring"], "response_counts": counts}


def _workspace_context(request, partner) -> dict:
    """The pool's workspace parts: owners (filter, column, bulk assign) and the seller's panel
    preference, and the saved views as tabs. Two queries, whatever the pool's size."""
    saved_views = list(selectors.saved_view_list(partner=partner, user=request.user))
    active = next(
        (view for view in saved_views if _same_query(QueryDict(view.query), request.GET)), None
    )
    # The seller's own pool layout rides on the staff query (they are one of the staff).
    staff = staff_named(selectors.staff_list(partner=partner).select_related("pool_preference"))
    me = next((member for member in staff if member.pk == request.user.pk), None)
    preference = getattr(me, "pool_preference", None) if me else None
    return {
        "staff": staff,
        "filters_open": bool(preference and preference.filters_open),
        "status_hints": status_hints(),
        "selected_owner": request.GET.get("owner", ""),
        "expiring_hours": EXPIRING_HOURS,
        "expiring_selected": request.GET.get("expiring_within_hours", ""),
        "saved_views": saved_views,
        "active_view": active,
        "all_leads_active": active is None
        and not [k for k in request.GET if k not in NOT_VIEW_KEYS],
    }


def _back_to_pool(request):
    """Without JavaScript a row's form posts normally: go back to the same filtered page."""
    back = request.META.get("HTTP_REFERER", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("leads:pool")


def _row(request, lead, error=""):
    return row_answer(request, lead, error=error)


def _close_reason(request):
    """The optional close reason of a seller's form (`close_reason`, `close_reason_text`)."""
    code = request.POST.get("close_reason", "")
    return (
        close_reason_parse({"code": code, "text": request.POST.get("close_reason_text", "")})
        if code
        else None
    )


@seller_required
@require_POST
def lead_status(request, lead_id):
    """Inline status change from the pool's table."""
    lead = get_object_or_404(selectors.lead_pool(partner=seller_partner(request.user)), pk=lead_id)
    error = ""
    try:
        status = request.POST.get("status", "")
        lead = services.lead_set_status(
            lead=lead,
            status=status,
            user=request.user,
            close_reason=_close_reason(request) if status == LeadStatus.CLOSED else None,
        )
    except ValidationError as exc:
        error = " ".join(exc.message_dict.get("status", exc.messages))
    if from_detail(request):
        return detail_answer(request, lead, error)
    lead = Lead.objects.select_related("creator").get(pk=lead.pk)
    if not request.htmx:
        if error:
            messages.error(request, f"@{lead.creator.handle}: {error}")
        else:
            messages.success(
                request, f"@{lead.creator.handle} is now {lead.get_status_display().lower()}."
            )
        return _back_to_pool(request)
    return _row(request, lead, error)


@seller_required
@require_POST
def lead_remove(request, lead_id):
    """Remove from leads (soft); the partner is notified."""
    lead = get_object_or_404(selectors.lead_pool(partner=seller_partner(request.user)), pk=lead_id)
    try:
        reason = _close_reason(request)
    except ValidationError:
        reason = None  # the reason is optional: a bad one is dropped, the removal stands
    services.lead_remove(lead=lead, user=request.user, close_reason=reason)
    if from_detail(request):
        if not request.htmx:
            messages.success(request, f"@{lead.creator.handle} was removed from the Leads Pool.")
        return detail_answer(request, lead)
    if not request.htmx:
        messages.success(request, f"@{lead.creator.handle} was removed from the Leads Pool.")
        return _back_to_pool(request)
    return render(
        request,
        "leads/_row_removed.html",
        {
            "lead": lead,
            "undo_token": removal_undo_token(request, lead),
            "undo_seconds": UNDO_SECONDS,
        },
    )
