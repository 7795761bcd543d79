"""Reads of integrations: a partner's webhook endpoints and their delivery logs."""

from .models import WebhookDelivery, WebhookEndpoint


def webhook_endpoint_list(*, partner):
    """The partner's endpoints (not removed), oldest first."""
    return WebhookEndpoint.objects.filter(partner=partner, removed_at__isnull=True).order_by("id")


def webhook_endpoint_get(*, partner, endpoint_id: int) -> WebhookEndpoint | None:
    """One of the partner's endpoints, or None (another partner's, or removed)."""
    return webhook_endpoint_list(partner=partner).filter(pk=endpoint_id).first()


def webhook_delivery_list(*, endpoint: WebhookEndpoint):
    """The endpoint's delivery log, newest first."""
    return WebhookDelivery.objects.filter(endpoint_id=endpoint.pk).order_by("-id")


def webhook_delivery_get(*, endpoint: WebhookEndpoint, delivery_id: int):
    """One delivery of the endpoint, or None."""
    return WebhookDelivery.objects.filter(endpoint_id=endpoint.pk, pk=delivery_id).first()
