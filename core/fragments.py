"""Rendered page regions, served again exactly while nothing they show can differ.

A page's region (the Leads Pool's body, a lead's detail, the partner directory's cards) is
stored under a key that the page builds from everything the region reads: the versions of the
rows it shows, who asks, the query, the templates' source and a clock slice. A write moves a
version, so the next request renders afresh; no entry is ever invalidated by hand.

What no version covers is the clock. An entry carries the time it stops being exact
(`valid_until`): the end of its clock slice, or earlier, the first moment something on it
changes with time alone (a lead's licensed data ending, a task falling due). Past it, the entry
is not served.

The request's CSRF token is stored as a mark and filled in for each request, so one entry
serves every session that may see it.
"""

import datetime as dt
import functools
import hashlib

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template

CSRF_MARK = "\ue000csrf-token\ue000"
FRAGMENT_SECONDS = 5 * 60  # an entry's time in the cache at most (its clock slice is shorter)
CLOCK_SLICE_SECONDS = 15  # what moves with the clock alone is at most this late


@functools.cache
def templates_digest(names: tuple[str, ...]) -> str:
    """A digest of these templates' source: a deploy or an edit never serves an old region."""
    sources = []
    for name in names:
        template = get_template(name)
        sources.append(getattr(getattr(template, "template", template), "source", name))
    return hashlib.sha1("\0".join(sources).encode()).hexdigest()[:12]


def clock_slice(now: dt.datetime) -> tuple[int, dt.datetime]:
    """The clock slice `now` is in, and when it ends."""
    number = int(now.timestamp()) // CLOCK_SLICE_SECONDS
    ends = dt.datetime.fromtimestamp((number + 1) * CLOCK_SLICE_SECONDS, tz=dt.UTC)
    return number, ends


def fragment_key(kind: str, *, templates: tuple[str, ...], state) -> str:
    """The key of a region: its kind, its templates' digest and a digest of its state (a
    repr-able value holding everything the region reads)."""
    digest = hashlib.sha1(repr(state).encode()).hexdigest()
    return f"fragment:{kind}:{templates_digest(templates)}:{digest}"


def fragment_csrf_token(request) -> str:
    """The CSRF token to render a region with (pass it as the context's `csrf_token`, so the
    region holds this one and it can be stored as the mark)."""
    return get_token(request)


def fragment_get(key: str, *, csrf_token: str, now: dt.datetime) -> tuple[str, dict] | None:
    """The stored region with this CSRF token, and the facts stored beside it (what the page
    around it shows, say its title); None when there is none or it is no longer exact at
    `now`."""
    entry = cache.get(key)
    if not entry:
        return None
    valid_until, html, extra = entry
    if now >= valid_until:
        return None
    return html.replace(CSRF_MARK, csrf_token), extra


def fragment_set(
    key: str, html: str, *, csrf_token: str, valid_until: dt.datetime, extra: dict | None = None
) -> None:
    """Store a region rendered with `csrf_token`, exact until `valid_until`, and `extra`."""
    entry = (valid_until, html.replace(csrf_token, CSRF_MARK), extra or {})
    cache.set(key, entry, FRAGMENT_SECONDS)


def fragment_valid_until(now: dt.datetime, times) -> dt.datetime:
    """Until when a region rendered at `now` is exact: the end of its clock slice, or the
    first of `times` (when something on it changes with the clock: None skipped) after `now`
    if that comes sooner."""
    ends = clock_slice(now)[1]
    later = [at for at in times if at is not None and now < at < ends]
    return min(later) if later else ends


def model_state(obj) -> tuple:
    """A row's state for a key: its concrete fields' values (None: no row)."""
    if obj is None:
        return ()
    return tuple(getattr(obj, field.attname, None) for field in obj._meta.concrete_fields)


def fragment_exact_until(now: dt.datetime) -> dt.datetime:
    """For a region whose key holds everything it shows, clock included: as long as it is
    kept."""
    return now + dt.timedelta(seconds=FRAGMENT_SECONDS)
