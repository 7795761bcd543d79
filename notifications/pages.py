"""The notifications page, its "mark read" forms and the bell's badge."""

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.cursors import cursor_parse, cursor_text
from core.ids import is_id
from core.roles import creator_of, seller_partner

from . import selectors, services
from .models import CREATOR_KINDS, SELLER_KINDS, NotificationKind

NOTIFICATION_GROUPS_PER_PAGE = 25


def notified_user_required(view):
    """Page decorator: a seller or a creator (each sees their own notifications)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if seller_partner(request.user) is None and creator_of(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _urls(request) -> dict:
    """The role's own addresses: /seller/notifications/ or /ec/notifications/."""
    if seller_partner(request.user) is not None:
        return {
            "list": "notifications",
            "read_all": "notifications_read_all",
            "badge": "notification_badge",
            "prefix": "/seller/notifications/",
        }
    return {
        "list": "ec:notifications",
        "read_all": "ec:notifications_read_all",
        "badge": "ec:notification_badge",
        "prefix": "/ec/notifications/",
    }


def _kind_choices(request):
    kinds = CREATOR_KINDS if seller_partner(request.user) is None else SELLER_KINDS
    return [(key, label) for key, label in NotificationKind.choices if key in kinds]


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


def _cursor_text(row) -> str:
    """`?older=` / `?newer=`: a row's newest member (core.cursors' one format)."""
    return cursor_text(row["latest"], row["last_id"])


@notified_user_required
def notification_list(request):
    """The seller's notifications, newest first: a page of groups ("12 authorizations expired
    on Nov 22", expandable) and lone items. Reading the page marks nothing read: the seller
    does that with a button (a POST)."""
    partner = seller_partner(request.user)
    kind, unread = _notification_filters(request.GET)
    day = _day(request.GET.get("day")) if kind else None
    if day is not None:
        # "Show all" of one group: that day's notifications of the kind, one per row.
        items = selectors.notifications_on_day(
            selectors.notification_list(
                partner=partner, user=request.user, unread=unread, kind=kind
            ),
            day,
        )
        page = Paginator(items, NOTIFICATION_GROUPS_PER_PAGE).get_page(request.GET.get("page"))
        rows = [{"count": 1, "members": [n]} for n in page.object_list]
        pager = None
    else:
        older, newer = (
            cursor_parse(request.GET.get("older")),
            cursor_parse(request.GET.get("newer")),
        )
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
            row["note"] = GROUP_NOTES.get(row["kind"])
    query = request.GET.copy()
    for key in ("page", "older", "newer"):
        query.pop(key, None)
    return render(
        request,
        "notifications/list.html",
        {
            "nav": "notifications",
            "page": page,
            "pager": pager,
            "rows": rows,
            "kind": kind or "",
            "day": day,
            "show": "unread" if unread else "",
            "kind_choices": _kind_choices(request),
            "urls": _urls(request),
            "query": query.urlencode(),
        },
    )


GROUP_LABELS = {
    NotificationKind.NEW_REQUEST: ("new collaboration request", "new collaboration requests"),
    NotificationKind.AUTHORIZATION_EXPIRED: ("authorization expired", "authorizations expired"),
    # Reminders counted on the day they were sent, not authorizations ending now: said so, so
    # it never reads as a second "expiring soon" figure beside the pool's (see GROUP_NOTES).
    NotificationKind.AUTHORIZATION_EXPIRING: (
        "expiry reminder sent",
        "expiry reminders sent",
    ),
    NotificationKind.LEAD_ASSIGNED: ("lead assigned to you", "leads assigned to you"),
}


# What a group's figure counts, where that differs from a figure elsewhere.
GROUP_NOTES = {
    NotificationKind.AUTHORIZATION_EXPIRING: {
        "text": "One per authorization, sent once 24 hours or less were left; some may have "
        "been renewed or have ended since.",
        "link": "/seller/leads/?expiring_within_hours=24&ordering=authorization_expires_at",
        "link_text": "See what expires within 24 h now",
    },
}


def _group_label(row) -> str:
    one, many = GROUP_LABELS.get(row["kind"], ("notification", "notifications"))
    return f"{row['count']:,} {one if row['count'] == 1 else many}"


def _back_to_notifications(request):
    back = request.POST.get("next", "")
    if back.startswith(_urls(request)["prefix"]) and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        return redirect(back)
    return redirect(_urls(request)["list"])


@notified_user_required
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
        ids = selectors.notifications_on_day(
            selectors.notification_visible(partner=partner, user=request.user).filter(kind=kind),
            day,
        ).values("pk")
    marked = services.notifications_mark_read(
        partner=partner, user=request.user, ids=ids, kind=kind
    )
    if request.htmx:
        response = notification_badge(request)
        response["HX-Trigger"] = "notifications-read"
        return response
    messages.success(request, f"Marked {marked:,} notification{'s' if marked != 1 else ''} read.")
    return _back_to_notifications(request)


@notified_user_required
def notification_badge(request):
    """The bell's unread count, polled by htmx every few seconds (a read; it changes nothing)."""
    unread = selectors.notification_unread_count(
        partner=seller_partner(request.user), user=request.user
    )
    return render(
        request,
        "notifications/_bell.html",
        {"unread_notifications": unread, "badge_url": _urls(request)["badge"]},
    )


def _preference_label(kind: str) -> str:
    if kind == selectors.DIGEST_KEY:
        return "Daily digest of authorizations ending soon"
    return NotificationKind(kind).label


@notified_user_required
def notification_preferences(request):
    """Email preferences for either role: one switch per kind of the role (in-app always)."""
    kinds = selectors.notification_preference_kinds(seller=seller_partner(request.user) is not None)
    if request.method == "POST":
        chosen = set(request.POST.getlist("email"))
        services.notification_preferences_set(
            user=request.user, choices={kind: kind in chosen for kind in kinds}
        )
        messages.success(request, "Email preferences saved.")
        return redirect("notification_preferences")
    current = selectors.notification_preferences(user=request.user, kinds=kinds)
    return render(
        request,
        "notifications/preferences.html",
        {
            "nav": "notifications",
            "preferences": [
                {"kind": kind, "label": _preference_label(kind), "email": current[kind]["email"]}
                for kind in kinds
            ],
            "urls": _urls(request),
        },
    )
