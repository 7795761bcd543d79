"""TTSPC IM pages for sellers (/seller/im/) and creators (/ec/messages/).

New messages arrive by htmx polling every 3 seconds rather than server-sent events: it is
simple, works behind any proxy, and holds no long-lived connection on gunicorn's sync workers.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.cursors import cursor_parse, cursor_text
from core.ids import id_parse
from core.roles import creator_of, creator_required, seller_partner, seller_required
from core.throttles import page_post_throttled, too_fast_message
from creators.models import Creator, Partner
from creators.selectors import partner_listed_get
from leads import selectors as lead_selectors
from leads.services import lead_add, lead_remove_for_creator

from . import selectors, services
from .models import MESSAGE_MAX_LENGTH, Side, Thread
from .poll_token import poll_token, poll_token_valid
from .templatetags.im_nav import unread_badge


def _seller_thread(request, thread_id) -> Thread:
    partner = seller_partner(request.user)
    return get_object_or_404(
        Thread.objects.select_related("creator", "partner"), pk=thread_id, partner=partner
    )


def _creator_thread(request, thread_id) -> Thread:
    creator = creator_of(request.user)
    return get_object_or_404(
        Thread.objects.select_related("creator", "partner"), pk=thread_id, creator=creator
    )


PANEL_REQUESTS = 10


def _panel_context(request, thread, requests=None):
    """The creator profile panel; `requests` is the pair's newest requests when the
    conversation already fetched them (one query for both)."""
    partner = thread.partner
    lead = lead_selectors.lead_for_creator(partner=partner, creator=thread.creator)
    if requests is None:
        requests = selectors.collaboration_request_recent(thread=thread, limit=PANEL_REQUESTS)
    return {
        "thread": thread,
        "lead": lead,
        "in_pool": lead is not None and lead.in_pool,
        "requests": requests[:PANEL_REQUESTS],
        "now": timezone.now(),
    }


def _int(value) -> int:
    """A message id from the query or form; anything that is not one counts as 0."""
    return id_parse(value) or 0


def _before_id(request) -> int | None:
    """`?before=<message id>` pages back through older messages; anything else is ignored."""
    return _int(request.GET.get("before")) or None


def _poller_context(thread, side, last_id) -> dict:
    return {"last_id": last_id, "poll_token": poll_token(thread_id=thread.pk, side=side)}


def _conversation_context(request, thread, side, body="", error="", before=None, requests=None):
    messages_shown, has_older = selectors.message_recent(thread=thread, before_id=before)
    return {
        "thread": thread,
        "side": side,
        "messages_shown": messages_shown,
        "timeline": selectors.conversation_timeline(
            thread=thread,
            messages=messages_shown,
            has_older=has_older,
            archive=before is not None,
            recent_requests=requests,
        ),
        "has_older": has_older,
        "older_than": messages_shown[0].pk if has_older else None,
        # Looking at older messages: no polling (it would append out of order), and the
        # send box posts normally and comes back to the latest messages.
        "archive": before is not None,
        **_poller_context(thread, side, messages_shown[-1].pk if messages_shown else 0),
        "body": body,
        "error": error,
        "max_length": MESSAGE_MAX_LENGTH,
    }


def _older_than(request) -> tuple[dt.datetime, int] | None:
    """`?older=<cursor>` (core.cursors): the thread list from after that thread (its last
    activity and id, so a thread that moves up meanwhile shifts nothing). Anything else is the
    first page."""
    return cursor_parse(request.GET.get("older", ""))


def _older_cursor(thread) -> str:
    return cursor_text(thread.last_activity, thread.pk)


def _shown_threads(threads, request=None) -> dict:
    """A page of the thread list (one query), from `?older=` when paging, and the cursor of
    the next page when older threads follow."""
    older_than = _older_than(request) if request is not None else None
    rows, more = selectors.thread_page(threads(older_than))
    return {
        "threads": rows,
        "older_threads": _older_cursor(rows[-1]) if more else "",
        "paging_threads": older_than is not None,
    }


@seller_required
def inbox(request, thread_id=None):
    """The seller's thread list (All / Leads, search) and the open conversation."""
    partner = seller_partner(request.user)
    handle = request.GET.get("creator", "").strip().lstrip("@")
    if handle and thread_id is None:
        # A link (GET) never opens a thread: the start page does, by POST, when there is none.
        return redirect("im:start", handle=handle)
    show = "leads" if request.GET.get("filter") == "leads" else "all"
    query = request.GET.get("q", "")[:64]
    context = {"nav": "im", "show": show, "q": query, "current": None}
    if thread_id is not None:
        thread = _seller_thread(request, thread_id)
        requests = selectors.collaboration_request_recent(thread=thread)
        context.update(
            _conversation_context(
                request, thread, Side.SELLER, before=_before_id(request), requests=requests
            )
        )
        context.update(_panel_context(request, thread, requests=requests))
        context["current"] = thread.pk
    # The open thread shows no unread badge (the conversation POSTs its read mark on load).
    context.update(
        _shown_threads(
            lambda older_than: selectors.thread_list_for_partner(
                partner=partner,
                is_lead=True if show == "leads" else None,
                search=query,
                older_than=older_than,
            ),
            request,
        )
    )
    return render(request, "im/inbox.html", context)


