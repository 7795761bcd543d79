"""A partner's webhook endpoints, each delivery to one with its attempts, and sheet feeds."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from creators.models import Partner
from leads.models import SavedView


class EventType(models.TextChoices):
    LEAD_CREATED = "lead.created", "Lead created"
    LEAD_STATUS_CHANGED = "lead.status_changed", "Lead status changed"
    LEAD_ASSIGNED = "lead.assigned", "Lead assigned"
    LEAD_REMOVED = "lead.removed", "Lead removed"
    LEAD_AUTHORIZATION_EXPIRING = "lead.authorization_expiring", "Authorization expiring"
    LEAD_AUTHORIZATION_EXPIRED = "lead.authorization_expired", "Authorization expired"
    MESSAGE_RECEIVED = "message.received", "Creator message received"
    TASK_DUE = "task.due", "Task due"


class WebhookEndpoint(models.Model):
    """Where a partner wants events pushed: a URL, the event types, an optional pool query."""

    class Kind(models.TextChoices):
        GENERIC = "generic", "Webhook (signed JSON)"
        SLACK = "slack", "Slack incoming webhook"

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="webhook_endpoints", db_index=False
    )
    url = models.URLField(max_length=2000)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.GENERIC)
    # A list of EventType values.
    events = models.JSONField(default=list)
    # A pool query string (a saved view's), checked by leads.filters.pool_query_check; empty
    # means every lead.
    query = models.CharField(max_length=2000, blank=True)
    # "whsec_" + base64 of 24 random bytes (Standard Webhooks). Kept to sign; shown once.
    secret = models.CharField(max_length=64)
    active = models.BooleanField(default=True)
    # Why the worker turned it off (a run of failures); cleared when staff turn it back on.
    disabled_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Removal is soft: the delivery log stays.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["partner", "removed_at"], name="webhook_partner_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.url}"


class WebhookDelivery(models.Model):
    """One event for one endpoint: its signed message, and where its delivery stands.

    Deliveries to an endpoint go out in `id` order (the order the fan-out met the committed
    events); a delivery waiting for a retry holds back the endpoint's later ones.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # not yet sent, or waiting for its next retry
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"  # gave up: retries exhausted, or the endpoint was disabled

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    # core.models.OutboxEvent's id (the event this delivers); replays share it.
    event_id = models.BigIntegerField()
    type = models.CharField(max_length=40, choices=EventType.choices)
    lead_id = models.BigIntegerField(null=True, blank=True)
    # The Standard Webhooks `webhook-id`: the same on every attempt of the message.
    message_id = models.CharField(max_length=40)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_response_excerpt = models.CharField(max_length=500, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays"
    )
    replayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["endpoint", "id"], name="delivery_endpoint_idx"),
            models.Index(
                fields=["next_attempt_at", "id"],
                name="delivery_pending_idx",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} → endpoint {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: the log line staff read."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log", db_index=False
    )
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["delivery", "id"], name="attempt_delivery_idx")]

    def __str__(self) -> str:
        return f"attempt of delivery {self.delivery_id}: {self.status_code or self.error}"


class SheetFeed(models.Model):
    """A revocable, read-only CSV URL of the pool through one saved view's filters."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="sheet_feeds", db_index=False
    )
    saved_view = models.ForeignKey(SavedView, on_delete=models.CASCADE, related_name="sheet_feeds")
    # sha256 hex of the URL's secret token; the token itself is shown once.
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["partner", "revoked_at"], name="sheet_feed_partner_idx")]

    def __str__(self) -> str:
        return f"Sheet feed of “{self.saved_view.name}”"
