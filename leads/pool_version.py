"""The pool version: one home for the key of the Leads Pool's cached counts and pages.

A partner's pool version (`LeadPoolVersion`) says how many times what its pool shows has
changed. Both caches are keyed by it: the exact counts and stats (`selectors`) and the served
list pages (`api/pool_cache.py`). So:

- **Bump:** every service that writes a partner's leads, notes, request messages, or what the
  rows show (a creator's name, an owner's name) calls `pool_version_bump` by name, inside its
  transaction and after its writes. No model signal does it: `update()`, bulk statements and
  raw SQL skip signals, and a reader should see every consequence of a write in its service.
  `tests/leads/test_pool_version.py` walks every writing service and fails when one commits
  without a bump.
- **Read:** `pool_version` reads it in the same database as the rows counted. A request that
  writes nothing (GET, HEAD, OPTIONS: reads never write, and a test holds every GET to that)
  uses the copy loaded with its user at the start of the request; any other request reads
  the row, so a write earlier in the same request is seen.
- **Keys:** `pool_cache_key` builds the key of both caches.
- **What may be cached:** `CACHEABLE_FILTERS`, the pool filters whose result depends only on
  the leads' rows, not on the time or on who asks.
"""

import hashlib

from django.db import connection
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

_UPSERT = "ON CONFLICT (partner_id) DO UPDATE SET version = {table}.version + 1"


def pool_version_bump(*, partner_ids=None, create: bool = True) -> None:
    """These partners' pools changed (every partner's when None): add one to their versions,
    so their cached counts and pages are computed again.

    Call it in the writer's transaction, after its writes: readers see the new version exactly
    when they see the new rows, and the version row stays locked until commit. `create=False`
    only bumps existing rows (a lead deleted with its partner must not recreate the row).
    """
    table = LeadPoolVersion._meta.db_table
    upsert = _UPSERT.format(table=table)
    if partner_ids is not None and not create:
        LeadPoolVersion.objects.filter(partner_id__in=set(partner_ids)).update(
            version=F("version") + 1
        )
        return
    # Raw for the upsert: one statement per partner whether or not its row exists yet.
    with connection.cursor() as cursor:
        if partner_ids is None:
            cursor.execute(
                f"INSERT INTO {table} (partner_id, version) "
                f"SELECT id, 1 FROM {Partner._meta.db_table} WHERE 1 = 1 {upsert}"
            )
            return
        for partner_id in sorted(set(partner_ids)):
            cursor.execute(
                f"INSERT INTO {table} (partner_id, version) VALUES (%s, 1) {upsert}", [partner_id]
            )


def pool_version_bump_for_leads(*, lead_ids, create: bool = True) -> None:
    """What these leads show changed without a write to their rows (a note, a request
    message): bump their partners."""
    partner_ids = set(
        Lead.objects.filter(pk__in=set(lead_ids)).values_list("partner_id", flat=True)
    )
    if partner_ids:
        pool_version_bump(partner_ids=partner_ids, create=create)


def pool_version_bump_for_staff(*, user_id, create: bool = True) -> None:
    """A staff user was renamed or deleted: rows show owners by name, so bump their partner
    (an owner is always staff of the lead's partner)."""
    partner_ids = staff_partner_ids(user_ids=[user_id])
    if partner_ids:
        pool_version_bump(partner_ids=partner_ids, create=create)


def pool_version(*, partner, using: str | None = None, request=None) -> int:
    """The partner's pool version; 0 before its first write.

    The copy loaded with the user (settings.USER_RELATIONS) serves a request that writes
    nothing (`request`'s method is a read) and reads the same database; otherwise the row is
    read from `using`: a version must come from the database of the rows it versions, or a
    lagging replica's old count
    could be cached under the new version.
    """
    loaded = Partner.lead_pool_version.is_cached(partner)
    same_db = using is None or using == partner._state.db
    reading = request is not None and request.method in _READ_ONLY_METHODS
    if loaded and same_db and reading:
        try:
            return partner.lead_pool_version.version
        except LeadPoolVersion.DoesNotExist:
            return 0
    versions = LeadPoolVersion.objects.using(using) if using else LeadPoolVersion.objects
    return versions.filter(partner=partner).values_list("version", flat=True).first() or 0


def pool_cache_key(kind: str, *, partner, version: int, question: str) -> str:
    """The key of a cached pool figure or page: its kind, the partner, the version and a
    digest of the question (the filters, or the page's query and who asks)."""
    digest = hashlib.sha1(question.encode()).hexdigest()
    return f"leads:{kind}:{partner.pk}:{version}:{digest}"
