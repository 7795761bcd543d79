"""Leads, collaboration requests and seller notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from creators.models import Creator, Partner, Tier


class LeadSource(models.TextChoices):
    COLLABORATION_REQUEST = "collaboration_request", "Collaboration request"
    INSTANT_MESSAGE = "instant_message", "Instant message"


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    COLLABORATING = "collaborating", "Collaborating"
    CLOSED = "closed", "Closed"


def authorized_q(now=None) -> Q:
    """Rows whose data authorization is live: its expiry is still in the future."""
    return Q(authorization_expires_at__gt=now or timezone.now())


class Authorization:
    """The one rule for "is this authorization live", for leads and requests alike.

    Licensed data is visible only while `authorization_expires_at` is in the future; at
    exactly that instant it is hidden. Querysets filter with `authorized_q()`, the same rule.
    """

    def authorization_seconds_left(self, now=None) -> int | None:
        """Whole seconds until the expiry (0 or less once expired); None if never authorized."""
        if self.authorization_expires_at is None:
            return None
        return int((self.authorization_expires_at - (now or timezone.now())).total_seconds())

    def is_authorized(self, now=None) -> bool:
        if self.authorization_expires_at is None:
            return False
        return self.authorization_expires_at > (now or timezone.now())


class LeadQuerySet(models.QuerySet):
    def in_pool(self):
        """Leads not removed from the pool (removal is soft)."""
        return self.filter(removed_at__isnull=True)


def creator_search_text(creator: Creator) -> str:
    """What the pool's search matches: handle and display name, lower-cased, one per line."""
    return f"{creator.handle}\n{creator.display_name}".lower()[:200]


class Lead(Authorization, models.Model):
    """A creator in one partner's Leads Pool; one per partner and creator, never deleted.

    `creator_tier` and `creator_follower_count` copy the creator's refreshed figures so the
    pool's filters and counts need no join; the refresh jobs keep them in step.
    """

    # No single-column index on partner: the unique (partner, creator) and the pool's partial
    # indexes all lead with it, and every index is one more write per lead change.
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="leads", db_index=False
    )
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="leads")
    source = models.CharField(max_length=32, choices=LeadSource.choices)
    status = models.CharField(max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW)
    requested_at = models.DateTimeField(default=timezone.now)
    creator_tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.NON_TIERED)
    creator_follower_count = models.PositiveBigIntegerField(default=0)
    licensed_data = models.JSONField(null=True, blank=True)
    authorization_expires_at = models.DateTimeField(null=True, blank=True)
    # The creator's handle and display name, lower-cased (`creator_search_text`): the pool's
    # search counts substring matches over the partner's own rows instead of joining every
    # creator. Set on creation; leads.signals keeps it in step when a creator is renamed.
    creator_search = models.CharField(max_length=200, blank=True, default="", editable=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_leads",
        db_index=False,  # lead_pool_owner_idx (partner, owner, …) serves the pool's filter
        help_text="The staff user of the lead's partner who works this lead.",
    )
    # When the lead first moved to collaborating (kept when it moves on, e.g. to closed): the
    # pipeline's conversion reads this column instead of searching each lead's history.
    # Set by the status services only (lead_set_status, the bulk action).
    reached_collaborating_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "creator"], name="one_lead_per_creator"),
        ]
        indexes = [
            models.Index(
                fields=["partner", "-requested_at", "-id"],
                name="lead_pool_recent_idx",
                condition=Q(removed_at__isnull=True),
            ),
            models.Index(
                fields=["partner", "creator_tier", "-requested_at", "-id"],
                name="lead_pool_tier_idx",
                condition=Q(removed_at__isnull=True),
            ),
            models.Index(
                fields=["partner", "creator_follower_count", "id"],
                name="lead_pool_followers_idx",
                condition=Q(removed_at__isnull=True),
            ),
            models.Index(
                fields=["partner", "source", "-requested_at", "-id"],
                name="lead_pool_source_idx",
                condition=Q(removed_at__isnull=True),
            ),
            models.Index(
                fields=["partner", "status", "-requested_at", "-id"],
                name="lead_pool_status_idx",
                condition=Q(removed_at__isnull=True),
            ),
            # "Assigned to me / to someone" and "expires soonest / within 24 h": both are
            # range scans on these, whatever the pool's size.
            models.Index(
                fields=["partner", "owner", "-requested_at", "-id"],
                name="lead_pool_owner_idx",
                condition=Q(removed_at__isnull=True),
            ),
            models.Index(
                fields=["partner", "authorization_expires_at", "id"],
                name="lead_pool_expiry_idx",
                condition=Q(removed_at__isnull=True, authorization_expires_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.creator} in {self.partner}"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.creator_search and self.creator_id:
            self.creator_search = creator_search_text(self.creator)
        super().save(*args, **kwargs)

    @property
    def in_pool(self) -> bool:
        """Not removed from the pool (removal is soft); `Lead.objects.in_pool()` filters alike."""
        return self.removed_at is None

    def visible_licensed_data(self, now=None) -> dict | None:
        return self.licensed_data if self.is_authorized(now) else None


class LeadPoolVersion(models.Model):
    """How many times a partner's leads have changed: the key of its cached pool counts.

    Every write to a partner's leads adds one in the same transaction
    (`services.lead_pool_changed`), so a count cached under a version is exact for as long as
    that version is current, whatever the cache backend. No row means version 0.
    """

    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, primary_key=True, related_name="lead_pool_version"
    )
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.partner} v{self.version}"


