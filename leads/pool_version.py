"""The pool version: one home for the keys of the Leads Pool's cached counts and pages.

A partner's pool version (`LeadPoolVersion`) says how many times what its pool shows has
changed. The caches are keyed by it: the served list pages (`api/pool_cache.py`) by
`version`, which every write moves; the exact counts and stats (`selectors`) by one of two
count versions, which move only with what a count selects by. So:

- **Bump:** every service that writes a partner's leads, notes, request messages, or what the
  rows show (a creator's name, an owner's name) calls `pool_version_bump` by name, inside its
  transaction and after its writes. No model signal does it: `update()`, bulk statements and
  raw SQL skip signals, and a reader should see every consequence of a write in its service.
  `tests/leads/test_pool_version.py` walks every writing service and fails when one commits
  without a bump, or with a bump too narrow for what it changed.
- **What a write changed** (`change=`): `ALL` (the default, always safe) moves every version;
  `STATUS` (a lead's status and what comes with it: the collaborating stamp, the close
  reason) moves `version` and `status_counts_version`; `ROWS` (what a row shows but no cached
  count selects by: a note, the owner, a request message) moves `version` only. A note or an
  owner change so keeps every count warm, and a status change keeps the counts that do not
  ask for a status (the unfiltered pool, a tier, a search). `owner` is not a cached filter
  (`CACHEABLE_FILTERS`), which is what lets an owner change be `ROWS`.
- **Which leads** (`lead_ids=`): a narrow write of named leads (a note, an owner, a status)
  records, after commit, the only leads whose rows it changed; the served list pages that hold
  none of them are carried to the new version (`api/pool_cache.py`, `list_cache_carry`).
- **Read:** `pool_version` / `pool_count_version` read it in the same database as the rows
  counted. A request that writes nothing (GET, HEAD, OPTIONS: reads never write, and a test
  holds every GET to that) uses the copy loaded with its user at the start of the request;
  any other request reads the row, so a write earlier in the same request is seen.
- **Keys:** `pool_cache_key` builds the key of every cache.
- **What may be cached:** `CACHEABLE_FILTERS`, the pool filters whose result depends only on
  the leads' rows, not on the time or on who asks.
"""

import hashlib

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F

from creators.models import Partner
from creators.selectors import staff_partner_ids

from .models import Lead, LeadPoolVersion

# A filter added later is computed every time until it is listed here.
CACHEABLE_FILTERS = frozenset(
    {
        "tier",
        "followers",
        "followers_min",
        "followers_max",
        "source",
        "status",
        "search",
        "requested_after",
        "requested_before",
    }
)
_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# What a write changed: which versions it moves (see the module's docstring).
ALL = "all"
STATUS = "status"
ROWS = "rows"
_MOVES = {
    ALL: ("version", "counts_version", "status_counts_version"),
    STATUS: ("version", "status_counts_version"),
    ROWS: ("version",),
}
# Count questions that ask for a status (and the stats, which count by status) are keyed by
# `status_counts_version`; any other by `counts_version`.
STATUS_FILTERS = frozenset({"status"})


# Which leads the write behind a version changed (`lead_ids`), kept for the served pages'
# carry-over (api/pool_cache.py): a page holding none of them is still exact.
CHANGED_SECONDS = 10 * 60


def changed_leads_key(partner_id: int, version: int) -> str:
    return f"leads:changed:{partner_id}:{version}"


def _changed_leads_record(partner_id: int, version: int, lead_ids) -> None:
    """After commit: the leads whose rows the write that made `version` changed. Never before
    (a rolled back write's version number is taken again by the next write), and a version
    without a record counts as "anything may have changed"."""
    key, ids = changed_leads_key(partner_id, version), sorted(set(lead_ids))
    transaction.on_commit(lambda: cache.set(key, ids, CHANGED_SECONDS))


