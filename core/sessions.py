"""The database session store, answering a session cookie Django never issued as no session.

Django's own check takes any key of 8 characters or more, so a cookie holding NUL reached
PostgreSQL (which refuses NUL in text: a 500 on every page and API call). A key Django issues
is 32 characters of lowercase ASCII letters and digits; anything else is not a session.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)
KEY_MAX_LENGTH = 40  # the session table's column


class SessionKeyCheck:
    """Only a key Django could have issued names a session (see the module's docstring)."""

    def _validate_session_key(self, key):
        return bool(
            super()._validate_session_key(key)
            and len(key) <= KEY_MAX_LENGTH
            and KEY_CHARACTERS.issuperset(key)
        )


class SessionStore(SessionKeyCheck, DatabaseSessionStore):
    pass
