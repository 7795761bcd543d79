"""A partner's assignment rules: create, change, delete and reorder."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict

from core.text import text_refuse_nul
from leads.filters import pool_query_check

from ..models import AssignmentRule, Strategy

NAME_MAX_LENGTH = 80
QUERY_MAX_LENGTH = 2000
RULES_MAX = 50
# The page number and page size mean nothing to a rule.
DROPPED_KEYS = ("page", "page_size")
MEMBERS_NOT_STAFF = "Members are user ids of your partner's active staff."


def _name_clean(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"name": ["Name the rule."]})
    name = text_refuse_nul(name.strip(), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": [f"A name can be at most {NAME_MAX_LENGTH} characters."]})
    return name


def rule_query_clean(query) -> str:
    """The pool query string a rule keeps, normalised; ValidationError naming `query` when the
    pool's FilterSet would refuse it."""
    if not isinstance(query, str):
        raise ValidationError({"query": ["A query is the pool's query string, as text."]})
    query = text_refuse_nul(query.strip().lstrip("?"), field="query")
    if len(query) > QUERY_MAX_LENGTH:
        raise ValidationError(
            {"query": [f"A query can be at most {QUERY_MAX_LENGTH:,} characters."]}
        )
    params = QueryDict(query, mutable=True)
    for key in DROPPED_KEYS:
        params.pop(key, None)
    pool_query_check(params, field="query")
    return params.urlencode()


def _strategy_clean(strategy) -> str:
    if strategy not in Strategy.values:
        raise ValidationError({"strategy": ["Choose round_robin or fewest_open."]})
    return strategy


def _members_clean(*, partner, members) -> list[int]:
    """Ids of the partner's active staff; any other id is a 400 naming `members`."""
    if not isinstance(members, list | tuple) or any(
        isinstance(m, bool) or not isinstance(m, int) for m in members
    ):
        raise ValidationError({"members": ["Members are a list of user ids."]})
    ids = sorted(set(members))
    if not ids:
        raise ValidationError({"members": ["Choose at least one member."]})
    staff = set(
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True, partner_staff__partner=partner)
        .values_list("pk", flat=True)
    )
    if staff != set(ids):
        raise ValidationError({"members": [MEMBERS_NOT_STAFF]})
    return ids


def _position_clean(position) -> int:
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise ValidationError({"position": ["A position is a whole number from 0."]})
    return position


def _bool_clean(value, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError({field: ["Use true or false."]})
    return value


@transaction.atomic
def assignment_rule_create(
    *, partner, name, query, strategy, members, active=True, position=None
) -> AssignmentRule:
    """Add a rule to the partner's list (last unless a position is given), members checked
    to be the partner's active staff."""
    fields = {
        "name": _name_clean(name),
        "query": rule_query_clean(query),
        "strategy": _strategy_clean(strategy),
        "active": _bool_clean(active, field="active"),
    }
    member_ids = _members_clean(partner=partner, members=members)
    positions = list(
        AssignmentRule.objects.select_for_update()
        .filter(partner=partner)
        .values_list("position", flat=True)
    )
    if len(positions) >= RULES_MAX:
        raise ValidationError({"name": [f"A partner can keep at most {RULES_MAX} rules."]})
    if position is None:
        position = max(positions) + 1 if positions else 0
    rule = AssignmentRule.objects.create(
        partner=partner, position=_position_clean(position), **fields
    )
    rule.members.set(member_ids)
    return rule


@transaction.atomic
def assignment_rule_update(*, rule: AssignmentRule, **changes) -> AssignmentRule:
    """Change some of a rule's fields (name, query, strategy, members, active, position),
    each checked as on creation."""
    cleaners = {
        "name": _name_clean,
        "query": rule_query_clean,
        "strategy": _strategy_clean,
        "active": lambda value: _bool_clean(value, field="active"),
        "position": _position_clean,
    }
    unknown = sorted(set(changes) - set(cleaners) - {"members"})
    if unknown:
        raise ValidationError({unknown[0]: ["Rules do not have this field."]})
    rule = AssignmentRule.objects.select_for_update().get(pk=rule.pk)
    for field, clean in cleaners.items():
        if field in changes:
            setattr(rule, field, clean(changes[field]))
    member_ids = None
    if "members" in changes:
        member_ids = _members_clean(partner=rule.partner, members=changes["members"])
    rule.save()
    if member_ids is not None:
        rule.members.set(member_ids)
    return rule


@transaction.atomic
def assignment_rule_delete(*, rule: AssignmentRule) -> None:
    """Delete a rule; leads it assigned keep their owners."""
    AssignmentRule.objects.filter(pk=rule.pk).delete()


@transaction.atomic
def assignment_rule_move(*, rule: AssignmentRule, direction: str) -> None:
    """Move a rule one place up or down in its partner's order (positions renumbered 0..n)."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": ["Move a rule up or down."]})
    rules = list(
        AssignmentRule.objects.select_for_update()
        .filter(partner_id=rule.partner_id)
        .order_by("position", "id")
    )
    index = next(i for i, other in enumerate(rules) if other.pk == rule.pk)
    swap = index - 1 if direction == "up" else index + 1
    if 0 <= swap < len(rules):
        rules[index], rules[swap] = rules[swap], rules[index]
    for position, other in enumerate(rules):
        if other.position != position:
            other.position = position
            AssignmentRule.objects.filter(pk=other.pk).update(position=position)
