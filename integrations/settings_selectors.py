"""Reads of the settings page's integrations section beyond `selectors`: a partner's endpoints
with their newest delivery, in one query."""

from django.db.models import OuterRef, Subquery

from .models import WebhookDelivery
from .selectors import webhook_endpoint_list


def endpoint_rows(*, partner):
    """The partner's endpoints (not removed), oldest first, each with `last_status`,
    `last_status_code`, `last_error` and `last_at` of its newest delivery."""
    newest = WebhookDelivery.objects.filter(endpoint=OuterRef("pk")).order_by("-id")
    return webhook_endpoint_list(partner=partner).annotate(
        last_status=Subquery(newest.values("status")[:1]),
        last_status_code=Subquery(newest.values("last_status_code")[:1]),
        last_error=Subquery(newest.values("last_error")[:1]),
        last_at=Subquery(newest.values("created_at")[:1]),
    )
