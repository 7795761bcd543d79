"""The worker turning an endpoint off after a run of failures, and telling the partner."""

from django.db import transaction
from django.utils import timezone

from core.mail import absolute_url, mail_queue
from leads.notices import partner_staff_emails
from notifications.models import NotificationKind
from notifications.services import notify

from ..models import WebhookDelivery, WebhookEndpoint

SETTINGS_LINK = "/seller/settings/#webhooks"
REASON_MAX_LENGTH = WebhookEndpoint._meta.get_field("disabled_reason").max_length


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> bool:
    """Turn the endpoint off (`disabled_reason` says why), fail what it has pending (kept in
    the log, replayable) and notify every staff user of its partner, in-app and by mail.
    False when it was already off."""
    now = timezone.now()
    reason = reason[:REASON_MAX_LENGTH]
    turned_off = WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_reason=reason, updated_at=now
    )
    if not turned_off:
        return False
    pending = WebhookDelivery.objects.filter(
        endpoint_id=endpoint.pk, status=WebhookDelivery.Status.PENDING
    )
    pending.filter(attempts=0).update(
        status=WebhookDelivery.Status.FAILED,
        last_error="Not sent: the endpoint was disabled.",
    )
    pending.update(status=WebhookDelivery.Status.FAILED)
    endpoint.active, endpoint.disabled_reason = False, reason
    text = f"Webhook to {endpoint.url[:120]} was turned off: {reason}"
    notify(
        partner=endpoint.partner,
        kind=NotificationKind.WEBHOOK_DISABLED,
        text=text,
        link=SETTINGS_LINK,
    )
    mail_queue(
        to=partner_staff_emails(partner=endpoint.partner),
        subject="A webhook was turned off after repeated failures",
        body=(
            f"{text}\n\nFix the receiver, turn the webhook back on and replay what failed: "
            f"{absolute_url(SETTINGS_LINK)}\n"
        ),
    )
    return True
