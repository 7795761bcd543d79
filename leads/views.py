"""Seller pages: the Leads Pool (Seller Management > Seller leads pool) and notifications.

The lead workspace's other pages (lead detail, notes, owner, bulk actions, saved views) are in
`leads/pages/`, one module per sub-domain.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.pagination import DeferredJoinPaginator, page_size
from core.replica import use_replica
from core.roles import seller_partner, seller_required

from . import selectors, services
from .filters import FOLLOWER_CHOICES, ORDERING_CHOICES, TIER_CHOICES
from .models import Lead, LeadSource, LeadStatus
from .pages.common import freshness, row_facts
from .pages.detail import detail_answer, from_detail


@seller_required
@use_replica
def pool(request):
    """The Leads Pool: filters in the URL, the results region swapped by htmx."""
    partner = seller_partner(request.user)
    filterset = selectors.lead_list(partner=partner, params=request.GET, user=request.user)
    valid = filterset.is_valid()
    now = timezone.now()
    page = None
    if valid:
        paginator = DeferredJoinPaginator(
            filterset.qs,
            page_size(request.GET.get("page_size")),
            count=selectors.lead_pool_count(partner=partner, filterset=filterset),
        )
        page = paginator.get_page(request.GET.get("page"))
        for lead in page.object_list:
            row_facts(lead, now)
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
        **freshness(),
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
        {"lead": row_facts(lead, now), "now": now, "row_error": error},
    )


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
    services.lead_remove(lead=lead, user=request.user)
    if from_detail(request):
        if not request.htmx:
            messages.success(request, f"@{lead.creator.handle} was removed from the Leads Pool.")
        return detail_answer(request, lead)
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
