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


def page_post_throttled(request, *, scope: str) -> int | None:
    """Count this POST against `scope`; None when allowed, else the seconds to wait."""
    throttle = ScopedRateThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def too_fast_message(wait: int, what: str) -> str:
    return f"You are sending {what} too fast. Wait {wait} s, then try again."
