"""Notifications: one event for a user, or for every staff user of a partner, with per-user
read state. The apps above raise them (`notifications.services.notify`); this app knows no
lead, only a link and the id of what it is about."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from creators.models import Partner


class NotificationKind(models.TextChoices):
    # Sellers'
    NEW_REQUEST = "new_request", "New collaboration request"
    LEAD_REMOVED = "lead_removed", "Lead removed from pool"
    AUTHORIZATION_EXPIRED = "authorization_expired", "Authorization expired"
    AUTHORIZATION_EXPIRING = "authorization_expiring", "Authorization expiring"
    LEAD_ASSIGNED = "lead_assigned", "Lead assigned"
    RESPONSE_DUE = "response_due", "First reply due soon"
    RESPONSE_OVERDUE = "response_overdue", "First reply overdue"
    TASK_DUE = "task_due", "Task due"
    MENTIONED = "mentioned", "Mentioned in a note"
    RENEWED = "renewed", "Authorization renewed"
    WEBHOOK_DISABLED = "webhook_disabled", "Webhook disabled"
    # Creators'
    PARTNER_REPLIED = "partner_replied", "The partner replied"
    REQUEST_STATUS_CHANGED = "request_status_changed", "Request status changed"
    AUTHORIZATION_ENDING = "authorization_ending", "Data sharing ends soon"
    AUTHORIZATION_ENDED = "authorization_ended", "Data sharing ended"


SELLER_KINDS = frozenset(
    {
        NotificationKind.NEW_REQUEST,
        NotificationKind.LEAD_REMOVED,
        NotificationKind.AUTHORIZATION_EXPIRED,
        NotificationKind.AUTHORIZATION_EXPIRING,
        NotificationKind.LEAD_ASSIGNED,
        NotificationKind.RESPONSE_DUE,
        NotificationKind.RESPONSE_OVERDUE,
        NotificationKind.TASK_DUE,
        NotificationKind.MENTIONED,
        NotificationKind.RENEWED,
        NotificationKind.WEBHOOK_DISABLED,
    }
)
CREATOR_KINDS = frozenset(
    {
        NotificationKind.PARTNER_REPLIED,
        NotificationKind.REQUEST_STATUS_CHANGED,
        NotificationKind.AUTHORIZATION_ENDING,
        NotificationKind.AUTHORIZATION_ENDED,
    }
)


class Notification(models.Model):
    """One event for its recipients: `user` alone when set, else every staff user of `partner`.

    Read state is per user and lives apart (`NotificationReadMark`, `NotificationRead`), so a
    notification is written once however many staff the partner has, and a job's notices stay
    one INSERT ... SELECT. The table keeps its first name (it began in the leads app).
    """

    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        db_index=False,
        help_text="Every staff user of this partner, when no single user is named.",
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
    # Where the notification leads (a path on this site), and the lead it is about, if any: a
    # plain id, since this app sits below the apps that raise notifications.
    link = models.CharField(max_length=255, blank=True, default="", db_default="")
    lead_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "leads_notification"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["partner", "-created_at", "-id"], name="notification_partner_idx"),
            # The unread count walks (partner, id > the reader's mark); user_id rides along so
            # PostgreSQL can answer "for everyone or for me" from the index alone.
            models.Index(fields=["partner", "id", "user"], name="notification_partner_id_idx"),
            models.Index(
                fields=["partner", "kind", "-created_at", "-id"], name="notification_kind_idx"
            ),
            # A creator's (or anyone's without a partner): their own, newest first.
            models.Index(
                fields=["user", "id"],
                name="notification_user_id_idx",
                condition=Q(partner__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @classmethod
    def visible_to(cls, *, partner, user):
        """What one user sees: their partner's notifications for everyone, and their own."""
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
    """A user's "read through" mark: every notification with an id up to it is read.

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

    class Meta:
        db_table = "leads_notificationreadmark"

    def __str__(self) -> str:
        return f"{self.user} read through #{self.read_through_id}"


class NotificationRead(models.Model):
    """One user read one notification newer than their mark (single reads, reads by kind).

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
        db_table = "leads_notificationread"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "notification"], name="one_read_per_user_and_notification"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} read #{self.notification_id}"


class NotificationPreference(models.Model):
    """A user's choice for one kind: in-app always; email unless switched off here.

    No row means the default, email on (`notification_email_wanted`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        db_index=False,  # the unique (user, kind) serves it
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: email {'on' if self.email else 'off'}"
