"""Error reporting through Sentry (sentry-sdk), switched on by SENTRY_DSN.

What leaves for Sentry: the error, its stack (without local variables: a frame of the expiry
or a lead serializer may hold licensed creator figures), the route, the request id, and the
signed-in user's id. Never the e-mail, the address, cookies, headers that authenticate, or a
request body (`send_default_pii` left off, `max_request_body_size="never"`, and `before_send`).
"""

import sentry_sdk

SECRET_HEADERS = {"authorization", "cookie", "x-csrftoken", "proxy-authorization"}


def sentry_before_send(event, hint):
    """Keep only the user's id; drop bodies, cookies, query strings and secret headers."""
    from core.logging import log_context

    from .request_log import current_request, request_user_id

    request = current_request.get()
    user_id = request_user_id(request, load=True) if request is not None else None
    event["user"] = {"id": str(user_id)} if user_id is not None else {}
    http = event.get("request")
    if http:
        http.pop("data", None)
        http.pop("cookies", None)
        http.pop("query_string", None)
        http.pop("env", None)
        headers = http.get("headers") or {}
        http["headers"] = {
            name: value for name, value in headers.items() if name.lower() not in SECRET_HEADERS
        }
    context = log_context.get() or {}
    if context.get("request_id"):
        event.setdefault("tags", {})["request_id"] = context["request_id"]
    if context.get("job"):
        event.setdefault("tags", {})["job"] = context["job"]
    return event


def sentry_init(*, dsn: str, environment: str, transport=None) -> None:
    """Start reporting to Sentry (Django and Celery integrations are enabled automatically)."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        # send_default_pii stays at its default, off (the option is deprecated in sentry-sdk
        # 2.x in favour of data_collection; off is what both mean here).
        include_local_variables=False,
        max_request_body_size="never",
        before_send=sentry_before_send,
        traces_sample_rate=0.0,
        transport=transport,
    )
