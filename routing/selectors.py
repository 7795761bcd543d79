"""Reads of the routing app: a partner's rules, who is available, who is next, what matches."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import QueryDict

from creators.models import PartnerStaff
from leads.filters import LeadPoolFilter
from leads.models import Lead, LeadStatus

from .models import AssignmentRule, Strategy

OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED)


def rule_list(*, partner):
    """A partner's rules in their order, with their members (two queries)."""
    return (
        AssignmentRule.objects.filter(partner=partner)
        .order_by("position", "id")
        .prefetch_related("members")
    )


def rule_matches(*, rule, lead) -> bool:
    """Whether the rule's pool query takes this lead (one query)."""
    filterset = LeadPoolFilter(
        QueryDict(rule.query), queryset=Lead.objects.filter(pk=lead.pk), user=None
    )
    return filterset.qs.exists()


def available_members(*, partner_id: int, rule_ids) -> dict[int, list]:
    """Each rule's members who may take a lead now: active users still on the partner's staff,
    not away. Ordered by user id; each carries `last_assigned_at`. One query."""
    through = AssignmentRule.members.through
    rows = (
        through.objects.filter(
            assignmentrule_id__in=list(rule_ids),
            user__is_active=True,
            user__partner_staff__partner_id=partner_id,
            user__partner_staff__away=False,
        )
        .select_related("user__partner_staff")
        .order_by("user_id")
    )
    found: dict[int, list] = {rule_id: [] for rule_id in rule_ids}
    for row in rows:
        user = row.user
        user.last_assigned_at = user.partner_staff.last_assigned_at
        found[row.assignmentrule_id].append(user)
    return found


def open_counts(*, partner_id: int, user_ids) -> dict[int, int]:
    """How many open leads (new or contacted, in the pool) each user owns. One query."""
    rows = (
        Lead.objects.in_pool()
        .filter(partner_id=partner_id, owner_id__in=list(user_ids), status__in=OPEN_STATUSES)
        .values("owner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["owner_id"]: row["n"] for row in rows}


def next_member(*, rule, members: list, counts: dict[int, int]):
    """Who the rule gives its next lead to, of the available `members` (by user id), or None.

    Round robin: the first member after the cursor, wrapping. Fewest open: the fewest open
    leads; ties go to the longest wait since the last assignment, never-assigned first."""
    if not members:
        return None
    if rule.strategy == Strategy.FEWEST_OPEN:
        return min(
            members,
            key=lambda user: (
                counts.get(user.pk, 0),
                user.last_assigned_at is not None,
                user.last_assigned_at,
                user.pk,
            ),
        )
    cursor = rule.cursor_id or 0
    return next((user for user in members if user.pk > cursor), members[0])


def matching_open_counts(*, partner, rules) -> dict[int, int]:
    """For each rule, the partner's open leads its query matches; one query for all rules."""
    rules = list(rules)
    if not rules:
        return {}
    base = Lead.objects.in_pool().filter(partner=partner, status__in=OPEN_STATUSES)
    figures = {}
    for rule in rules:
        matched = LeadPoolFilter(QueryDict(rule.query), queryset=base, user=None).qs
        figures[f"r{rule.pk}"] = Count("pk", filter=Q(pk__in=matched.order_by().values("pk")))
    counts = base.order_by().aggregate(**figures)
    return {rule.pk: counts[f"r{rule.pk}"] for rule in rules}


def rule_previews(*, partner, rules) -> dict[int, dict]:
    """`{rule_id: {"matching_open": n, "next_member": user or None}}` for the rules shown, in a
    constant number of queries (three)."""
    rules = list(rules)
    if not rules:
        return {}
    members = available_members(partner_id=partner.pk, rule_ids=[rule.pk for rule in rules])
    everyone = {user.pk for users in members.values() for user in users}
    counts = open_counts(partner_id=partner.pk, user_ids=everyone)
    matching = matching_open_counts(partner=partner, rules=rules)
    return {
        rule.pk: {
            "matching_open": matching[rule.pk],
            "next_member": next_member(rule=rule, members=members[rule.pk], counts=counts),
        }
        for rule in rules
    }


def staff_choices(*, partner):
    """The partner's active staff, by username (the members picker)."""
    return (
        get_user_model()
        .objects.filter(partner_staff__partner=partner, is_active=True)
        .select_related("partner_staff")
        .order_by("username", "pk")
    )


def staff_of(*, user) -> PartnerStaff | None:
    """The seller's staff row (loaded with the user), or None."""
    try:
        return user.partner_staff
    except PartnerStaff.DoesNotExist:
        return None
