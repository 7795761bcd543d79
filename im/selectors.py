"""Reads for TTSPC IM; a seller's threads always start from their partner."""

import datetime as dt

from django.db import router
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull

from core.compiled import compiled_count
from leads import selectors as lead_selectors
from leads.models import Lead

from .models import (
    LAST_ACTIVITY,
    UNREAD_BY_CREATOR,
    UNREAD_BY_SELLER,
    Message,
    ReplyTemplate,
    Side,
    Thread,
)

# The thread lists show this many conversations a page; older ones are a keyed page away.
THREAD_PAGE = 50


def _unread(side_reading: str):
    """Messages from the other side newer than this side's last read."""
    other = Side.CREATOR if side_reading == Side.SELLER else Side.SELLER
    read_field = "seller_last_read_at" if side_reading == Side.SELLER else "creator_last_read_at"
    unread = (
        Message.objects.filter(thread=OuterRef("pk"), side=other)
        .filter(Q(created_at__gt=OuterRef(read_field)) | Q(**{f"thread__{read_field}": None}))
        .order_by()
        .values("thread")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))


def _is_lead():
    """Whether the thread's creator is in the partner's pool.

    A scalar subquery tested for NULL, not EXISTS: PostgreSQL may plan an EXISTS in the select
    list as a hashed subplan that reads every lead in the table (150,000 in the bench, most of
    the inbox's time); this one probes the unique (partner, creator) index once per shown
    thread.
    """
    lead = Lead.objects.in_pool().filter(partner=OuterRef("partner"), creator=OuterRef("creator"))
    return IsNull(Subquery(lead.values("pk")[:1], output_field=IntegerField()), False)


def _by_activity(threads, older_than: tuple[dt.datetime, int] | None):
    """Newest activity first, from after the cursor `(last activity, id)` when given.

    `activity <= t AND (activity < t OR id < i)` rather than a row comparison, which Django
    does not write: its first half bounds the (…, last activity DESC, id DESC) index scan.
    """
    threads = threads.annotate(last_activity=LAST_ACTIVITY).order_by(
        F("last_activity").desc(), "-id"
    )
    if older_than is not None:
        activity, thread_id = older_than
        threads = threads.filter(
            Q(last_activity__lte=activity) & (Q(last_activity__lt=activity) | Q(id__lt=thread_id))
        )
    return threads


def thread_list_for_partner(
    *,
    partner,
    is_lead: bool | None = None,
    search: str = "",
    older_than: tuple[dt.datetime, int] | None = None,
):
    """A partner's threads, newest activity first, with unread count and lead flag.

    The search matches the thread's copy of the creator's handle and name, so it walks only
    this partner's threads (in activity order, stopping once a page is full) and never
    joins the creators table: see docs/scaling.md, "IM at scale".
    """
    threads = (
        Thread.objects.filter(partner=partner)
        .select_related("creator", "partner")
        .annotate(unread_count=_unread(Side.SELLER), is_lead=_is_lead())
    )
    if is_lead is not None:
        threads = threads.filter(is_lead=is_lead)
    term = " ".join(search.split()).lstrip("@").lower()
    if term:
        threads = threads.filter(creator_search__contains=term)
    return _by_activity(threads, older_than)


def thread_list_for_creator(*, creator, older_than: tuple[dt.datetime, int] | None = None):
    """A creator's own threads with unread counts."""
    threads = (
        Thread.objects.filter(creator=creator)
        .select_related("creator", "partner")
        .annotate(unread_count=_unread(Side.CREATOR), is_lead=_is_lead())
    )
    return _by_activity(threads, older_than)


def thread_page(threads, *, size: int = THREAD_PAGE) -> tuple[list[Thread], bool]:
    """One page of a thread list (one query) and whether older threads follow."""
    rows = list(threads[: size + 1])
    return rows[:size], len(rows) > size


def thread_get(*, partner, creator) -> Thread | None:
    """The one thread between a partner and a creator, if it was opened."""
    return Thread.objects.filter(partner=partner, creator=creator).first()


