"""Sheet feeds: a revocable, read-only CSV URL of the Leads Pool through one saved view.

The URL carries a secret token (shown once, on creation); only its sha256 is kept. The feed
serves exactly what the pool's CSV export gives for the saved view's query (same rows, same
columns, licensed data only while the authorization lasts: `leads.export.lead_csv_lines`).

A feed answers while it is not revoked, its saved view exists and is still visible to the
staff user who made it (their own, or shared), and that user is still active staff of the
feed's partner: someone who left the team takes their feeds' access with them.
"""

import hashlib
import math
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from core.ids import id_parse
from leads.export import lead_csv_lines
from leads.models import SavedView
from leads.selectors import lead_pool_filterset, saved_view_list

from .models import SheetFeed

# A partner's live feeds: enough for a team's sheets, not a way to mint unlimited URLs.
MAX_ACTIVE_FEEDS = 25
# One answer per feed per this many seconds (Google Sheets' IMPORTDATA refreshes about hourly).
DEFAULT_INTERVAL_SECONDS = 60
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "backslashreplace")).hexdigest()


def feed_interval_seconds() -> int:
    return int(getattr(settings, "SHEET_FEED_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS))


# --- writes ---------------------------------------------------------------------------------


@transaction.atomic
def sheet_feed_create(*, partner, user, saved_view) -> tuple[SheetFeed, str]:
    """A new feed of `saved_view` (an id, or the view; one of the partner's views that `user`
    sees: their own or a shared one) and its secret token, which is never stored or shown
    again. Any other view is a ValidationError naming `saved_view`."""
    view_id = saved_view.pk if isinstance(saved_view, SavedView) else id_parse(saved_view)
    view = (
        saved_view_list(partner=partner, user=user).filter(pk=view_id).first()
        if view_id is not None
        else None
    )
    if view is None:
        raise ValidationError({"saved_view": ["Pick one of your partner's saved views you see."]})
    if not sheet_feed_filterset(partner=partner, view=view, user=user).is_valid():
        raise ValidationError(
            {"saved_view": ["This view's filters are no longer valid: save the view again."]}
        )
    live = SheetFeed.objects.filter(partner=partner, revoked_at__isnull=True).count()
    if live >= MAX_ACTIVE_FEEDS:
        raise ValidationError(
            {"saved_view": [f"A partner can have at most {MAX_ACTIVE_FEEDS} live feeds."]}
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = SheetFeed.objects.create(
        partner=partner, saved_view=view, token_hash=token_hash(token), created_by=user
    )
    return feed, token


@transaction.atomic
def sheet_feed_revoke(*, feed: SheetFeed, user) -> SheetFeed:
    """Stop the feed for good (its URL answers 404 from now on); revoking twice is harmless."""
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


# --- reads ----------------------------------------------------------------------------------


def sheet_feed_list(*, partner):
    """The partner's feeds, newest first, with their saved view and maker (one query)."""
    return (
        SheetFeed.objects.filter(partner=partner)
        .select_related("saved_view", "created_by__partner_staff")
        .order_by("-id")
    )


def sheet_feed_get(*, partner, feed_id) -> SheetFeed | None:
    """One of the partner's feeds, or None (another partner's id, or not an id)."""
    feed_id = id_parse(feed_id)
    if feed_id is None:
        return None
    return sheet_feed_list(partner=partner).filter(pk=feed_id).first()


def sheet_feed_for_token(token: str) -> SheetFeed | None:
    """The live feed the token opens, or None (unknown, revoked, its view gone or no longer
    visible to its maker, or its maker no longer active staff of the partner)."""
    if not isinstance(token, str) or not (20 <= len(token) <= 100):
        return None
    feed = (
        SheetFeed.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("partner", "saved_view", "created_by__partner_staff")
        .first()
    )
    if feed is None or not sheet_feed_live(feed):
        return None
    return feed


def sheet_feed_live(feed: SheetFeed) -> bool:
    """Whether a feed (not revoked) still answers: see the module's rule."""
    maker = feed.created_by
    if feed.revoked_at is not None or maker is None or not maker.is_active:
        return False
    staff = getattr(maker, "partner_staff", None)
    if staff is None or staff.partner_id != feed.partner_id:
        return False
    view = feed.saved_view
    return view.partner_id == feed.partner_id and (view.owner_id == maker.pk or view.shared)


def sheet_feed_filterset(*, partner, view: SavedView, user):
    """The pool (the export's rows: no workspace extras) through the view's query; `owner=me`
    is the feed's maker."""
    return lead_pool_filterset(
        partner=partner, params=QueryDict(view.query), user=user, workspace=False
    )


def sheet_feed_csv_lines(feed: SheetFeed):
    """The feed's CSV lines (None when the view's query no longer validates): the export's
    own rows and columns, streamed."""
    filterset = sheet_feed_filterset(
        partner=feed.partner, view=feed.saved_view, user=feed.created_by
    )
    if not filterset.is_valid():
        return None
    return lead_csv_lines(filterset.qs.iterator(chunk_size=2000))


def sheet_feed_throttle(feed: SheetFeed) -> int | None:
    """Count one answer of the feed: None when allowed, else the seconds to wait. The clock
    lives in the cache (shared by every process when the cache is Redis)."""
    interval = feed_interval_seconds()
    if interval <= 0:
        return None
    key = f"sheet-feed-served:{feed.pk}"
    now = time.time()
    if cache.add(key, now + interval, interval):
        return None
    until = cache.get(key)
    # The stored time decides (a cache's own expiry may lag behind it by a moment).
    if until is None or until <= now:
        cache.set(key, now + interval, interval)
        return None
    return max(1, math.ceil(until - now))
