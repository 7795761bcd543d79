"""What happened to a lead: its history (events) and the staff's notes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .lead import Lead


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
        UNDONE = "undone", "Change undone"
        STATUS_CHANGED = "status_changed", "Status changed"
        ASSIGNED = "assigned", "Owner changed"
        NOTE_ADDED = "note_added", "Note added"
        NOTE_DELETED = "note_deleted", "Note deleted"
        AUTHORIZATION_EXPIRED = "authorization_expired", "Authorization expired"
        TASK_COMPLETED = "task_completed", "Task completed"
        TASK_REOPENED = "task_reopened", "Task reopened"
        RENEWAL_REQUESTED = "renewal_requested", "Renewal requested"

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
