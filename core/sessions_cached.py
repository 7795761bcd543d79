"""Sessions read from the shared cache, kept in the database too (`cached_db`), through the
same key check as `core.sessions`: every page's first read is a cache lookup instead of a
query. Used only when the cache is shared by every process (Redis): with a cache per process,
a sign-out in one process would leave the session alive in another's copy."""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseSessionStore

from .sessions import SessionKeyCheck


class SessionStore(SessionKeyCheck, CachedDatabaseSessionStore):
    pass
