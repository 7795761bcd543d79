"""A seller's workspace around the pool: saved views, the pool's per-user layout, and the
expiry digests sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from creators.models import Partner


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


class PoolPreference(models.Model):
    """How one seller left the Leads Pool's layout: whether the filter panel is open. Kept on
    the server (not in the session), so it holds across logins and browsers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="pool_preference",
    )
    filters_open = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} filters {'open' if self.filters_open else 'closed'}"


class ExpiryDigest(models.Model):
    """One expiry digest: at most one per staff user per business day. Queued by the job,
    `sent_at` stamped by the mail task once the mail backend took it (null: not yet, or lost:
    a later run that day queues it again)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    leads_count = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_expiry_digest_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
