"""The leads' events in the transactional outbox (core.outbox): what each event's data says,
and the SQL that the set-based writes (sets.py) and the jobs add to their statements.

An event's data holds ids, statuses, times and the seller's words (a close reason), never
licensed creator data: the delivery builds the lead's snapshot at send time.
"""

from django.db import connection

from core.outbox import (
    LEAD_CREATED,
    outbox_data_case_params,
    outbox_data_case_sql,
    outbox_insert_sql,
    outbox_write,
)
from core.sql import db_value

from ..models import Lead


def outbox_select(source: str, *, data_sql: str, where: str = "") -> str:
    """The SELECT of one outbox row per row of `source` (its `id` and `partner_id`)."""
    return (
        f"SELECT s.partner_id AS partner_id, s.id AS lead_id, {data_sql} AS data, "
        f"%s AS created_at FROM {source} s{where}"
    )


def outbox_chunk_write(
    *, type: str, ids, data_sql: str, data_params: list, now, where: str = ""
) -> None:
    """Elsewhere than PostgreSQL: the outbox rows of one chunk of leads, read just before the
    chunk's UPDATE (`data_sql` may read the lead's row `s`, e.g. its old status)."""
    placeholders = ", ".join(["%s"] * len(ids))
    select = outbox_select(
        Lead._meta.db_table, data_sql=data_sql, where=f" WHERE s.id IN ({placeholders}){where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            outbox_insert_sql(type=type, select_sql=select),
            [*data_params, db_value(now), *ids],
        )


def status_changed_sql(column: str, *, status, sources, user, close_reason) -> tuple[str, list]:
    """lead.status_changed's data SQL over the old status `column` and its parameters: one
    constant per status a lead may come from (nothing built per row)."""
    data = status_changed_data(status=status, user=user, close_reason=close_reason)
    variants = {source: {"from": source, **data} for source in sources}
    return (
        outbox_data_case_sql(column, variants=len(variants)),
        outbox_data_case_params(variants),
    )


def status_changed_data(*, status, user, close_reason) -> dict:
    """lead.status_changed's data but its per-lead `from`."""
    code, text = close_reason or ("", "")
    return {
        "to": status,
        "close_reason": {"code": code, "text": text} if close_reason else None,
        "actor_id": user.pk if user else None,
    }


def assigned_data(*, owner_id, user, rule) -> dict:
    """lead.assigned's data but its per-lead `from_owner_id` and the `owner_name` (SQL)."""
    return {
        "owner_id": owner_id,
        "by_rule": rule is not None,
        "rule": rule,
        "actor_id": user.pk if user else None,
    }


def removed_data(*, user, close_reason) -> dict:
    """lead.removed's data."""
    code, text = close_reason or ("", "")
    return {
        "close_reason": {"code": code, "text": text} if close_reason else None,
        "actor_id": user.pk if user else None,
    }


def lead_created_write(*, lead: Lead, actor=None, request_id=None, arrival: str = "new"):
    """lead.created: a lead arrived in the partner's pool (what routing's `lead_arrived` hears):
    `arrival` is "new" (a new lead), "restored" (back from removal, by a request or "Add to
    leads") or "request" (a new collaboration request on a lead already in the pool)."""
    return outbox_write(
        partner_id=lead.partner_id,
        type=LEAD_CREATED,
        lead_id=lead.pk,
        data={
            "source": lead.source,
            "status": lead.status,
            "creator_id": lead.creator_id,
            "request_id": request_id,
            "arrival": arrival,
            "actor_id": actor.pk if actor else None,
        },
    )
