"""What every signed-in request reads before its view, for the tests that count queries."""

from django.conf import settings


def session_queries() -> int:
    """The session's read: one query, or none when sessions are read through the shared cache
    (`core.sessions_cached`, the engine with Redis as the cache)."""
    return 0 if settings.SESSION_ENGINE == "core.sessions_cached" else 1
