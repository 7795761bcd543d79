"""Signed poll tokens: an open conversation's poll answers "nothing new" without the session.

Every open IM tab polls every 3 seconds, and almost every poll finds nothing. Loading the
session and the user (two queries and most of the request's time) only to answer 204 is the
bulk of IM's cost at scale (docs/scaling.md). The conversation page, which did check who the
user is, signs the thread and side into the poller's URL. A poll with a good token and no
newer message answers 204 after one indexed probe, touching neither session nor user.

What the token grants is only that empty answer: when something is newer, or the token is
missing, stale or forged, the poll goes through the full sign-in and visibility checks before
it shows anything. So a token that outlives its session (a sign-out, a seller who left the
partner) tells its holder at most that a thread they could read has nothing new.
"""

from django.core import signing

SALT = "im.poll"
# A tab left open longer than this falls back to the session path (still correct, just the
# full cost) until new messages bring a fresh token.
MAX_AGE_SECONDS = 12 * 3600


def _value(*, thread_id: int, side: str) -> str:
    return f"{side}.{thread_id}"


def poll_token(*, thread_id: int, side: str) -> str:
    """The token the conversation page puts into its poller's URL."""
    return signing.TimestampSigner(salt=SALT).sign(_value(thread_id=thread_id, side=side))


def poll_token_valid(token: str, *, thread_id: int, side: str) -> bool:
    """Whether `token` was signed by this site for this thread and side, and is fresh."""
    if not token:
        return False
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return value == _value(thread_id=thread_id, side=side)
