"""The public end of a sheet feed: `GET /feeds/sheets/<token>.csv`, no session needed.

The token is the credential. The answer is the pool's CSV export for the feed's saved view,
streamed; at most one answer per feed per minute (429 with Retry-After); never cached on the
way (`no-store`); an unknown, revoked or stopped feed is a plain 404 that says no more.
"""

from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from core.replica import replica_configured, replica_stream

from . import feeds

NOT_FOUND = "No such feed (it may have been revoked).\n"


def _text(body: str, status: int) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # read-only: a GET carries no session to forge
@require_GET  # HEAD too would spend the minute's answer
def sheet_feed_csv(request, token):
    feed = feeds.sheet_feed_for_token(token)
    if feed is None:
        return _text(NOT_FOUND, 404)
    wait = feeds.sheet_feed_throttle(feed)
    if wait is not None:
        response = _text(
            f"This feed answers once every {feeds.feed_interval_seconds()} s. "
            f"Try again in {wait} s.\n",
            429,
        )
        response["Retry-After"] = str(wait)
        return response
    lines = feeds.sheet_feed_csv_lines(feed)
    if lines is None:
        return _text(
            f"The saved view “{feed.saved_view.name}” has filters the pool no longer accepts: "
            "save the view again.\n",
            400,
        )
    response = StreamingHttpResponse(
        replica_stream(lines, enabled=replica_configured()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="leads-{feed.partner.slug}.csv"'
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
