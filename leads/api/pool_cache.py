"""The Leads Pool list's page cache: a served page, reused exactly while it cannot differ.

`GET /api/v1/leads/` answers the same page to the same question until one of these happens,
and each one ends the cached page:

- a write to the partner's leads or to what their rows show (the lead's own fields, a note
  added or deleted, a creator's request message, the creator's handle, name or avatar, an
  owner's name): each bumps the partner's pool version in the writer's transaction
  (`leads.pool_version`), and the version is part of the key;
- a live authorization on the page ends (its licensed data must vanish at that instant): the
  entry's lifetime ends no later than the earliest live `authorization_expires_at` on the
  page;
- `LIST_CACHE_SECONDS` (60 s) pass: a bound on anything time-based this list does not know of.

The key: partner, pool version, the query's parameters (sorted by name; values in the order
sent, as a repeated `search` keeps the last one), the caller's user id when `owner` is asked
for (`owner=me`), and the scheme and host (avatar URLs are absolute). Only the parameters the
list knows are cached, and not the ones whose answer moves with the clock
(`expiring_within_hours`, `ordering=authorization_expires_at`): those pages are computed every
time. What is stored is the count, the page number and the serialized rows; `next` and
`previous` are built for each request.

Two layers under it keep writes cheap for the pages they did not touch: the page's ids and
count, keyed by the count version its question depends on (a note or an owner change keeps
them: the page is rebuilt with one primary-key query), and the carry-over
(`list_cache_carry`): a served page whose question no write since moved is served again under
the new version, with the rows of the leads those writes named (if it holds any) read again.
"""

import datetime as dt
import math
import time
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import router
from django.utils import timezone

from core.pagination import DeferredJoinPaginator

from ..models import Lead
from ..pool_version import (
    CACHEABLE_FILTERS,
    changed_leads_key,
    pool_cache_key,
    pool_count_version,
    pool_version,
)

LIST_CACHE_SECONDS = 60
# Ids of an obsolete count version are never read again; let the cache drop them.
IDS_CACHE_SECONDS = 24 * 60 * 60
# Bump when the list's representation changes: a shared cache outlives a deploy.
LIST_CACHE_FORMAT = 2
PAGE_PARAMS = frozenset({"page", "page_size"})
CACHEABLE_PARAMS = CACHEABLE_FILTERS | PAGE_PARAMS | {"owner", "ordering"}
CLOCK_ORDERINGS = frozenset({"authorization_expires_at"})


def _list_question(request) -> str | None:
    """What a list request asks, as one text (None: not cached)."""
    params = request.query_params
    names = set(params)
    if not names <= CACHEABLE_PARAMS:
        return None
    if CLOCK_ORDERINGS & set(params.getlist("ordering")):
        return None
    query = urlencode([(name, params.getlist(name)) for name in sorted(names)], doseq=True)
    caller = request.user.pk if "owner" in names else ""
    origin = f"{request.scheme}://{request.get_host()}"
    return f"{caller}|{origin}|{query}"


def _list_version(request, partner) -> int:
    return pool_version(partner=partner, using=router.db_for_read(Lead), request=request)


def list_cache_key(request, partner) -> str | None:
    """The cache key of this list request's page, or None when it must not be cached."""
    question = _list_question(request)
    if question is None:
        return None
    return pool_cache_key(
        f"list:{LIST_CACHE_FORMAT}",
        partner=partner,
        version=_list_version(request, partner),
        question=question,
    )


IDS_PARAMS = CACHEABLE_FILTERS | PAGE_PARAMS | {"ordering"}


def ids_cache_key(request, partner) -> str | None:
    """The key of this list request's page of ids, or None when its ids are not cached (call
    only for a request `list_cache_key` caches)."""
    params = request.query_params
    names = set(params)
    if not names <= IDS_PARAMS:
        return None
    filters = names - PAGE_PARAMS - {"ordering"}
    version = pool_count_version(
        partner=partner, filters=filters, using=router.db_for_read(Lead), request=request
    )
    query = urlencode([(name, params.getlist(name)) for name in sorted(names)], doseq=True)
    return pool_cache_key(
        f"list-ids:{LIST_CACHE_FORMAT}", partner=partner, version=version, question=query
    )


def ids_cache_get(key: str):
    """`(count, page number, ids)` of a page served before under this count version, or
    None. The question was valid when it was stored, and validity does not move with the
    rows (the same query string is the same question), so a hit needs no filterset."""
    return cache.get(key)


def ids_cache_set(key: str, *, count: int, number: int, ids: list) -> None:
    cache.set(key, (count, number, list(ids)), IDS_CACHE_SECONDS)


def page_from_ids(queryset, ids: list) -> list:
    """The page's leads, in the page's order, by their ids: one primary-key query. The
    queryset is the partner's pool (not the question's filters: the ids were selected by
    them under the same count version)."""
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


def list_cache_get(key: str):
    """`(count, page number, rows)` stored under `key` and still valid now, or None.

    The entry carries its own end: the backend's TTL (whole seconds, on the cache server's
    clock) only frees memory, and a page is never served at or past the instant it ends.
    """
    hit = cache.get(key)
    if hit is None:
        return None
    valid_until, count, number, rows = hit
    if timezone.now() >= valid_until:
        return None
    return count, number, rows


