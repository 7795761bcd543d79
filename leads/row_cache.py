"""The Leads Pool page's row cache: a rendered `leads/_row.html`, reused exactly while nothing
it shows can differ.

Profiling the pool page under load (docs/scaling.md, issue 22) showed its 25 rows' templates
taking about three quarters of the page's time: variable lookups, URL reversing, three CSRF
inputs and the owner picker per row. A row depends only on

- the lead as the page loaded it: its fields, its annotations (`notes_count`, `message`), its
  creator's fields and its owner's names;
- the time, through what `row_time_state` reads (the countdown text and class, whether the
  licensed data is still shown, whether its task is overdue): the same functions the template
  calls, so a row is served again only while they answer the same;
- the page's context that rows read (`ROW_CONTEXT`: the staff in the owner picker);
- the request's CSRF token (stored as a mark, filled in for each request);
- the templates' source (a deploy or an edit never serves an old row).

So the key is a digest of all of them, and the entry never needs invalidating: a lead whose
row changed has a new key (any write changes a field or an annotation), the old entry ages
out (`ROW_CACHE_SECONDS`). A context variable added to the row templates must be added to
`ROW_CONTEXT`, or rows would be shared across its values.
"""

import hashlib

from django.core.cache import cache

from core.fragments import CSRF_MARK, model_state, templates_digest

ROW_TEMPLATES = ("leads/_row.html", "leads/_row_creator.html", "leads/_row_select.html")
ROW_CONTEXT = ("staff",)
ROW_CACHE_SECONDS = 10 * 60
_ANNOTATIONS = ("notes_count", "message")


def _person(user) -> tuple:
    if user is None:
        return ()
    return (
        user.pk,
        user.get_username(),
        user.get_full_name(),
        getattr(user, "owner_name", ""),
        getattr(user, "is_active", True),
    )


def row_time_state(lead, now) -> tuple:
    """What a row shows that moves with the clock alone, by the row template's own filters."""
    from .templatetags.leads_tags import authorization_countdown, countdown_class

    due = lead.next_task_due_at
    return (
        authorization_countdown(lead, now),
        countdown_class(lead, now),
        lead.is_authorized(now),
        due is not None and due <= now,
    )


def _context_state(context) -> tuple:
    state = []
    for name in ROW_CONTEXT:
        value = context.get(name)
        if isinstance(value, list | tuple):
            state.append(tuple(_person(member) for member in value))
        else:
            state.append(repr(value))
    return tuple(state)


def row_cache_key(lead, *, now, context_state: tuple) -> str:
    """The key of this lead's rendered row as the page would render it now."""
    state = (
        model_state(lead),
        tuple(getattr(lead, name, None) for name in _ANNOTATIONS),
        model_state(getattr(lead, "creator", None)),
        _person(lead.owner) if lead.owner_id else (),
        row_time_state(lead, now),
        context_state,
    )
    digest = hashlib.sha1(repr(state).encode()).hexdigest()
    return f"leads:row:{templates_digest(ROW_TEMPLATES)}:{lead.pk}:{digest}"


def rows_cached(leads, *, now, context) -> tuple[dict, dict]:
    """The keys of these leads' rows (by lead id) and the cached HTML found (by key), in one
    round trip to the cache."""
    state = _context_state(context)
    keys = {lead.pk: row_cache_key(lead, now=now, context_state=state) for lead in leads}
    return keys, cache.get_many(list(keys.values()))


def row_cache_set(key: str, html: str, csrf_token: str) -> None:
    """Store a rendered row with its CSRF token replaced by the mark."""
    if csrf_token and csrf_token in html:
        cache.set(key, html.replace(csrf_token, CSRF_MARK), ROW_CACHE_SECONDS)


def row_cache_fill(html: str, csrf_token: str) -> str:
    """A cached row with this request's CSRF token."""
    return html.replace(CSRF_MARK, csrf_token)
