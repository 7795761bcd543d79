"""The seller's settings page: response target, assignment rules (with their preview) and the
"I'm away" toggle. Pages parse, call the services and answer; errors name the field."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.ids import id_parse
from core.roles import seller_partner, seller_required

from . import selectors, services
from .models import AssignmentRule, Strategy

NEW = "new"


def _render(request, *, errors=None, failed=None, posted=None, target_errors=None, status=200):
    """The page; `failed` is the rule form (a rule id or NEW) re-shown with `posted` values."""
    partner = seller_partner(request.user)
    rules = list(selectors.rule_list(partner=partner))
    previews = selectors.rule_previews(partner=partner, rules=rules)
    rows = []
    for rule in rules:
        values = {
            "name": rule.name,
            "query": rule.query,
            "strategy": rule.strategy,
            "members": {member.pk for member in rule.members.all()},
            "active": rule.active,
        }
        if failed == rule.pk:
            values = posted
        rows.append(
            {
                "rule": rule,
                "members": sorted(rule.members.all(), key=lambda user: user.get_username()),
                "values": values,
                "preview": previews[rule.pk],
                "errors": errors if failed == rule.pk else None,
            }
        )
    new_values = posted if failed == NEW else {"strategy": Strategy.ROUND_ROBIN, "active": True}
    staff = selectors.staff_of(user=request.user)
    context = {
        "nav": "settings",
        "partner": partner,
        "target_hours": partner.response_target_hours,
        "target_errors": target_errors,
        "away": bool(staff and staff.away),
        "rules": rows,
        "staff": list(selectors.staff_choices(partner=partner)),
        "strategies": Strategy.choices,
        "new_values": new_values,
        "new_errors": errors if failed == NEW else None,
    }
    return render(request, "routing/settings.html", context, status=status)


@seller_required
@require_GET
def settings_page(request):
    return _render(request)


def _posted_rule(request) -> dict:
    raw = request.POST.getlist("members")
    return {
        "name": request.POST.get("name", ""),
        "query": request.POST.get("query", ""),
        "strategy": request.POST.get("strategy", ""),
        "members": [id_parse(value) if id_parse(value) is not None else value for value in raw],
        "active": request.POST.get("active") == "on",
    }


def _shown(posted: dict) -> dict:
    return {**posted, "members": {m for m in posted["members"] if isinstance(m, int)}}


def _rule_of(request, rule_id) -> AssignmentRule:
    rule = AssignmentRule.objects.filter(partner=seller_partner(request.user), pk=rule_id).first()
    if rule is None:
        raise Http404("No such rule.")
    return rule


@seller_required
@require_POST
def rule_create(request):
    posted = _posted_rule(request)
    try:
        rule = services.assignment_rule_create(partner=seller_partner(request.user), **posted)
    except ValidationError as exc:
        return _render(
            request, errors=exc.message_dict, failed=NEW, posted=_shown(posted), status=400
        )
    messages.success(request, f"Added the rule “{rule.name}”.")
    return redirect("routing:settings")


@seller_required
@require_POST
def rule_update(request, rule_id):
    rule = _rule_of(request, rule_id)
    posted = _posted_rule(request)
    try:
        services.assignment_rule_update(rule=rule, **posted)
    except ValidationError as exc:
        return _render(
            request, errors=exc.message_dict, failed=rule.pk, posted=_shown(posted), status=400
        )
    messages.success(request, f"Saved the rule “{posted['name'].strip()}”.")
    return redirect("routing:settings")


@seller_required
@require_POST
def rule_delete(request, rule_id):
    rule = _rule_of(request, rule_id)
    services.assignment_rule_delete(rule=rule)
    messages.success(request, f"Deleted the rule “{rule.name}”.")
    return redirect("routing:settings")


@seller_required
@require_POST
def rule_move(request, rule_id):
    rule = _rule_of(request, rule_id)
    try:
        services.assignment_rule_move(rule=rule, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("routing:settings")


@seller_required
@require_POST
def rule_active_set(request, rule_id):
    rule = _rule_of(request, rule_id)
    active = request.POST.get("active") == "on"
    services.assignment_rule_update(rule=rule, active=active)
    state = "on" if active else "off"
    messages.success(request, f"Turned the rule “{rule.name}” {state}.")
    return redirect("routing:settings")


@seller_required
@require_POST
def response_target_set(request):
    raw = request.POST.get("response_target_hours", "").strip()
    hours = id_parse(raw)
    try:
        services.partner_response_target_set(
            partner=seller_partner(request.user), hours=hours if hours is not None else raw
        )
    except ValidationError as exc:
        return _render(request, target_errors=exc.message_dict, status=400)
    messages.success(request, f"Response target set to {hours} hours.")
    return redirect("routing:settings")


@seller_required
@require_POST
def away_set(request):
    away = request.POST.get("away") == "on"
    services.staff_away_set(user=request.user, away=away)
    if away:
        messages.success(request, "You are away: assignment rules skip you until you are back.")
    else:
        messages.success(request, "Welcome back: assignment rules include you again.")
    return redirect("routing:settings")