def message_recent(
    *, thread, limit: int = 100, before_id: int | None = None
) -> tuple[list[Message], bool]:
    """The newest `limit` messages (before `before_id` if given), oldest first, and whether
    older ones exist."""
    messages = Message.objects.filter(thread=thread)
    if before_id is not None:
        messages = messages.filter(id__lt=before_id)
    newest = list(messages.order_by("-created_at", "-id")[: limit + 1])
    return list(reversed(newest[:limit])), len(newest) > limit


def message_after(*, thread, after_id: int, limit: int = 200) -> list[Message]:
    """Messages newer than `after_id` (what a polling conversation has not shown yet)."""
    return list(Message.objects.filter(thread=thread, id__gt=after_id).order_by("id")[:limit])


def message_any_after(*, thread_id: int, after_id: int) -> bool:
    """Whether the thread has a message newer than `after_id`: one probe of (thread, id)."""
    return Message.objects.filter(thread_id=thread_id, id__gt=after_id).exists()


TIMELINE_REQUESTS = 50


def collaboration_request_recent(*, thread, limit: int = TIMELINE_REQUESTS) -> list:
    """The thread creator's newest Requests to Collaborate to the thread's partner, newest
    first (one query serves both the conversation's timeline and the profile panel)."""
    return list(
        lead_selectors.collaboration_request_list(creator=thread.creator)
        .filter(partner=thread.partner)
        .order_by("-submitted_at", "-id")[:limit]
    )


def conversation_timeline(
    *, thread, messages: list[Message], has_older: bool, archive: bool, recent_requests=None
):
    """The shown messages with the creator's Requests to Collaborate to this partner, each at
    its place in time: a list of `{"message": m}` and `{"request": r}`.

    Requests are limited to the stretch of time the shown messages cover (from the oldest
    shown when older messages exist; up to the newest shown when paging back), so each
    appears once as the seller or creator pages through the conversation. On the latest
    messages, `recent_requests` (from `collaboration_request_recent`) saves the query.
    """
    if archive or recent_requests is None:
        requests = lead_selectors.collaboration_request_list(creator=thread.creator).filter(
            partner=thread.partner
        )
        if messages and has_older:
            requests = requests.filter(submitted_at__gte=messages[0].created_at)
        if messages and archive:
            requests = requests.filter(submitted_at__lt=messages[-1].created_at)
        shown = list(requests.order_by("-submitted_at", "-id")[:TIMELINE_REQUESTS])
    else:
        shown = [
            r
            for r in recent_requests
            if not (messages and has_older) or r.submitted_at >= messages[0].created_at
        ]
    items = [(m.created_at, 1, m.pk, {"message": m}) for m in messages]
    items += [(r.submitted_at, 0, r.pk, {"request": r}) for r in shown]
    return [item for *_, item in sorted(items, key=lambda row: row[:3])]


def unread_thread_count(*, partner=None, creator=None) -> int:
    """The navigation's IM figure: conversations with something unread by the seller side of
    `partner` (or by `creator`). One count over a partial index of unread threads only."""
    using = router.db_for_read(Thread)
    # Every page's navigation: compiled once (core/compiled.py).
    if partner is not None:
        return compiled_count(
            "im-unread:seller",
            lambda partner: Thread.objects.filter(UNREAD_BY_SELLER, partner_id=partner).values(
                "pk"
            ),
            using=using,
            partner=partner.pk,
        )
    return compiled_count(
        "im-unread:creator",
        lambda creator: Thread.objects.filter(UNREAD_BY_CREATOR, creator_id=creator).values("pk"),
        using=using,
        creator=creator.pk,
    )


def reply_template_list(*, partner):
    """The partner's reply templates (removed ones left out), by name."""
    return ReplyTemplate.objects.filter(partner=partner, removed_at__isnull=True).order_by(
        *ReplyTemplate._meta.ordering
    )
