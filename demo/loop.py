"""The demo's response loop (third release): an assignment rule, the first-response clock at
work, follow-up tasks, a mention, and partner responsiveness above and below the threshold.

A mixin of `seed_demo` (it shares the command's state: `self.now`); everything goes through
the services, as a team would have done it.
"""

import datetime as dt

from django.contrib.auth.models import User

from creators.models import Partner, Tier
from followup.services import due_tasks_remind, task_create
from leads.models import CollaborationRequest, Lead, LeadSource, LeadStatus
from leads.pool_version import pool_version_bump
from leads.services import note_create
from leads.services.escalation import unanswered_requests_escalate
from leads.services.responsiveness import partner_responsiveness_refresh
from routing.services import assignment_rule_create

GOLD_PLUS = (
    "&".join(f"tier={tier.key}" for tier in Tier.ranked() if tier >= Tier.GOLD)
    + "&source=collaboration_request"
)


class ResponseLoopScenes:
    """seed_demo's third-release scenes."""

    def shape_first_responses(self, rng) -> None:
        """The demo's history is built now and dated back: a reply the seed made today to a
        request of three weeks ago would read as three weeks late. Give each answered request
        a reply time a team would have had (1 to 40 hours after it, sooner for Alpha)."""
        answered = CollaborationRequest.objects.filter(first_response_at__isnull=False)
        for request in answered.select_related("partner").order_by("id"):
            hours = rng.uniform(1, 16 if request.partner.slug == "alpha" else 40)
            at = min(request.submitted_at + dt.timedelta(hours=hours), self.now)
            CollaborationRequest.objects.filter(pk=request.pk).update(first_response_at=at)
            Lead.objects.filter(pk=request.lead_id, response_due_at=request.response_due_at).update(
                first_response_at=at
            )
        pool_version_bump()

    def create_response_loop(self, partners: dict[str, Partner]) -> dict:
        alpha = partners["alpha"]
        seller_a = User.objects.get(username="seller_a")
        seller_a2 = User.objects.get(username="seller_a2")
        # New Gold+ requests go round the team; the leads already in the pool keep their owners.
        assignment_rule_create(
            partner=alpha,
            name="Gold+",
            query=GOLD_PLUS,
            strategy="round_robin",
            members=[seller_a.pk, seller_a2.pk],
        )
        # seller_a2's follow-ups: two overdue, two due today, one next week.
        leads = list(
            Lead.objects.in_pool()
            .filter(partner=alpha, status__in=[LeadStatus.NEW, LeadStatus.CONTACTED])
            .order_by("id")[:5]
        )
        plans = [
            ("Send the rate card", -26),
            ("Call about the LIVE schedule", -3),
            ("Confirm samples arrived", 1),
            ("Book a test LIVE", 2),
            ("Check the first week's GMV", 24 * 6),
        ]
        for lead, (title, hours) in zip(leads, plans, strict=False):
            task_create(
                lead=lead,
                user=seller_a,
                title=title,
                due_at=self.now + dt.timedelta(hours=hours),
                assignee_id=seller_a2.pk,
            )
        # A note that mentions a colleague reaches them.
        request_lead = (
            Lead.objects.in_pool()
            .filter(partner=alpha, source=LeadSource.COLLABORATION_REQUEST)
            .order_by("-requested_at")
            .first()
        )
        if request_lead is not None:
            note_create(
                lead=request_lead,
                author=seller_a,
                body="@seller_a2 she asked about beauty brands: can you take the first call?",
            )
        # The hourly jobs have run once: the bells show the due tasks and late replies.
        due_tasks_remind()
        unanswered_requests_escalate()
        run = partner_responsiveness_refresh()
        return {"tasks": min(len(leads), len(plans)), "responsiveness": run.rows_changed}