def valid_until_of(leads, shown_at):
    """Until when rows of `leads` serialized at `shown_at` may be served again."""
    valid_until = shown_at + dt.timedelta(seconds=LIST_CACHE_SECONDS)
    for lead in leads:
        expires = lead.authorization_expires_at
        if expires is not None and shown_at < expires < valid_until:
            valid_until = expires
    return valid_until


def _store(key: str, entry: tuple, valid_until) -> None:
    seconds = (valid_until - timezone.now()).total_seconds()
    if seconds > 0:
        cache.set(key, entry, math.ceil(seconds))


def list_cache_set(
    key: str,
    *,
    ids_key: str | None,
    request,
    partner,
    count: int,
    number: int,
    rows: list,
    leads,
    shown_at,
) -> None:
    """Store a served page until the earliest authorization that was live on it (at
    `shown_at`, the serializer's clock) ends, or `LIST_CACHE_SECONDS` after `shown_at`,
    whichever is sooner; and, for the carry-over, as the question's latest page with its
    version, its leads' ids and the ids key (the count version) they were selected under.
    No carry-over without an ids key (`owner=` questions: an owner change moves no count)."""
    valid_until = valid_until_of(leads, shown_at)
    rows = list(rows)
    _store(key, (valid_until, count, number, rows), valid_until)
    if ids_key is not None:
        version = _list_version(request, partner)
        ids = [lead.pk for lead in leads]
        latest = (version, ids_key, valid_until, count, number, rows, ids)
        _store(_latest_key(request, partner), latest, valid_until)


# A served page is carried over at most this many writes.
CARRY_VERSIONS = 64


def _latest_key(request, partner) -> str:
    return pool_cache_key(
        f"list-latest:{LIST_CACHE_FORMAT}",
        partner=partner,
        version="any",
        question=_list_question(request),
    )


# How long a request waits for the page another one is computing, and how long a claim
# lasts if its request dies (both well past a cold page's time under load).
CLAIM_WAIT_SECONDS = 0.5
CLAIM_SECONDS = 5


def list_cache_claim(key: str):
    """`(hit, claimed)` for a page not in the cache: `claimed` when this request is the one to
    compute it (call `list_cache_unclaim` after); else the page another request stored
    meanwhile, or None after `CLAIM_WAIT_SECONDS` (then compute it too).

    Without it, every request that asks for a page before the first has computed it computes
    it as well: after each status change, under load, each ask for a status question did."""
    claim = f"{key}:claim"
    if cache.add(claim, 1, CLAIM_SECONDS):
        return None, True
    deadline = time.monotonic() + CLAIM_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.005)
        hit = list_cache_get(key)
        if hit is not None:
            return hit, False
        if cache.get(claim) is None:  # its request ended without storing a page (a 400)
            return None, False
    return None, False


def list_cache_unclaim(key: str) -> None:
    cache.delete(f"{key}:claim")


def list_cache_carry(key: str, *, ids_key: str, request, partner, rows_of):
    """The question's latest served page, with the rows of the leads that the writes since
    changed read again: `(count, number, rows)`, stored again under `key`; or None.

    Exact because: its ids were selected under the same count version (so the same leads
    match, in the same order: no write since moved what the question counts or sorts by);
    each write since named the only leads whose rows it changed (`pool_version_bump`'s
    `lead_ids`, recorded after commit), and those on the page are read now
    (`rows_of(ids)`: `({id: row}, valid_until)`, or None when one left the pool); and the
    page's own end (an authorization on it ending, `LIST_CACHE_SECONDS`) has not come. A
    version without a record (a write that named no leads, or one not yet recorded) carries
    nothing.
    """
    latest = cache.get(_latest_key(request, partner))
    if latest is None:
        return None
    then, then_ids_key, valid_until, count, number, rows, ids = latest
    now_version = _list_version(request, partner)
    if then_ids_key != ids_key or not then < now_version <= then + CARRY_VERSIONS:
        return None
    if timezone.now() >= valid_until:
        return None
    keys = [changed_leads_key(partner.pk, version) for version in range(then + 1, now_version + 1)]
    changed = cache.get_many(keys)
    if len(changed) != len(keys):
        return None
    named = set().union(*(set(lead_ids) for lead_ids in changed.values()))
    stale = [pk for pk in ids if pk in named]
    if stale:
        fresh = rows_of(stale)
        if fresh is None or [row["id"] for row in rows] != ids:
            return None
        fresh_rows, fresh_until = fresh
        rows = [fresh_rows.get(pk, row) for pk, row in zip(ids, rows, strict=True)]
        valid_until = min(valid_until, fresh_until)
        latest = (now_version, ids_key, valid_until, count, number, rows, ids)
        _store(_latest_key(request, partner), latest, valid_until)
    _store(key, (valid_until, count, number, rows), valid_until)
    return count, number, rows


def cached_page(paginator, request, *, count: int, number: int):
    """Point a DRF paginator at page `number` of `count` rows (for its next/previous links)
    without querying: the rows come from the cache."""
    per_page = paginator.get_page_size(request)
    paginator.page = DeferredJoinPaginator([], per_page, count=count).page(number)
    paginator.request = request
    return paginator