def pool_version_bump(
    *, partner_ids=None, create: bool = True, change: str = ALL, lead_ids=None
) -> None:
    """These partners' pools changed (every partner's when None): add one to their versions,
    so their cached pages (and, unless `change` says the write moved no count, their cached
    counts) are computed again.

    Call it in the writer's transaction, after its writes: readers see the new version exactly
    when they see the new rows, and the version row stays locked until commit. `create=False`
    only bumps existing rows (a lead deleted with its partner must not recreate the row).

    `lead_ids`, for a write narrower than `ALL`: the only leads whose rows it changed (every
    other row reads the same). Served pages holding none of them are carried to the new
    version; without it, every page is computed again.
    """
    columns = _MOVES[change]
    table = LeadPoolVersion._meta.db_table
    if partner_ids is not None and not create:
        LeadPoolVersion.objects.filter(partner_id__in=set(partner_ids)).update(
            **{column: F(column) + 1 for column in columns}
        )
        return
    # Raw for the upsert: one statement per partner whether or not its row exists yet.
    moved = ", ".join(f"{column} = {table}.{column} + 1" for column in columns)
    names = ", ".join(columns)
    ones = ", ".join("1" for _ in columns)
    upsert = f"ON CONFLICT (partner_id) DO UPDATE SET {moved}"
    with connection.cursor() as cursor:
        if partner_ids is None:
            cursor.execute(
                f"INSERT INTO {table} (partner_id, {names}) "
                f"SELECT id, {ones} FROM {Partner._meta.db_table} WHERE 1 = 1 {upsert}"
            )
            return
        named = lead_ids is not None and change != ALL
        for partner_id in sorted(set(partner_ids)):
            cursor.execute(
                f"INSERT INTO {table} (partner_id, {names}) VALUES (%s, {ones}) {upsert}"
                " RETURNING version",
                [partner_id],
            )
            (version,) = cursor.fetchone()
            if named:
                _changed_leads_record(partner_id, version, lead_ids)


def pool_version_bump_for_leads(*, lead_ids, create: bool = True, change: str = ALL) -> None:
    """What these leads show changed without a write to their rows (a note, a request
    message): bump their partners."""
    partner_ids = set(
        Lead.objects.filter(pk__in=set(lead_ids)).values_list("partner_id", flat=True)
    )
    if partner_ids:
        pool_version_bump(partner_ids=partner_ids, create=create, change=change, lead_ids=lead_ids)


def pool_version_bump_for_staff(*, user_id, create: bool = True) -> None:
    """A staff user was renamed or deleted: rows show owners by name, so bump their partner
    (an owner is always staff of the lead's partner)."""
    partner_ids = staff_partner_ids(user_ids=[user_id])
    if partner_ids:
        pool_version_bump(partner_ids=partner_ids, create=create)


def _versions(*, partner, using: str | None, request) -> tuple[int, int, int]:
    """(version, counts_version, status_counts_version); zeros before the partner's first
    write.

    The copy loaded with the user (settings.USER_RELATIONS) serves a request that writes
    nothing (`request`'s method is a read) and reads the same database; otherwise the row is
    read from `using`: a version must come from the database of the rows it versions, or a
    lagging replica's old count could be cached under the new version.
    """
    loaded = Partner.lead_pool_version.is_cached(partner)
    same_db = using is None or using == partner._state.db
    reading = request is not None and request.method in _READ_ONLY_METHODS
    if loaded and same_db and reading:
        try:
            row = partner.lead_pool_version
        except LeadPoolVersion.DoesNotExist:
            return 0, 0, 0
        return row.version, row.counts_version, row.status_counts_version
    versions = LeadPoolVersion.objects.using(using) if using else LeadPoolVersion.objects
    found = (
        versions.filter(partner=partner)
        .values_list("version", "counts_version", "status_counts_version")
        .first()
    )
    return found or (0, 0, 0)


def pool_version(*, partner, using: str | None = None, request=None) -> int:
    """The partner's pool version, which every write moves (the key of served pages); 0
    before its first write."""
    return _versions(partner=partner, using=using, request=request)[0]


def pool_count_version(
    *, partner, filters, using: str | None = None, request=None, by_status: bool = False
) -> str:
    """The version a count over these filters (names) is keyed by: `s<n>` when it asks for a
    status (or counts by status: `by_status`), else `c<n>`. Only writes that can change the
    count move it."""
    _, counts, status_counts = _versions(partner=partner, using=using, request=request)
    if by_status or STATUS_FILTERS & set(filters):
        return f"s{status_counts}"
    return f"c{counts}"


def pool_cache_key(kind: str, *, partner, version: int | str, question: str) -> str:
    """The key of a cached pool figure or page: its kind, the partner, the version and a
    digest of the question (the filters, or the page's query and who asks)."""
    digest = hashlib.sha1(question.encode()).hexdigest()
    return f"leads:{kind}:{partner.pk}:{version}:{digest}"
