"""The API's rate limits, applied to the pages that do the same thing.

A page form and its API twin draw on one budget: the page counts its POST with DRF's own
ScopedRateThrottle under the same scope (`message`, `collaboration_request`), so the limit
is the one configured in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], and sending through both
doors does not double it. The counters live in Django's cache (shared by every process when
the cache is Redis).
"""

import math
from types import SimpleNamespace

from rest_framework.throttling import ScopedRateThrottle


class AddressRateThrottle(ScopedRateThrottle):
    """A scope counted per client address, whoever is signed in.

    DRF's ScopedRateThrottle keys on the user once a request is authenticated, so an address
    holding the session of an account it owns got a fresh budget of password checks per
    account on `/admin/login/`. Sign-in attempts are the address's, not the account's.
    """

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def page_post_throttled(request, *, scope: str, per_address: bool = False) -> int | None:
    """Count this POST against `scope` (per user when signed in, or per address whoever is
    signed in with `per_address`); None when allowed, else the seconds to wait."""
    throttle = AddressRateThrottle() if per_address else ScopedRateThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def too_fast_message(wait: int, what: str) -> str:
    return f"You are sending {what} too fast. Wait {wait} s, then try again."
