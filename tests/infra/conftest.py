"""Fixtures of the infrastructure tests."""

from .pgbouncer import pgbouncer  # noqa: F401 - a real PgBouncer, where installed
