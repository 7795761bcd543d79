"""One log line and the metrics for every request, with a request id.

The request id is the caller's `X-Request-ID` when it is a short token (a proxy's), else a new
one; it is sent back in `X-Request-ID` and carried by every log line of the request (core
.logging). The line is `request` with method, path, route, status, duration_ms and user_id;
pc_http_requests_total and pc_http_request_duration_seconds count it by route (the URL
pattern, never the raw path, so ids do not explode the series). Sentry's scope gets the user's
id, and nothing else about the user.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from core.logging import log_context_update, log_fields
from core.metrics import REQUEST_SECONDS, REQUESTS

logger = logging.getLogger("partner_center.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# The request being answered, for Sentry's before_send (the user's id, nothing else).
current_request: ContextVar = ContextVar("current_request", default=None)


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    # A path() route as written; a router's regex without its anchors.
    return "/" + (match.route or match.view_name or "").lstrip("^").rstrip("$")


def request_user_id(request, *, load: bool = False):
    """The user's id if the request already loaded its user (no query just for a log line);
    with `load`, loading it if need be (an error report)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or type(wrapped).__name__ == "object":  # lazy and never evaluated
        if not load:
            return None
        try:
            wrapped = user if user.is_authenticated else None
        except Exception:  # noqa: BLE001 - the error being reported may be the database
            return None
        if wrapped is None:
            return None
    return getattr(wrapped, "pk", None) if getattr(wrapped, "is_authenticated", False) else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        started = time.perf_counter()
        token = current_request.set(request)
        try:
            with log_fields(request_id=request_id):
                response = self._answer(request, request_id, started)
        finally:
            current_request.reset(token)
        response.headers.setdefault("X-Request-ID", request_id)
        return response

    def _answer(self, request, request_id, started):
        response = self.get_response(request)
        duration = time.perf_counter() - started
        log_context_update(user_id=request_user_id(request))
        route = _route(request)
        REQUESTS.labels(route=route, status=str(response.status_code)).inc()
        REQUEST_SECONDS.labels(route=route).observe(duration)
        logger.log(
            logging.ERROR if response.status_code >= 500 else logging.INFO,
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(duration * 1000, 1),
            },
        )
        return response
