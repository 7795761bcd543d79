"""A lead: a creator in one partner's Leads Pool, and the rules of its authorization."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from creators.models import Creator, Partner, Tier


class LeadSource(models.TextChoices):
    COLLABORATION_REQUEST = "collaboration_request", "Collaboration request"
    INSTANT_MESSAGE = "instant_message", "Instant message"


class CloseReason(models.TextChoices):
    """Why a seller closed or removed a lead (the creator sees it on their request)."""

    NOT_A_FIT = "not_a_fit", "Not a fit for our brands right now"
    NO_CAPACITY = "no_capacity", "No capacity at the moment"
    NO_REPLY = "no_reply", "No reply from the creator"
    OTHER = "other", "Other"


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    COLLABORATING = "collaborating", "Collaborating"
    CLOSED = "closed", "Closed"


def authorized_q(now=None) -> Q:
    """Rows whose data authorization is live: its expiry is still in the future."""
    return Q(authorization_expires_at__gt=now or timezone.now())


# "Expires within 24 h": the pool's header count and quick filter, and the reminder notice.
EXPIRING_SOON_HOURS = 24


def expiring_q(hours: int = EXPIRING_SOON_HOURS, now=None) -> Q:
    """Rows whose live authorization ends within `hours` from now (the end included)."""
    now = now or timezone.now()
    return authorized_q(now) & Q(authorization_expires_at__lte=now + dt.timedelta(hours=hours))


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
    # The first-response clock of the lead's current collaboration request (null for an IM
    # lead): due at the request time plus the partner's response target; answered by the
    # first staff IM message after the request or a person's status change. Stamped once.
    response_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_response_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The soonest open follow-up task's due time (the routing app keeps it): the pool's task
    # filter and sort read this column.
    next_task_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Why it was last closed or removed, if the seller said (shown to the creator).
    close_reason = models.CharField(
        max_length=16, choices=CloseReason.choices, blank=True, db_default=""
    )
    close_reason_text = models.CharField(max_length=200, blank=True, db_default="")
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
            # The purge at expiry: leads still holding licensed figures, by expiry.
            models.Index(
                fields=["authorization_expires_at"],
                name="lead_licensed_idx",
                condition=Q(licensed_data__isnull=False),
            ),
            # "Awaiting a first reply" and "overdue": unanswered requests by due time.
            models.Index(
                fields=["partner", "response_due_at", "id"],
                name="lead_pool_awaiting_idx",
                condition=Q(
                    removed_at__isnull=True,
                    response_due_at__isnull=False,
                    first_response_at__isnull=True,
                ),
            ),
            # The task filter and "next task due" sort.
            models.Index(
                fields=["partner", "next_task_due_at", "id"],
                name="lead_pool_task_idx",
                condition=Q(removed_at__isnull=True, next_task_due_at__isnull=False),
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
    """How many times a partner's leads have changed: the keys of its cached pool pages and
    counts.

    Every write to a partner's leads adds one to `version` in the same transaction
    (`leads.pool_version.pool_version_bump`), so a page cached under a version is exact for
    as long as that version is current, whatever the cache backend. No row means 0. The two
    count versions move only with what counts select by: `status_counts_version` with a
    status or anything else counted, `counts_version` with anything counted but a status (a
    note or an owner change moves neither).
    """

    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, primary_key=True, related_name="lead_pool_version"
    )
    version = models.PositiveBigIntegerField(default=0)
    counts_version = models.PositiveBigIntegerField(default=0, db_default=0)
    status_counts_version = models.PositiveBigIntegerField(default=0, db_default=0)

    def __str__(self) -> str:
        return f"{self.partner} v{self.version}"
