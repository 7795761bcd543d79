"""The transactional outbox's writer: every domain event is a row of `OutboxEvent`, written by
the service that makes the change, in the change's own transaction.

A single change writes its row with `outbox_write` (or `outbox_write_many`); a set-based
statement writes one row per changed lead in SQL, with `outbox_insert_sql` (a branch of its
data-modifying CTE on PostgreSQL, an `INSERT … SELECT` per chunk elsewhere), so 100,000 rows
never pass through Python. A rollback takes the rows with it; `integrations` delivers the
committed ones. The event's `data` says what changed (ids, statuses, times): never licensed
creator data, which the delivery reads at send time, and only while the authorization lasts.
See docs/integrations-outbox.md.
"""

import datetime as dt
import json
import re
from collections.abc import Iterable
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from .models import OutboxEvent

# The event types (integrations.models.EventType has the same values; a test keeps them equal).
LEAD_CREATED = "lead.created"
LEAD_STATUS_CHANGED = "lead.status_changed"
LEAD_ASSIGNED = "lead.assigned"
LEAD_REMOVED = "lead.removed"
LEAD_AUTHORIZATION_EXPIRING = "lead.authorization_expiring"
LEAD_AUTHORIZATION_EXPIRED = "lead.authorization_expired"
MESSAGE_RECEIVED = "message.received"
TASK_DUE = "task.due"
EVENT_TYPES = (
    LEAD_CREATED,
    LEAD_STATUS_CHANGED,
    LEAD_ASSIGNED,
    LEAD_REMOVED,
    LEAD_AUTHORIZATION_EXPIRING,
    LEAD_AUTHORIZATION_EXPIRED,
    MESSAGE_RECEIVED,
    TASK_DUE,
)
OUTBOX_TABLE = OutboxEvent._meta.db_table
_KEY = re.compile(r"^[a-z_]+$")

# Only bench/outbox.py turns this off (`outbox_paused`), to time a statement without its
# outbox rows. Nothing else reads or sets it.
_paused = False


@contextmanager
def outbox_paused():
    """For the benchmark only: the writes built inside this block write no rows."""
    global _paused
    _paused = True
    try:
        yield
    finally:
        _paused = False


def _type_checked(type: str) -> str:
    if type not in EVENT_TYPES:
        raise ValueError(f"Unknown outbox event type {type!r}.")
    return type


def outbox_datetime(value: dt.datetime | None) -> str | None:
    """A time in an event's data: ISO 8601 in UTC with microseconds (as the SQL form writes it)."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def outbox_write(
    *, partner_id: int, type: str, lead_id: int | None = None, data: dict | None = None
) -> OutboxEvent | None:
    """Write one event in the caller's transaction (the caller is `transaction.atomic`)."""
    rows = outbox_write_many(
        [{"partner_id": partner_id, "type": type, "lead_id": lead_id, "data": data}]
    )
    return rows[0] if rows else None


def outbox_write_many(rows: Iterable[dict]) -> list[OutboxEvent]:
    """Write many events in one statement; each row is `{partner_id, type, lead_id, data}`.
    They get ids in the order given."""
    if _paused:
        return []
    now = timezone.now()
    events = [
        OutboxEvent(
            partner_id=row["partner_id"],
            type=_type_checked(row["type"]),
            lead_id=row.get("lead_id"),
            data=row.get("data") or {},
            created_at=now,
        )
        for row in rows
    ]
    return OutboxEvent.objects.bulk_create(events, batch_size=1000) if events else []


def outbox_insert_sql(*, type: str, select_sql: str) -> str:
    """`INSERT INTO` the outbox one event of `type` per row of `select_sql`, a SELECT whose
    columns are named `partner_id`, `lead_id`, `data` (built with `outbox_data_sql`) and
    `created_at`. A set-based writer runs it in its transaction: as a branch of its
    data-modifying CTE (PostgreSQL), or after its UPDATE on the rows it stamped."""
    type = _type_checked(type)
    off = " WHERE 1 = 0" if _paused else ""
    return (
        f"INSERT INTO {OUTBOX_TABLE} (partner_id, type, lead_id, data, created_at, dispatched_at)"
        f" SELECT o.partner_id, '{type}', o.lead_id, o.data, o.created_at, NULL"
        f" FROM ({select_sql}) o{off}"
    )


def outbox_data_sql(*, param: str = "%s", **columns: str) -> str:
    """SQL for an event's `data`: the constant part, ONE parameter (`param`, the placeholder:
    `%s`, or `%(name)s` in a statement with named parameters; JSON text from
    `outbox_data_param`), with `columns` (key -> SQL expression) set per row.

    PostgreSQL: `CAST(%s AS jsonb) || jsonb_build_object(…)`; SQLite: `json_set(%s, '$.k', …)`.
    Keys are plain names; JSON nulls stay (a per-row NULL is a null, not a missing key).
    """
    for key in columns:
        if not _KEY.match(key):
            raise ValueError(f"Outbox data key {key!r}: use lowercase letters and _.")
    if connection.vendor == "postgresql":
        if not columns:
            return f"CAST({param} AS jsonb)"
        pairs = ", ".join(f"'{key}', {expr}" for key, expr in columns.items())
        return f"(CAST({param} AS jsonb) || jsonb_build_object({pairs}))"
    if not columns:
        return f"json({param})"
    pairs = ", ".join(f"'$.{key}', {expr}" for key, expr in columns.items())
    return f"json_set({param}, {pairs})"


def outbox_data_case_sql(column: str, *, variants: int) -> str:
    """SQL for a `data` that depends only on `column`, among a few known values (a lead's old
    status): `CASE column WHEN %s THEN <json> …`, each branch a constant, so no JSON is built
    per row (a tenth of the statement's outbox cost at 100,000 leads). Its parameters are
    `outbox_data_case_params`, for `variants` values."""
    as_json = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "json(%s)"
    return f"CASE {column} " + " ".join([f"WHEN %s THEN {as_json}"] * variants) + " END"


def outbox_data_case_params(variants: dict) -> list:
    """The parameters of `outbox_data_case_sql`: value, JSON text, value, JSON text, …"""
    return [item for value, data in variants.items() for item in (value, outbox_data_param(data))]


def outbox_data_param(data: dict) -> str:
    """The constant part of the SQL-built data, as the JSON text `outbox_data_sql` takes."""
    return json.dumps(data, cls=DjangoJSONEncoder)


def outbox_datetime_sql(column: str) -> str:
    """SQL for a time column in an event's data, the form `outbox_datetime` writes."""
    if connection.vendor == "postgresql":
        return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
    # SQLite keeps UTC times as text, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    return (
        f"(replace({column}, ' ', 'T') || CASE WHEN instr({column}, '.') > 0 THEN '' "
        f"ELSE '.000000' END || 'Z')"
    )


def outbox_user_name_sql(user_id_sql: str) -> str:
    """SQL for a user's display name (full name, else username), as leads' owners show it."""
    user_t = get_user_model()._meta.db_table
    return (
        "(SELECT COALESCE(NULLIF(TRIM(u.first_name || ' ' || u.last_name), ''), u.username) "
        f"FROM {user_t} u WHERE u.id = {user_id_sql})"
    )
