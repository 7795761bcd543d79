"""Seller pages: the Leads Pool (Seller Management > Seller leads pool) and notifications.

The lead workspace's other pages (lead detail, notes, owner, bulk actions, saved views) are in
`leads/pages/`, one module per sub-domain.
"""

import datetime as dt
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.ids import is_id
from core.pagination import DeferredJoinPaginator, page_number_parse, page_size
from core.replica import use_replica
from core.roles import seller_partner, seller_required

from . import selectors, services
from .charts import dashboard_charts
from .filters import (
    DEFAULT_ORDERING,
    FOLLOWER_CHOICES,
    ORDERING_CHOICES,
    TIER_CHOICES,
    active_filter_chips,
)
from .models import Lead, LeadSource, LeadStatus, NotificationKind
from .pages.common import freshness, row_facts
from .pages.detail import detail_answer, from_detail

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
        # A malformed `page` is a 400 naming it; past the end shows the last page.
        page = paginator.get_page(page_number_parse(request.GET.get("page")))
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
        **_workspace_context(request, partner, now),
    }
    context["chips"] = active_filter_chips(
        request.GET, owners={str(member.pk): member.get_username() for member in context["staff"]}
    )
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


@seller_required
@use_replica
def dashboard(request):
    """The pipeline dashboard: the pool's figures as charts, for the same filters."""
    partner = seller_partner(request.user)
    filterset = selectors.lead_list(
        partner=partner, params=request.GET, user=request.user, workspace=False
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


def _workspace_context(request, partner, now) -> dict:
    """The pool's workspace parts: owners (filter, column, bulk assign), the expiry count, and
    the saved views as tabs. Three queries, whatever the pool's size."""
    saved_views = list(selectors.saved_view_list(partner=partner, user=request.user))
    active = next(
        (view for view in saved_views if _same_query(QueryDict(view.query), request.GET)), None
    )
    return {
        "staff": list(selectors.staff_list(partner=partner)),
        "selected_owner": request.GET.get("owner", ""),
        "expiring_hours": EXPIRING_HOURS,
        "expiring_count": selectors.lead_expiring_count(
            partner=partner, hours=EXPIRING_HOURS, now=now
        ),
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


NOTIFICATION_GROUPS_PER_PAGE = 25


def _notification_filters(params) -> tuple[str | None, bool | None]:
    kind = params.get("kind") or None
    if kind not in NotificationKind.values:
        kind = None
    show = params.get("show")
    return kind, (True if show == "unread" else None)


def _day(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


CURSOR = re.compile(r"(\d{8}T\d{6}\.\d{6})Z-(\d{1,18})")


def _cursor(raw: str | None) -> tuple[dt.datetime, int] | None:
    """`?older=` / `?newer=`: a row's newest member as `YYYYMMDDTHHMMSS.ffffffZ-<id>` (UTC);
    anything else is the first page."""
    match = CURSOR.fullmatch(raw or "")
    if not match:
        return None
    try:
        at = dt.datetime.strptime(match[1], "%Y%m%dT%H%M%S.%f").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    return at, int(match[2])


def _cursor_text(row) -> str:
    return f"{row['latest'].astimezone(dt.UTC):%Y%m%dT%H%M%S.%f}Z-{row['last_id']}"


@seller_required
def notification_list(request):
    """The seller's notifications, newest first: a page of groups ("12 authorizations expired
    on Nov 22", expandable) and lone items. Reading the page marks nothing read: the seller
    does that with a button (a POST)."""
    partner = seller_partner(request.user)
    kind, unread = _notification_filters(request.GET)
    day = _day(request.GET.get("day")) if kind else None
    if day is not None:
        # "Show all" of one group: that day's notifications of the kind, one per row.
        start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
        items = (
            selectors.notification_list(
                partner=partner, user=request.user, unread=unread, kind=kind
            )
            .filter(created_at__gte=start, created_at__lt=start + dt.timedelta(days=1))
            .select_related("lead__creator")
        )
        page = Paginator(items, NOTIFICATION_GROUPS_PER_PAGE).get_page(request.GET.get("page"))
        rows = [{"count": 1, "members": [n]} for n in page.object_list]
        pager = None
    else:
        older, newer = _cursor(request.GET.get("older")), _cursor(request.GET.get("newer"))
        rows, more = selectors.notification_groups(
            partner=partner,
            user=request.user,
            unread=unread,
            kind=kind,
            older=older,
            newer=None if older else newer,
            limit=NOTIFICATION_GROUPS_PER_PAGE,
        )
        page = None
        walked_newer = newer is not None and older is None
        pager = {
            "newer": _cursor_text(rows[0]) if rows and (older or (walked_newer and more)) else "",
            "older": _cursor_text(rows[-1]) if rows and (walked_newer or more) else "",
        }
        for row in rows:
            row["label"] = _group_label(row)
    query = request.GET.copy()
    for key in ("page", "older", "newer"):
        query.pop(key, None)
    return render(
        request,
        "leads/notifications.html",
        {
            "nav": "notifications",
            "page": page,
            "pager": pager,
            "rows": rows,
            "kind": kind or "",
            "day": day,
            "show": "unread" if unread else "",
            "kind_choices": NotificationKind.choices,
            "query": query.urlencode(),
        },
    )


GROUP_LABELS = {
    NotificationKind.NEW_REQUEST: ("new collaboration request", "new collaboration requests"),
    NotificationKind.AUTHORIZATION_EXPIRED: ("authorization expired", "authorizations expired"),
    NotificationKind.AUTHORIZATION_EXPIRING: (
        "authorization expiring within 24 hours",
        "authorizations expiring within 24 hours",
    ),
    NotificationKind.LEAD_ASSIGNED: ("lead assigned to you", "leads assigned to you"),
}


def _group_label(row) -> str:
    one, many = GROUP_LABELS.get(row["kind"], ("notification", "notifications"))
    return f"{row['count']:,} {one if row['count'] == 1 else many}"


def _back_to_notifications(request):
    back = request.POST.get("next", "")
    if back.startswith("/seller/notifications/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        return redirect(back)
    return redirect("notifications")


@seller_required
@require_POST
def notifications_read_all(request):
    """Mark every notification this seller sees read (or every one of a kind, or one day's
    group, or the given ids), for this seller only; then show the list again."""
    partner = seller_partner(request.user)
    kind = request.POST.get("kind") or None
    if kind not in NotificationKind.values:
        kind = None
    ids = None
    raw_ids = request.POST.getlist("id")
    if raw_ids:
        if not all(is_id(raw) for raw in raw_ids):
            raise ValidationError({"id": ["Use notification ids (whole numbers)."]})
        ids = [int(raw) for raw in raw_ids]
    day = _day(request.POST.get("day")) if kind else None
    if day is not None:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
        ids = (
            selectors.notification_visible(partner=partner, user=request.user)
            .filter(kind=kind, created_at__gte=start, created_at__lt=start + dt.timedelta(days=1))
            .values("pk")
        )
    marked = services.notifications_mark_read(
        partner=partner, user=request.user, ids=ids, kind=kind
    )
    if request.htmx:
        response = notification_badge(request)
        response["HX-Trigger"] = "notifications-read"
        return response
    messages.success(request, f"Marked {marked:,} notification{'s' if marked != 1 else ''} read.")
    return _back_to_notifications(request)


@seller_required
def notification_badge(request):
    """The bell's unread count, polled by htmx every few seconds (a read; it changes nothing)."""
    unread = selectors.notification_unread_count(
        partner=seller_partner(request.user), user=request.user
    )
    return render(request, "leads/_notification_bell.html", {"unread_notifications": unread})
