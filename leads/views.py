"""Seller pages: the Leads Pool (Seller Management > Seller leads pool)."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.jobs import job_runs_latest
from core.models import JobRun
from core.pagination import DeferredJoinPaginator
from core.replica import use_replica
from core.roles import seller_partner, seller_required

from . import selectors, services
from .filters import FOLLOWER_CHOICES, ORDERING_CHOICES, TIER_CHOICES
from .models import Lead, LeadSource, LeadStatus

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def _page_size(raw: str | None) -> int:
    """`page_size` as the API reads it: a positive number up to 100, else the default."""
    try:
        size = int(raw or PAGE_SIZE)
    except ValueError:
        return PAGE_SIZE
    return min(size, MAX_PAGE_SIZE) if size > 0 else PAGE_SIZE


def _with_row_facts(lead: Lead, now) -> Lead:
    """What a row shows besides the lead: licensed data while authorized, allowed moves."""
    lead.visible_data = lead.visible_licensed_data(now)
    allowed = services.LEAD_STATUS_FLOW[LeadStatus(lead.status)] | {lead.status}
    lead.status_options = [(key, label, key in allowed) for key, label in LeadStatus.choices]
    return lead


@seller_required
@use_replica
def pool(request):
    """The Leads Pool: filters in the URL, the results region swapped by htmx."""
    partner = seller_partner(request.user)
    filterset = selectors.lead_list(partner=partner, params=request.GET)
    valid = filterset.is_valid()
    now = timezone.now()
    page = None
    if valid:
        paginator = DeferredJoinPaginator(filterset.qs, _page_size(request.GET.get("page_size")))
        page = paginator.get_page(request.GET.get("page"))
        for lead in page.object_list:
            _with_row_facts(lead, now)
    context = {
        "nav": "pool",
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
        **_freshness(),
    }
    # Invalid filters still render the page, with the message next to the filter.
    status = 200 if valid else 400
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "leads/_pool_body.html", context, status=status)
    else:
        response = render(request, "leads/pool.html", context, status=status)
    # The same URL answers a fragment to htmx and a page to the browser: never mix them up
    # in a cache (or the back button would show a bare fragment).
    patch_vary_headers(response, ("HX-Request",))
    return response


def _back_to_pool(request):
    """Without JavaScript a row's form posts normally: go back to the same filtered page."""
    back = request.META.get("HTTP_REFERER", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("leads:pool")


def _row(request, lead, error=""):
    now = timezone.now()
    return render(
        request,
        "leads/_row.html",
        {"lead": _with_row_facts(lead, now), "now": now, "row_error": error},
    )


def _freshness() -> dict:
    """When tiers and followers were last refreshed (the pool's and the detail's notes)."""
    runs = job_runs_latest(jobs=[JobRun.Job.REFRESH_TIERS, JobRun.Job.REFRESH_FOLLOWERS])
    tiers_run = runs.get(JobRun.Job.REFRESH_TIERS)
    followers_run = runs.get(JobRun.Job.REFRESH_FOLLOWERS)
    return {
        "tiers_as_of": tiers_run.as_of if tiers_run else None,
        "followers_as_of": followers_run.finished_at if followers_run else None,
    }


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
    _with_row_facts(lead, now)
    return {
        "nav": "pool",
        "lead": lead,
        "now": now,
        "requests": list(selectors.lead_request_list(lead=lead)),
        "history": list(selectors.lead_history(lead=lead)),
        "pool_url": _panel_pool_url(request),
        **_freshness(),
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


def _detail_answer(request, lead: Lead, error: str = ""):
    """What a quick action on the lead detail answers: the detail again, or a redirect."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("leads:detail", lead_id=lead.pk)
    lead = _seller_lead(request, lead.pk)
    context = {**_detail_context(request, lead), "detail_error": error}
    return render(request, "leads/_detail_answer.html", context)


def _from_detail(request) -> bool:
    return request.POST.get("view") == "detail"


@seller_required
@require_POST
def lead_status(request, lead_id):
    """Inline status change from the pool's table."""
    lead = get_object_or_404(selectors.lead_pool(partner=seller_partner(request.user)), pk=lead_id)
    error = ""
    try:
        lead = services.lead_set_status(
            lead=lead, status=request.POST.get("status", ""), user=request.user
        )
    except ValidationError as exc:
        error = " ".join(exc.message_dict.get("status", exc.messages))
    if _from_detail(request):
        return _detail_answer(request, lead, error)
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
    services.lead_remove(lead=lead, user=request.user)
    if _from_detail(request):
        if not request.htmx:
            messages.success(request, f"@{lead.creator.handle} was removed from the Leads Pool.")
        return _detail_answer(request, lead)
    if not request.htmx:
        messages.success(request, f"@{lead.creator.handle} was removed from the Leads Pool.")
        return _back_to_pool(request)
    return render(request, "leads/_row_removed.html", {"lead": lead})


NOTIFICATIONS_SHOWN = 100


@seller_required
def notification_list(request):
    """The seller's notifications, newest first. Reading the page marks nothing read: the
    seller marks them with the explicit "Mark all read" (a POST)."""
    partner = seller_partner(request.user)
    notifications = list(
        selectors.notification_list(partner=partner, user=request.user)
        .select_related("lead__creator")
        .order_by("-created_at", "-id")[:NOTIFICATIONS_SHOWN]
    )
    return render(
        request,
        "leads/notifications.html",
        {"nav": "notifications", "notifications": notifications},
    )


@seller_required
@require_POST
def notifications_read_all(request):
    """Mark every notification this seller sees read, then show the list again."""
    partner = seller_partner(request.user)
    visible = selectors.notification_list(partner=partner, user=request.user).values("pk")
    marked = services.notifications_mark_read(partner=partner, ids=visible)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect("notifications")
