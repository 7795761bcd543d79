from .assign import lead_arrived_route, lead_route
from .rules import (
    assignment_rule_create,
    assignment_rule_delete,
    assignment_rule_move,
    assignment_rule_update,
)
from .settings import partner_response_target_set, staff_away_set

__all__ = [
    "assignment_rule_create",
    "assignment_rule_delete",
    "assignment_rule_move",
    "assignment_rule_update",
    "lead_arrived_route",
    "lead_route",
    "partner_response_target_set",
    "staff_away_set",
]
