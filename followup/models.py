"""Follow-up tasks on a lead: a title, a due time, an assignee (staff of the lead's partner)
and a done state. The lead keeps a copy of its soonest open task's due time
(`Lead.next_task_due_at`), refreshed by every task write (services)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from creators.models import Partner
from leads.models import Lead

TITLE_MAX_LENGTH = 200


class LeadTask(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    due_at = models.DateTimeField()
    # A deleted user's tasks stay on the lead, unassigned (users are normally deactivated).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_tasks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    done_at = models.DateTimeField(null=True, blank=True)
    due_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # A lead's tasks (the detail) and its soonest open one (next_task_due_at).
            models.Index(fields=["lead", "due_at", "id"], name="leadtask_lead_idx"),
            # "My tasks" and GET /tasks/?assignee=: one assignee's tasks by due time.
            models.Index(
                fields=["partner", "assignee", "due_at", "id"], name="leadtask_assignee_idx"
            ),
            # The partner's tasks by due time (GET /tasks/ without assignee).
            models.Index(fields=["partner", "due_at", "id"], name="leadtask_partner_idx"),
            # remind_due_tasks: open, not yet notified, by due time.
            models.Index(
                fields=["due_at"],
                name="leadtask_due_unnotified_idx",
                condition=Q(done_at__isnull=True, due_notified_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
