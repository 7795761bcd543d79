"""Sheet feeds on the settings page: make one from a saved view (its URL shown once), revoke."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.views.decorators.http import require_POST

from core.roles import seller_partner, seller_required

from .. import feeds
from ..feeds_api import sheet_feed_url
from .section import section_render
from .webhooks import done


@seller_required
@require_POST
def sheet_feed_add(request):
    try:
        feed, token = feeds.sheet_feed_create(
            partner=seller_partner(request.user),
            user=request.user,
            saved_view=request.POST.get("saved_view"),
        )
    except ValidationError as exc:
        return section_render(request, status=400, feed_errors=exc.message_dict)
    url = sheet_feed_url(request, token)
    return section_render(
        request,
        feed_created={"feed": feed, "url": url, "formula": f'=IMPORTDATA("{url}")'},
        notice=f"Made a sheet feed of “{feed.saved_view.name}”.",
    )


@seller_required
@require_POST
def sheet_feed_revoke(request, feed_id):
    feed = feeds.sheet_feed_get(partner=seller_partner(request.user), feed_id=feed_id)
    if feed is None:
        raise Http404("No such feed.")
    feeds.sheet_feed_revoke(feed=feed, user=request.user)
    return done(request, f"Revoked the sheet feed of “{feed.saved_view.name}”: its URL is dead.")
