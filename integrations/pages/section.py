"""The integrations section of /seller/settings/: webhooks and sheet feeds in one fragment.

The settings page (routing's) loads it with htmx; without JavaScript its link opens the same
section as a page of its own. Forms post with htmx and get the fragment back (400 with the
errors named); without htmx they get the whole page. A secret or a feed URL is shown once, in
the answer to the POST that made it, and kept nowhere else.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.roles import seller_partner, seller_required
from leads.selectors import saved_view_list

from .. import settings_selectors
from ..feeds import sheet_feed_list, sheet_feed_live
from ..models import EventType, WebhookEndpoint

NEW = "new"
# Feeds listed: every live one (at most feeds.MAX_ACTIVE_FEEDS) and the latest revoked ones.
FEEDS_SHOWN = 50


def endpoint_values(endpoint: WebhookEndpoint) -> dict:
    return {
        "url": endpoint.url,
        "kind": endpoint.kind,
        "events": set(endpoint.events),
        "query": endpoint.query,
        "active": endpoint.active,
    }


def section_render(
    request,
    *,
    status: int = 200,
    failed=None,
    posted: dict | None = None,
    errors: dict | None = None,
    secret: dict | None = None,
    feed_created: dict | None = None,
    feed_errors: dict | None = None,
    notice: str = "",
):
    """The section (a fragment for htmx, else a page). `failed` is the endpoint form (an id or
    NEW) re-shown with `posted` values and the service's `errors`."""
    partner = seller_partner(request.user)
    rows = []
    for endpoint in settings_selectors.endpoint_rows(partner=partner):
        mine = failed == endpoint.pk
        rows.append(
            {
                "endpoint": endpoint,
                "values": posted if mine else endpoint_values(endpoint),
                "errors": errors if mine else None,
                "event_labels": [EventType(e).label for e in endpoint.events if e in EventType],
            }
        )
    feeds = list(sheet_feed_list(partner=partner)[:FEEDS_SHOWN])
    for feed in feeds:
        feed.live = sheet_feed_live(feed)
    context = {
        "nav": "settings",
        "partner": partner,
        "endpoints": rows,
        "kinds": WebhookEndpoint.Kind.choices,
        "event_types": EventType.choices,
        "saved_views": list(saved_view_list(partner=partner, user=request.user)),
        "new_values": posted
        if failed == NEW
        else {
            "kind": WebhookEndpoint.Kind.GENERIC,
            "events": set(EventType.values),
            "active": True,
        },
        "new_errors": errors if failed == NEW else None,
        "secret": secret,
        "feeds": feeds,
        "feed_created": feed_created,
        "feed_errors": feed_errors,
        "notice": notice,
    }
    template = "integrations/_section.html" if request.htmx else "integrations/page.html"
    response = render(request, template, context, status=status)
    if secret or feed_created:
        response["Cache-Control"] = "no-store"
    return response


@seller_required
@require_GET
def integrations_section(request):
    return section_render(request)
