import datetime as dt

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from core.clock import utc_text
from core.html import csrf_field
from core.templatetags.people import person_name
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
    events, and the same line as template markup costs several times more to render. Names
    are escaped; the rest is this module's own text."""
    moved = ""
    if event.kind == "assigned" and event.text and not event.actor_id:
        # Made by an assignment rule (routing): the event's text is the rule's name.
        after = person_name(event.to_owner) if event.to_owner_id else "no one"
        return mark_safe(  # noqa: S308 - every inserted value is escaped or a <time> built here
            f"{utc_time(event.created_at)} UTC · <strong>Assigned to {escape(after)}</strong>"
            f" by rule {escape(event.text)}"
        )
    if event.kind == "assigned":
        before = person_name(event.from_owner) if event.from_owner_id else "no one"
        after = person_name(event.to_owner) if event.to_owner_id else "no one"
        moved = f": from {escape(before)} to {escape(after)}"
    elif event.from_status and event.to_status and event.from_status != event.to_status:
        before, after = status_label(event.from_status), status_label(event.to_status)
        moved = f": from {escape(before)} to {escape(after)}"
    actor = person_name(event.actor) if event.actor_id else "the system"
    return mark_safe(  # noqa: S308 - every inserted value is escaped or a <time> built here
        f"{utc_time(event.created_at)} UTC · <strong>{escape(event.get_kind_display())}</strong>"
        f" by {escape(actor)}{moved}"
    )


@register.simple_tag
def utc_time(value) -> str:
    """`<time datetime="2026-11-20T12:00:00+00:00">Nov 20, 2026 12:00</time>`: the pages' UTC
    clock, as `|date:"M j, Y H:i"` shows it, without the date filter's per-call cost (a lead's
    history and notes format hundreds of times a page)."""
    if value is None:
        return ""
    iso = value.astimezone(dt.UTC).isoformat()
    return mark_safe(  # noqa: S308 - digits and month names only
        f'<time datetime="{iso}">{utc_text(value, year=True)}</time>'
    )


# Constant attributes of the note forms (the detail's forms carry the same): the answer swaps
# only what changed, out of band, and the detail's forms queue behind each other (lead.js
# drops a form's own second submit), so nothing typed elsewhere is replaced or lost.
NOTE_FORM_SYNC = mark_safe('hx-sync="#lead-detail:queue all" hx-disabled-elt="find button"')
NOTE_FORM_TARGET = mark_safe('hx-swap="none"')


@register.simple_tag(takes_context=True)
def note_item(context, note) -> str:
    """One note of the lead detail, built in Python like the history's lines: with 50 notes,
    each with its edit and delete forms, the same markup as template code was most of the
    page's time. `_detail_notes.html` documents the markup."""
    lead, user = context["lead"], context["user"]
    pool_url = context.get("pool_url")
    pool = format_html('<input type="hidden" name="pool" value="{}">', pool_url) if pool_url else ""
    edited = " · edited" if note.updated_at > note.created_at else ""
    author = person_name(note.author) if note.author_id else "a former user"
    head = format_html(
        '<p class="small muted">{} · {} UTC{}</p><p class="note-body">{}</p>',
        author,
        utc_time(note.created_at),
        edited,
        linebreaksbr(note.body, autoescape=True),
    )
    forms = ""
    if note.author_id == user.pk:
        csrf = csrf_field(context)
        edit_url = reverse("leads:note_edit", args=[lead.pk, note.pk])
        delete_url = reverse("leads:note_delete", args=[lead.pk, note.pk])
        editing = context.get("note_edit_id") == note.pk
        error = context.get("note_edit_error") if editing else None
        forms = format_html(
            '<details{}><summary class="small">Edit</summary>'
            '<form method="post" action="{}" hx-post="{}" {} {}>{}{}'
            '<label for="note-edit-{}" class="sr-only">Edit your note</label>'
            '<textarea id="note-edit-{}" name="body" rows="2" maxlength="5000" hx-preserve>'
            "{}</textarea>"
            "{}"
            '<button type="submit" class="small">Save note</button></form></details>'
            '<form method="post" action="{}" hx-post="{}" {} class="inline" {}>{}{}'
            '<button type="submit" class="danger small" data-confirm="Delete this note?">'
            "Delete note</button></form>",
            " open" if editing else "",
            edit_url,
            edit_url,
            NOTE_FORM_TARGET,
            NOTE_FORM_SYNC,
            csrf,
            pool,
            note.pk,
            note.pk,
            note.body,
            format_html('<div class="error" role="alert">{}</div>', error) if error else "",
            delete_url,
            delete_url,
            NOTE_FORM_TARGET,
            NOTE_FORM_SYNC,
            csrf,
            pool,
        )
    return format_html(
        '<li id="note-{}" data-testid="note" data-note="{}">{}{}</li>',
        note.pk,
        note.pk,
        head,
        forms,
    )
