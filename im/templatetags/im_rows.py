"""The two rows IM repeats by the hundred: a message and a thread in the list.

Rendered here with `format_html` rather than as included templates: profiling the 5,000-message
thread page showed Django's template engine spending about 0.15 ms per message row and 0.3 ms
per thread row (variable lookups, the `date` filter, the include), most of the page's time;
these tags do the same markup in a few microseconds (docs/scaling.md, "IM at scale"). Each
value goes through `format_html`, so everything is escaped as a template would.
"""

import datetime as dt

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.clock import utc_text

register = template.Library()

_LEAD_BADGE = mark_safe(' <span class="badge status-new">Lead</span>')


def utc_short(moment: dt.datetime | None) -> str:
    """`Nov 5, 14:03 UTC`, as `{{ moment|date:"M j, H:i" }} UTC` shows it."""
    return f"{utc_text(moment)} UTC" if moment is not None else ""


@register.simple_tag(takes_context=True)
def message_row(context, message):
    """One message of a conversation; `side` (the reader's) decides which are "mine"."""
    thread = context["thread"]
    side = context["side"]
    author = thread.partner.name if message.side == "seller" else f"@{thread.creator.handle}"
    return format_html(
        '<li class="message{}" data-id="{}"><span class="meta">{} · {}</span>{}</li>',
        " mine" if message.side == side else "",
        message.pk,
        author,
        utc_short(message.created_at),
        message.body,
    )


@register.simple_tag(takes_context=True)
def thread_row(context, thread):
    """One conversation in a thread list (the seller's or the creator's)."""
    creator_side = context.get("side_url") == "creator"
    current = context.get("current")
    if creator_side:
        who = format_html("<strong>{}</strong>", thread.partner.name)
        avatar = thread.partner.name
    else:
        creator = thread.creator
        avatar = creator.name
        who = format_html(
            '<strong>{}</strong> <span class="badge tier-{}">{}</span>{}',
            creator.name,
            creator.tier,
            creator.tier_label,
            _LEAD_BADGE if thread.is_lead else "",
        )
    unread = ""
    if thread.unread_count and thread.pk != current:
        unread = format_html(
            '<span class="badge badge-count" title="unread">{}</span>', thread.unread_count
        )
    return format_html(
        '<li id="thread-{}"><a href="{}{}/"{} data-handle="{}">'
        '<span class="avatar" aria-hidden="true">{}</span>'
        "<span>{}\n      {}<br>\n"
        '      <span class="muted small">{}</span><br>\n'
        '      <span class="muted small">{}</span></span></a></li>',
        thread.pk,
        context["list_url"],
        thread.pk,
        mark_safe(' aria-current="true"') if thread.pk == current else "",
        thread.creator.handle,
        (avatar or "?")[:1].upper(),
        who,
        unread,
        truncatechars(thread.last_message_body, 60) or "No messages yet",
        utc_short(thread.last_message_at),
    )
