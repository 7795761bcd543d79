"""Assignment: a lead that enters the pool unowned is given an owner by the partner's first
active rule (by position) whose pool query matches it, in the writer's transaction."""

from django.db import transaction
from django.utils import timezone

from creators.models import PartnerStaff
from leads import notices
from leads.models import Lead, LeadEvent
from leads.pool_version import pool_version_bump
from leads.services.sets import leads_owner_set

from .. import selectors
from ..models import AssignmentRule, Strategy


def lead_arrived_route(sender, *, lead, actor=None, **kwargs) -> None:
    """The `leads.signals.lead_arrived` receiver: route the lead that just arrived."""
    lead_route(lead=lead)


@transaction.atomic
def lead_route(*, lead: Lead):
    """Give an unowned lead in the pool to a member of the first active rule that matches it;
    returns the owner, or None (owned already, no rule matched, or no member available)."""
    if lead.owner_id is not None or lead.removed_at is not None:
        return None  # rules never reassign an owned lead
    rules = (
        AssignmentRule.objects.filter(partner_id=lead.partner_id, active=True)
        .order_by("position", "id")
        .only("pk", "query")
    )
    for rule in rules:
        if selectors.rule_matches(rule=rule, lead=lead):
            return _assign_by_rule(rule_id=rule.pk, lead=lead)
    return None


def _assign_by_rule(*, rule_id: int, lead: Lead):
    # The rule's row lock serialises its assignments: the cursor and the open counts read
    # below are those the previous assignment committed.
    rule = AssignmentRule.objects.select_for_update().filter(pk=rule_id, active=True).first()
    if rule is None:
        return None
    members = selectors.available_members(partner_id=lead.partner_id, rule_ids=[rule.pk])
    members = members[rule.pk]
    counts = (
        selectors.open_counts(partner_id=lead.partner_id, user_ids=[m.pk for m in members])
        if rule.strategy == Strategy.FEWEST_OPEN and members
        else {}
    )
    owner = selectors.next_member(rule=rule, members=members, counts=counts)
    if owner is None:
        return None  # no available member: the lead stays unowned
    now = timezone.now()
    changed = leads_owner_set(
        Lead.objects.filter(pk=lead.pk, owner__isnull=True),
        owner_id=owner.pk,
        user=None,
        now=now,
        rule={"id": rule.pk, "name": rule.name},  # the lead.assigned event names its rule
    )
    if not changed:
        return None
    LeadEvent.objects.filter(
        lead_id=lead.pk,
        kind=LeadEvent.Kind.ASSIGNED,
        actor__isnull=True,
        to_owner_id=owner.pk,
        created_at=now,
    ).update(text=rule.name)
    if rule.strategy == Strategy.ROUND_ROBIN:
        AssignmentRule.objects.filter(pk=rule.pk).update(cursor=owner)
    PartnerStaff.objects.filter(user_id=owner.pk).update(last_assigned_at=now)
    lead.owner = owner
    pool_version_bump(partner_ids=[lead.partner_id])
    notices.notice_assigned(partner=lead.partner, owner=owner, user=None, count=1, lead=lead)
    return owner