class LeadEvent(models.Model):
    """The history of a lead: who added, removed, restored, moved or assigned it, and when.

    `actor` is empty for a job. `text` carries a creator's request message (kinds requested,
    renewed and message), so the history and the lead's `message` read one table.
    """

    class Kind(models.TextChoices):
        ADDED = "added", "Added to leads"
        REQUESTED = "requested", "Collaboration requested"
        RENEWED = "renewed", "Authorization renewed"
        MESSAGE = "message", "Creator wrote again"
        REMOVED = "removed", "Removed from leads"
        RESTORED = "restored", "Restored to leads"
        STATUS_CHANGED = "status_changed", "Status changed"
        ASSIGNED = "assigned", "Owner changed"
        NOTE_ADDED = "note_added", "Note added"
        NOTE_DELETED = "note_deleted", "Note deleted"
        AUTHORIZATION_EXPIRED = "authorization_expired", "Authorization expired"

    # The kinds whose `text` is a message the creator sent with a request.
    MESSAGE_KINDS = (Kind.REQUESTED, Kind.RENEWED, Kind.MESSAGE)

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["lead", "-created_at"], name="lead_event_lead_idx"),
            # The stats' conversion asks, for each lead not collaborating now, "did it ever
            # move to collaborating?": a probe into this small index, not into every event.
            models.Index(
                fields=["lead"],
                name="lead_event_collaborated_idx",
                condition=Q(kind="status_changed", to_status="collaborating"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.lead_id})"


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


class NotificationKind(models.TextChoices):
    NEW_REQUEST = "new_request", "New collaboration request"
    LEAD_REMOVED = "lead_removed", "Lead removed from pool"
    AUTHORIZATION_EXPIRED = "authorization_expired", "Authorization expired"
    AUTHORIZATION_EXPIRING = "authorization_expiring", "Authorization expiring"
    LEAD_ASSIGNED = "lead_assigned", "Lead assigned"


class Notification(models.Model):
    """One event for a partner's sellers: every staff user when `user` is empty, else that one.

    Read state is per user and lives apart (`NotificationReadMark`, `NotificationRead`), so a
    notification is written once however many staff the partner has, and the expiry job stays
    one INSERT ... SELECT.
    """

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        db_index=False,  # notification_partner_id_idx carries user_id for the visibility test
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    text = models.CharField(max_length=255)
    lead = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["partner", "-created_at", "-id"], name="notification_partner_idx"),
            # The unread count walks (partner, id > the reader's mark); user_id rides along so
            # PostgreSQL can answer "for everyone or for me" from the index alone.
            models.Index(fields=["partner", "id", "user"], name="notification_partner_id_idx"),
            models.Index(
                fields=["partner", "kind", "-created_at", "-id"], name="notification_kind_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @classmethod
    def visible_to(cls, *, partner, user):
        """What one seller sees: the partner's notifications for everyone, and those for them."""
        return cls.objects.filter(partner=partner).filter(Q(user__isnull=True) | Q(user=user))

    @staticmethod
    def unread_for(user) -> Q:
        """Unread by this user: newer than their read-through mark and not read one by one
        (sargable on (partner, id): the mark is an uncorrelated subquery)."""
        mark = Coalesce(
            models.Subquery(
                NotificationReadMark.objects.filter(user=user).values("read_through_id")[:1]
            ),
            models.Value(0),
        )
        read = NotificationRead.objects.filter(user=user, notification=models.OuterRef("pk"))
        return Q(pk__gt=mark) & ~Q(models.Exists(read))


class NotificationReadMark(models.Model):
    """A seller's "read through" mark: every notification with an id up to it is read.

    "Mark all read" moves the mark (one row written, whatever the volume), so the badge can
    always reach zero and counting unread ones scans only what is newer than the mark.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_read_mark",
    )
    read_through_id = models.BigIntegerField(default=0)
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} read through #{self.read_through_id}"


class NotificationRead(models.Model):
    """One seller read one notification newer than their mark (single reads, reads by kind).

    Rows at or below the mark say nothing new; "mark all read" deletes them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_reads",
        db_index=False,  # the unique (user, notification) serves it
    )
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "notification"], name="one_read_per_user_and_notification"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} read #{self.notification_id}"


NOTE_MAX_LENGTH = 5000


class LeadNoteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)


class LeadNote(models.Model):
    """A staff-only text note on a lead; every staff user of the partner sees it.

    Deleting is soft (the history keeps a `note_deleted` event); only the author edits.
    """

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = LeadNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["lead", "-created_at"],
                name="lead_note_lead_idx",
                condition=Q(deleted_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.body[:40]


class SavedView(models.Model):
    """A named pool query (filters and sort) of one seller, optionally shared with the team."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="saved_views", db_index=False
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=2000, blank=True)
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="one_saved_view_name_per_user")
        ]
        indexes = [models.Index(fields=["partner", "shared"], name="saved_view_partner_idx")]

    def __str__(self) -> str:
        return self.name


class ExpiryDigest(models.Model):
    """One sent expiry digest: at most one per staff user per business day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    leads_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_expiry_digest_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
