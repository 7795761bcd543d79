"""A partner's assignment rules: ordered, each a pool query, a strategy and its members."""

from django.conf import settings
from django.db import models

from creators.models import Partner


class Strategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", "Round robin"
    FEWEST_OPEN = "fewest_open", "Fewest open leads"


class AssignmentRule(models.Model):
    """The first active rule (by position) whose pool query matches a new, unowned lead gives
    it to one of its available members (not away, active, still staff of the partner)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="assignment_rules")
    name = models.CharField(max_length=80)
    # A pool query string, checked by the pool's own FilterSet (leads.filters.pool_query_check).
    query = models.CharField(max_length=2000, blank=True, default="")
    strategy = models.CharField(
        max_length=16, choices=Strategy.choices, default=Strategy.ROUND_ROBIN
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assignment_rules", blank=True
    )
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    # Round robin: the member who got this rule's last lead (members go in user id order; the
    # next is the first available one after this id, wrapping). Taken under the row's lock.
    cursor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["partner", "position", "id"], name="rule_partner_position_idx")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"