def _send(request, thread, side, template):
    body = request.POST.get("body", "")
    # The API's message limit applies here too, on the same budget; the text is kept.
    wait = page_post_throttled(request, scope="message")
    try:
        if wait is not None:
            raise ValidationError({"body": [too_fast_message(wait, "messages")]})
        message = services.message_send(thread=thread, sender=request.user, side=side, body=body)
    except ValidationError as exc:
        status = 400 if wait is None else 429
        context = _conversation_context(
            request, thread, side, body=body, error=" ".join(exc.message_dict["body"])
        )
        if request.htmx:
            # The page has shown messages up to what it posted; keep that as the mark.
            context.update(_poller_context(thread, side, _int(request.POST.get("after"))))
            return render(request, "im/_send_form.html", context, status=status)
        return render(
            request, template, {**_page_context(request, thread, side), **context}, status=status
        )
    if request.htmx:
        new = selectors.message_after(thread=thread, after_id=_int(request.POST.get("after")))
        return render(
            request,
            "im/_sent.html",
            {
                "thread": thread,
                "side": side,
                "messages_shown": new,
                **_poller_context(thread, side, new[-1].pk if new else message.pk),
                "max_length": MESSAGE_MAX_LENGTH,
                # The thread list: this conversation moves to the top with its new snippet.
                "sent_row": _thread_row(thread, side),
                "side_url": "creator" if side == Side.CREATOR else "seller",
                "current": thread.pk,
            },
        )
    name = "im:thread" if side == Side.SELLER else "im_creator:thread"
    return redirect(name, thread_id=thread.pk)


def _thread_row(thread, side) -> Thread | None:
    """The thread as its list shows it (unread count, lead flag), after a send: one query."""
    if side == Side.SELLER:
        threads = selectors.thread_list_for_partner(partner=thread.partner)
    else:
        threads = selectors.thread_list_for_creator(creator=thread.creator)
    return threads.filter(pk=thread.pk).first()


def _page_context(request, thread, side):
    if side == Side.SELLER:
        partner = seller_partner(request.user)
        return {
            "nav": "im",
            "show": "all",
            "q": "",
            "current": thread.pk,
            **_shown_threads(lambda older_than: selectors.thread_list_for_partner(partner=partner)),
            **_panel_context(request, thread),
        }
    return {
        "nav": "im",
        "current": thread.pk,
        **_shown_threads(
            lambda older_than: selectors.thread_list_for_creator(creator=thread.creator)
        ),
    }


@seller_required
def seller_thread_start(request, handle):
    """Chat with a creator from a lead: POST opens the thread or reuses it.

    GET goes to the thread if there is one, or shows a small page whose button POSTs here.
    """
    partner = seller_partner(request.user)
    creator = get_object_or_404(Creator, handle=handle)
    if request.method == "POST":
        thread, _ = services.thread_open(partner=partner, creator=creator)
        return redirect("im:thread", thread_id=thread.pk)
    existing = selectors.thread_get(partner=partner, creator=creator)
    if existing is not None:
        return redirect("im:thread", thread_id=existing.pk)
    lead = lead_selectors.lead_for_creator(partner=partner, creator=creator)
    return render(request, "im/seller_start.html", {"nav": "im", "creator": creator, "lead": lead})


@seller_required
@require_POST
def seller_send(request, thread_id):
    return _send(request, _seller_thread(request, thread_id), Side.SELLER, "im/inbox.html")


def _poll_nothing_new(request, thread_id, side) -> HttpResponse | None:
    """204 at once for a poll whose token is good and whose thread has nothing newer: one
    indexed probe, no session, no user (im/poll_token.py says why that is safe). None sends
    the poll through the full checks."""
    if not poll_token_valid(request.GET.get("t", ""), thread_id=thread_id, side=side):
        return None
    if selectors.message_any_after(thread_id=thread_id, after_id=_int(request.GET.get("after"))):
        return None
    return HttpResponse(status=204)


