"""A Silver+ creator's formal Request to Collaborate."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from creators.models import Creator, Partner, Tier

from .lead import Authorization, CloseReason, Lead, LeadStatus


class FirstResponse(models.TextChoices):
    MESSAGE = "message", "a message"
    STATUS = "status", "a status change"


class CollaborationRequest(Authorization, models.Model):
    """A Silver+ creator's formal "Request to Collaborate" to one partner.

    At most one request per creator and partner is open; the database enforces it.
    """

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="collaboration_requests"
    )
    creator = models.ForeignKey(
        Creator,
        on_delete=models.CASCADE,
        related_name="collaboration_requests",
        db_index=False,  # request_creator_idx (creator, -submitted_at) serves it
    )
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="collaboration_requests")
    message = models.TextField(blank=True, max_length=2000)
    consent_given = models.BooleanField(default=False)
    creator_tier = models.PositiveSmallIntegerField(
        choices=Tier.choices, help_text="The creator's refreshed tier when they submitted."
    )
    licensed_data = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(default=timezone.now)
    authorization_expires_at = models.DateTimeField()
    is_open = models.BooleanField(default=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    expiry_reminded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the sellers were told this authorization ends within 24 hours.",
    )
    # The first-response clock (the lead carries the current request's copy for the pool).
    response_due_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_kind = models.CharField(
        max_length=8, choices=FirstResponse.choices, blank=True, db_default=""
    )
    response_due_notified_at = models.DateTimeField(null=True, blank=True)
    response_overdue_notified_at = models.DateTimeField(null=True, blank=True)
    # Why the partner closed or removed it (the creator's request page says it).
    close_reason = models.CharField(
        max_length=16, choices=CloseReason.choices, blank=True, db_default=""
    )
    close_reason_text = models.CharField(max_length=200, blank=True, db_default="")
    # When the licensed figures were erased (the authorization ended): nothing licensed is
    # kept past the days the creator consented to, not even for an audit.
    licensed_data_purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The creator was told their authorization ends within 24 hours / has ended.
    creator_ending_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["creator", "partner"],
                condition=Q(is_open=True),
                name="one_open_request_per_partner",
            ),
        ]
        indexes = [
            models.Index(fields=["creator", "-submitted_at"], name="request_creator_idx"),
            models.Index(
                fields=["authorization_expires_at"],
                name="request_open_due_idx",
                condition=Q(is_open=True),
            ),
            # The escalation job: open requests still unanswered, by due time.
            models.Index(
                fields=["response_due_at"],
                name="request_unanswered_idx",
                condition=Q(is_open=True, first_response_at__isnull=True),
            ),
            # The purge at expiry: requests still holding licensed figures, by expiry.
            models.Index(
                fields=["authorization_expires_at"],
                name="request_licensed_idx",
                condition=Q(licensed_data_purged_at__isnull=True),
            ),
            # Partner responsiveness: a partner's requests of the last 90 days.
            models.Index(fields=["partner", "submitted_at"], name="request_partner_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.creator} → {self.partner} ({self.submitted_at:%Y-%m-%d})"

    def is_pending(self, now=None) -> bool:
        """Open, authorized, and its lead neither closed nor removed: a new submission to this
        partner repeats this request rather than renewing it."""
        return (
            self.is_open
            and self.is_authorized(now)
            and self.lead.status != LeadStatus.CLOSED
            and self.lead.removed_at is None
        )

    def creator_status(self, now=None) -> tuple[str, str]:
        """The (key, label) a creator sees: the lead's pipeline status, or "Authorization expired".

        The current request (the one whose authorization the lead carries) follows the lead, so
        the creator sees the seller's moves; an unanswered (New) request past its expiry reads
        "Authorization expired". An earlier request, superseded by a renewal, keeps how it ended.
        """
        expired = ("authorization_expired", "Authorization expired")
        closed = (LeadStatus.CLOSED.value, LeadStatus.CLOSED.label)
        if self.lead.authorization_expires_at != self.authorization_expires_at:
            return closed if self.closed_at else expired
        if self.lead.removed_at is not None or self.lead.status == LeadStatus.CLOSED:
            return closed
        if self.lead.status == LeadStatus.NEW and not self.is_authorized(now):
            return expired
        status = LeadStatus(self.lead.status)
        return status.value, status.label

    @property
    def creator_status_label(self) -> str:
        """`creator_status()`'s label, for templates."""
        return self.creator_status()[1]
