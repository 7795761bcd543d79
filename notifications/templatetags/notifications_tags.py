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
    links = ""
    if n.link:
        label = "Open lead" if n.lead_id else "Open"
        links = format_html(' · <a href="{}" data-testid="open-lead">{}</a>', n.link, label)
    mark = ""
    if unread:
        mark = format_html(
            '<form method="post" action="{}" class="inline">{}'
            '<input type="hidden" name="next" value="{}"><input type="hidden" name="id" value="{}">'
            '<button type="submit" class="linklike" aria-label="Mark read: {}">Mark read</button>'
            "</form>",
            reverse("notifications_read_all"),
            csrf_field(context),
            context["request"].get_full_path(),
            n.pk,
            Truncator(n.text).chars(60),
        )
    return format_html(
        '<span class="badge{}">{}</span> <span class="when small">{} UTC</span>{}<br>{}{}{}',
        " badge-count" if unread else "",
        n.get_kind_display(),
        utc_text(n.created_at),
        mark_safe(' <span class="sr-only">(unread)</span>') if unread else "",
        n.text,
        links,
        mark,
    )