def _poll(request, thread, side):
    """The messages partial an open conversation fetches every 3 s (`?after=<last id>`).

    Polling rather than WebSockets or server-sent events: it is simple, works behind any
    proxy, and holds no long-lived connection, which gunicorn's sync workers cannot afford.
    204 (htmx swaps nothing) when there is nothing newer. It writes nothing: the messages it
    brings POST the read mark when htmx shows them.
    """
    new = selectors.message_after(thread=thread, after_id=_int(request.GET.get("after")))
    if not new:
        return HttpResponse(status=204)
    return render(
        request,
        "im/_poll.html",
        {
            "thread": thread,
            "side": side,
            "messages_shown": new,
            **_poller_context(thread, side, new[-1].pk),
        },
    )


def seller_poll(request, thread_id):
    return _poll_nothing_new(request, thread_id, Side.SELLER) or _seller_poll(request, thread_id)


@seller_required
def _seller_poll(request, thread_id):
    return _poll(request, _seller_thread(request, thread_id), Side.SELLER)


def _read_answer(request, **owner):
    """After a read mark: htmx gets the navigation's unread figure anew (out of band)."""
    if not request.htmx:
        return HttpResponse(status=204)
    return HttpResponse(unread_badge(selectors.unread_thread_count(**owner), oob=True))


@seller_required
@require_POST
def seller_read(request, thread_id):
    """The conversation is shown: everything in it counts as read by the seller side."""
    thread = _seller_thread(request, thread_id)
    services.thread_mark_read(thread=thread, side=Side.SELLER)
    return _read_answer(request, partner=thread.partner)


@seller_required
@require_POST
def lead_toggle(request, thread_id, action):
    """ "Add to leads" / "Remove from leads" from the creator profile panel."""
    thread = _seller_thread(request, thread_id)
    if action == "add":
        lead_add(partner=thread.partner, creator=thread.creator, user=request.user)
    else:
        lead_remove_for_creator(partner=thread.partner, creator=thread.creator, user=request.user)
    if request.htmx:
        return render(request, "im/_profile_panel.html", _panel_context(request, thread))
    return redirect("im:thread", thread_id=thread.pk)


@creator_required
def creator_inbox(request, thread_id=None):
    """The creator's own threads (partner, last message, unread) and the open conversation."""
    creator = creator_of(request.user)
    context = {"nav": "im", "current": None}
    if thread_id is not None:
        thread = _creator_thread(request, thread_id)
        context.update(
            _conversation_context(request, thread, Side.CREATOR, before=_before_id(request))
        )
        context["current"] = thread.pk
    context.update(
        _shown_threads(
            lambda older_than: selectors.thread_list_for_creator(
                creator=creator, older_than=older_than
            ),
            request,
        )
    )
    return render(request, "im/creator_inbox.html", context)


@creator_required
@require_POST
def creator_send(request, thread_id):
    return _send(
        request, _creator_thread(request, thread_id), Side.CREATOR, "im/creator_inbox.html"
    )


def creator_poll(request, thread_id):
    return _poll_nothing_new(request, thread_id, Side.CREATOR) or _creator_poll(request, thread_id)


@creator_required
def _creator_poll(request, thread_id):
    return _poll(request, _creator_thread(request, thread_id), Side.CREATOR)


@creator_required
@require_POST
def creator_read(request, thread_id):
    """The conversation is shown: everything in it counts as read by the creator side."""
    thread = _creator_thread(request, thread_id)
    services.thread_mark_read(thread=thread, side=Side.CREATOR)
    return _read_answer(request, creator=thread.creator)


@creator_required
def creator_thread_start(request, partner_id):
    """Chat with a partner in IM: POST opens the thread or reuses it (any tier may chat).

    GET goes to the thread if there is one, or shows a small page whose button POSTs here.
    """
    try:
        partner = partner_listed_get(partner_id=partner_id)
    except Partner.DoesNotExist:
        raise Http404 from None
    creator = creator_of(request.user)
    if request.method == "POST":
        thread, _ = services.thread_open(partner=partner, creator=creator)
        return redirect("im_creator:thread", thread_id=thread.pk)
    existing = selectors.thread_get(partner=partner, creator=creator)
    if existing is not None:
        return redirect("im_creator:thread", thread_id=existing.pk)
    return render(request, "im/start.html", {"nav": "im", "partner": partner})
