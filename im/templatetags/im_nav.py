"""The navigation's IM link figure: how many conversations have something unread."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import selectors

register = template.Library()


def unread_badge(count: int, *, oob: bool = False) -> str:
    """The figure's markup (empty span at 0); `oob` makes it an htmx out-of-band swap, sent
    with the read mark so the figure drops as soon as a conversation is shown."""
    inner = ""
    if count:
        inner = format_html(
            '<span class="badge badge-count">{}</span><span class="sr-only"> unread '
            "conversation{}</span>",
            "99+" if count > 99 else count,
            "" if count == 1 else "s",
        )
    return format_html(
        '<span class="nav-count" id="im-unread" data-testid="im-unread"{}>{}</span>',
        mark_safe(' hx-swap-oob="true"') if oob else "",
        inner,
    )


@register.simple_tag(takes_context=True)
def im_unread_badge(context) -> str:
    """One count (a partial index of unread threads) for the seller's partner or the creator."""
    role = context.get("role")
    if role == "seller" and context.get("partner") is not None:
        count = selectors.unread_thread_count(partner=context["partner"])
    elif role == "creator" and context.get("me_creator") is not None:
        count = selectors.unread_thread_count(creator=context["me_creator"])
    else:
        return ""
    return unread_badge(count)
