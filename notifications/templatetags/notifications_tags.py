from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from core.clock import utc_text
from core.html import csrf_field

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_item(context, n) -> str:
    """One notification of the notifications page, built in Python: the page shows up to a
    hundred (heads and their group previews), and the same markup as an included template
    was most of the page's time. Kind and time; the text; its link; for an unread one, a
    "Mark read" form. Text is escaped."""
    unread = not n.is_read
    actions = []
    if n.link:
        label = "Open lead" if n.lead_id else "Open"
        actions.append(format_html('<a href="{}" data-testid="open-lead">{}</a>', n.link, label))
    if unread:
        actions.append(
            format_html(
                '<form method="post" action="{}" class="inline">{}'
                '<input type="hidden" name="next" value="{}">'
                '<input type="hidden" name="id" value="{}">'
                '<button type="submit" class="linklike" aria-label="Mark read: {}">Mark read'
                "</button></form>",
                # The role's own address (/ec/notifications/read-all/ for a creator).
                reverse(context.get("urls", {}).get("read_all", "notifications_read_all")),
                csrf_field(context),
                context["request"].get_full_path(),
                n.pk,
                Truncator(n.text).chars(60),
            )
        )
    # Head, text and actions are separate blocks, with whitespace between them too, so the
    # text never runs into its actions ("…Leads PoolMark read"), read aloud or copied.
    return format_html(
        '<div class="notification-head"><span class="badge{}">{}</span> '
        '<span class="when small">{} UTC</span>{}</div> '
        '<p class="notification-text">{}</p>{}',
        " badge-count" if unread else "",
        n.get_kind_display(),
        utc_text(n.created_at),
        mark_safe(' <span class="sr-only">(unread)</span>') if unread else "",
        n.text,
        format_html(
            ' <div class="notification-actions">{}</div>',
            mark_safe(' <span aria-hidden="true">·</span> '.join(actions)),
        )
        if actions
        else "",
    )
