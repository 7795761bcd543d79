"""Named locks that serialize work across processes, on the database every process shares."""

import zlib

from django.db import connection


def lock_key(name: str) -> int:
    """A stable 32-bit key for a lock name (PostgreSQL advisory locks take integers)."""
    return zlib.crc32(name.encode())


def transaction_lock(name: str) -> None:
    """Wait for, then hold until the end of the current transaction, the lock `name`.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback, or when
    the connection dies. SQLite: nothing to take, since this project's SQLite transactions
    begin IMMEDIATE and so already hold the database's one write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])
