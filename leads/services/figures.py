"""The leads' copies of creator data: tier and followers (the pool's filter keys) and the
search text, kept in step with the creators."""

from django.db import connection

from creators.models import Creator

from ..models import Lead, creator_search_text
from ..pool_version import pool_version_bump


def lead_figures_sync(**kwargs) -> int:
    """Copy creators' refreshed tier and followers onto their leads (the pool's filter keys).

    Connected to `creators.signals.creator_figures_refreshed`, which the refresh and import
    services send explicitly inside their transaction, so it runs in that transaction.
    """
    lead_t, creator_t = Lead._meta.db_table, Creator._meta.db_table
    # Hand SQL: an UPDATE … FROM join over every lead that differs; the ORM's form is a
    # correlated subquery per column, twice as slow at a million leads.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {lead_t} SET creator_tier = c.tier, creator_follower_count = c.follower_count
            FROM {creator_t} c
            WHERE c.id = {lead_t}.creator_id
              AND ({lead_t}.creator_tier <> c.tier
                   OR {lead_t}.creator_follower_count <> c.follower_count)
            """
        )
        changed = cursor.rowcount
    if changed:
        pool_version_bump()  # the counts filter on these copies: every partner recounts
    return changed


def leads_sync_creator_search(*, creator: Creator) -> int:
    """A creator's handle, name or avatar may have changed: update the search copy on their
    leads and bump the partners that have a lead of them (the list shows all three)."""
    leads = Lead.objects.filter(creator=creator)
    partner_ids = set(leads.values_list("partner_id", flat=True))
    if not partner_ids:
        return 0
    updated = leads.exclude(creator_search=(text := creator_search_text(creator))).update(
        creator_search=text
    )
    pool_version_bump(partner_ids=partner_ids)
    return updated
