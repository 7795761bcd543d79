"""Ground-layer records every domain app shares: the runs of scheduled jobs, job leases and
the transactional outbox."""

from django.db import models
from django.utils import timezone


class JobRun(models.Model):
    """One run of a scheduled job: when, how long, how many rows it changed."""

    class Job(models.TextChoices):
        REFRESH_TIERS = "refresh_tiers", "Tier refresh"
        REFRESH_FOLLOWERS = "refresh_followers", "Follower refresh"
        EXPIRE_AUTHORIZATIONS = "expire_authorizations", "Authorization expiry"
        IMPORT_CREATOR_STATS = "import_creator_stats", "Creator-stats import"
        REMIND_EXPIRING_AUTHORIZATIONS = (
            "remind_expiring_authorizations",
            "Expiring-authorization reminders",
        )
        SEND_EXPIRY_DIGEST = "send_expiry_digest", "Expiry digest email"
        ESCALATE_UNANSWERED_REQUESTS = (
            "escalate_unanswered_requests",
            "Unanswered-request escalation",
        )
        REMIND_DUE_TASKS = "remind_due_tasks", "Due-task reminders"
        REFRESH_PARTNER_RESPONSIVENESS = (
            "refresh_partner_responsiveness",
            "Partner responsiveness refresh",
        )
        PURGE_EXPIRED_LICENSED_DATA = (
            "purge_expired_licensed_data",
            "Expired licensed data purge",
        )

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        # Left "running" by a worker that died; the next run does the work.
        ABANDONED = "abandoned", "Abandoned"
        # Not run: another run of the same job was in progress.
        SKIPPED = "skipped", "Skipped"

    job = models.CharField(max_length=32, choices=Job.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    as_of = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_changed = models.PositiveIntegerField(default=0)
    detail = models.TextField(blank=True)

    class Meta:
        # The table kept its name when the model moved here from `creators`.
        db_table = "creators_jobrun"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_idx")]

    def __str__(self) -> str:
        return f"{self.get_job_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration_s(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class JobLock(models.Model):
    """A job's lease: who runs it now, and until when that claim holds unless renewed.

    One row per lock name, written only by single autocommit statements (a compare-and-swap
    on `token`), so no database session holds anything between them: the lease works the
    same through PgBouncer's transaction pooling as on a direct connection, and a holder
    that dies simply stops renewing (core/locks.py).
    """

    name = models.CharField(max_length=100, primary_key=True)
    # host:pid:process start, of the process that holds it; empty when free.
    holder = models.CharField(max_length=200, blank=True)
    token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField()
    acquired_at = models.DateTimeField(null=True, blank=True)
    renewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder or 'nobody'} until {self.lease_until:%H:%M:%S}"


class OutboxEvent(models.Model):
    """One domain event (a lead created, its status changed, a creator's message, …).

    Written by the service that makes the change, in the same transaction (set-based writes
    write one row per lead with the same statement set), so a rolled-back change leaves no
    event and a committed one is never lost. `integrations` fans committed events out to a
    partner's webhook endpoints and stamps `dispatched_at`. The ground layer holds the table
    so every domain app can write it without importing the app that delivers it.
    """

    id = models.BigAutoField(primary_key=True)
    # creators.Partner's id; a plain column because the ground layer imports no app.
    partner_id = models.BigIntegerField()
    type = models.CharField(max_length=40)
    lead_id = models.BigIntegerField(null=True, blank=True)
    # What the event says beyond the lead's id: never licensed creator data (that is read at
    # send time, only while the authorization lasts).
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_undispatched_idx",
                condition=models.Q(dispatched_at__isnull=True),
            ),
            models.Index(fields=["partner_id", "id"], name="outbox_partner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.id} (partner {self.partner_id})"
