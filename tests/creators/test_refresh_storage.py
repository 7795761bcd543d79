"""The refreshes rewrite every creator; on PostgreSQL that must not touch a single index.

A refresh that changes an indexed column (or finds no room on the row's page) writes a new
entry into every index of the table, the trigram search indexes included: at 1,000,000
creators that was 45 s against 5 s (bench/README.md). These checks keep the layout that makes
the refreshes heap-only (HOT) updates.
"""

import pytest
from django.db import connection

from creators.models import Creator

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL storage layout"),
]
REFRESHED = [
    "tier",
    "live_gmv_30d",
    "tier_as_of",
    "tier_refreshed_at",
    "follower_count",
    "followers_as_of",
    "followers_refreshed_at",
]


def test_no_index_of_the_creator_table_covers_a_refreshed_column():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass",
            [Creator._meta.db_table],
        )
        indexes = dict(cursor.fetchall())
    assert any("gin_trgm_ops" in definition for definition in indexes.values())  # search stays
    for name, definition in indexes.items():
        columns = definition.split(" USING ", 1)[1]
        for column in REFRESHED:
            assert f"({column}" not in columns and f" {column}" not in columns, (name, column)


def test_the_creator_table_leaves_room_for_a_new_version_of_every_row():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [Creator._meta.db_table]
        )
        assert "fillfactor=50" in (cursor.fetchone()[0] or [])
