from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html

from leads.models import LeadStatus

register = template.Library()


@register.filter
def authorization_countdown(lead, now=None) -> str:
    """ "expires in 2 days 4 h", "expired", or "—" when the lead never had licensed data."""
    seconds = lead.authorization_seconds_left(now)
    if seconds is None:
        return "—"
    if seconds <= 0:
        return "expired"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"expires in {days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"expires in {hours} h {minutes} min"
    return f"expires in {max(minutes, 1)} min"


@register.filter
def countdown_class(lead, now=None) -> str:
    left = lead.authorization_seconds_left(now)
    if left is None:
        return ""
    if left <= 0:
        return "muted"
    return "countdown-soon" if left < 86400 else "countdown"


@register.filter
def initial(name: str) -> str:
    return (name or "?")[:1].upper()


@register.simple_tag
def query_with(request, **changes) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def status_label(key: str) -> str:
    """A pipeline status key as people read it ("contacted" → "Contacted")."""
    try:
        return LeadStatus(key).label
    except ValueError:
        return key


@register.simple_tag
def history_entry(event) -> str:
    """One line of a lead's history, built in Python: a lead's history runs to hundreds of
    events, and the same line as template markup costs several times more to render."""
    moved = ""
    if event.kind == "assigned":
        moved = format_html(
            ": from {} to {}",
            event.from_owner.get_username() if event.from_owner_id else "no one",
            event.to_owner.get_username() if event.to_owner_id else "no one",
        )
    elif event.from_status and event.to_status and event.from_status != event.to_status:
        moved = format_html(
            ": from {} to {}", status_label(event.from_status), status_label(event.to_status)
        )
    return format_html(
        '<time datetime="{}">{} UTC</time> · <strong>{}</strong> by {}{}',
        date_filter(event.created_at, "c"),
        date_filter(event.created_at, "M j, Y H:i"),
        event.get_kind_display(),
        event.actor.get_username() if event.actor_id else "the system",
        moved,
    )
