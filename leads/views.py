"""Seller pages: the Leads Pool (Seller Management > Seller leads pool)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from creators.models import JobRun
from creators.selectors import job_runs_latest
from partner_center.pagination import DeferredJoinPaginator
from partner_center.roles import seller_partner, seller_required

from . import selectors, services
from .filters import FOLLOWER_CHOICES, ORDERING_CHOICES, TIER_CHOICES
from .models import Lead, LeadSource, LeadStatus

PAGE_SIZE = 25


@seller_required
def pool(request):
    """The Leads Pool: filters in the URL, the results region swapped by htmx."""
    partner = seller_partner(request.user)
    filterset = selectors.lead_list(partner=partner, params=request.GET)
    valid = filterset.is_valid()
    page = None
    if valid:
        paginator = DeferredJoinPaginator(filterset.qs, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    runs = job_runs_latest(jobs=[JobRun.Job.REFRESH_TIERS, JobRun.Job.REFRESH_FOLLOWERS])
    tiers_run = runs.get(JobRun.Job.REFRESH_TIERS)
    followers_run = runs.get(JobRun.Job.REFRESH_FOLLOWERS)
    context = {
        "nav": "pool",
        "filterset": filterset,
        "errors": filterset.form.errors,
        "page": page,
        "valid": valid,
        "now": timezone.now(),
        "tier_choices": TIER_CHOICES,
        "follower_choices": FOLLOWER_CHOICES,
        "source_choices": LeadSource.choices,
        "status_choices": LeadStatus.choices,
        "ordering_choices": ORDERING_CHOICES,
        "selected": {key: request.GET.getlist(key) for key in ("tier", "followers", "status")},
        "tiers_as_of": tiers_run.as_of if tiers_run else None,
        "followers_as_of": followers_run.finished_at if followers_run else None,
        "query": request.GET.urlencode(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "leads/_pool_body.html", context, status=200 if valid else 400)
    return render(request, "leads/pool.html", context, status=200 if valid else 400)


def _row(request, lead, error=""):
    return render(
        request,
        "leads/_row.html",
        {
            "lead": lead,
            "now": timezone.now(),
            "row_error": error,
            "status_choices": LeadStatus.choices,
        },
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
    lead = Lead.objects.select_related("creator").get(pk=lead.pk)
    if not request.htmx:
        return redirect("leads:pool")
    return _row(request, lead, error)


@seller_required
@require_POST
def lead_remove(request, lead_id):
    """Remove from leads (soft); the partner is notified."""
    lead = get_object_or_404(selectors.lead_pool(partner=seller_partner(request.user)), pk=lead_id)
    services.lead_remove(lead=lead, user=request.user)
    if not request.htmx:
        return redirect("leads:pool")
    return render(request, "leads/_row_removed.html", {"lead": lead})
