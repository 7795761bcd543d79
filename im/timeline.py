"""A lead's one timeline: its history, its notes and the IM conversation with its creator, in
one stream, newest at the bottom, the latest 50 first ("Older" pages back), filterable by
kind (all, history, notes, messages).

It lives here because im holds the messages and may read leads (leads sits below im and
cannot read them): the lead detail loads it with htmx, `GET /seller/im/leads/<id>/timeline/`.
A GET, so it reads only; a fixed number of queries whatever the lengths; another partner's
lead is a 404.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape

from core.roles import seller_partner, seller_required
from leads.detail_selectors import (
    TIMELINE_KINDS,
    TIMELINE_PAGE,
    TimelineEntry,
    lead_detail_get,
    lead_timeline_entries,
    timeline_before_q,
    timeline_cursor_parse,
)
from leads.models import Lead, LeadEvent

from .models import Message

KIND_LABELS = {"all": "All", "history": "History", "notes": "Notes", "messages": "Messages"}


def _messages(*, lead: Lead, before, limit: int) -> list[TimelineEntry]:
    """The newest `limit` + 1 messages between the lead's partner and creator older than
    `before`, newest first: one query on the thread's (thread, created_at, id) index."""
    messages = (
        Message.objects.filter(
            timeline_before_q("messages", before, "created_at"),
            thread__partner_id=lead.partner_id,
            thread__creator_id=lead.creator_id,
        )
        .select_related("sender")
        .order_by("-created_at", "-id")[: limit + 1]
    )
    return [TimelineEntry("messages", m.created_at, m.pk, m) for m in messages]


@seller_required
def lead_timeline(request, lead_id):
    """The timeline fragment (a small page of its own without htmx)."""
    try:
        lead = lead_detail_get(partner=seller_partner(request.user), lead_id=lead_id)
    except Lead.DoesNotExist:
        raise Http404("No such lead in your Leads Pool.") from None
    kind = request.GET.get("kind") or "all"
    if kind not in TIMELINE_KINDS:
        return HttpResponse(
            f"kind: use one of {', '.join(TIMELINE_KINDS)}; got {escape(kind[:40])}.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    before = timeline_cursor_parse(request.GET.get("before"))
    entries = lead_timeline_entries(lead=lead, kind=kind, before=before)
    if kind in ("all", "messages"):
        entries += _messages(lead=lead, before=before, limit=TIMELINE_PAGE)
        entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    shown = entries[:TIMELINE_PAGE]
    base = reverse("im:lead_timeline", args=[lead.pk])
    context = {
        "lead": lead,
        "kind": kind,
        "kinds": [(key, KIND_LABELS[key]) for key in TIMELINE_KINDS],
        "entries": list(reversed(shown)),  # oldest first, like a conversation
        "older": shown[-1].cursor if len(entries) > TIMELINE_PAGE else "",
        "paging": before is not None,
        "base_url": base,
        "pool_url": None,
        "nav": "pool",
        "message_kinds": [str(kind) for kind in LeadEvent.MESSAGE_KINDS],
    }
    template = "im/_timeline.html" if request.htmx else "im/timeline.html"
    return render(request, template, context)
