"""Writes for leads, one module per sub-domain; pages, the API, admin and jobs call these.

eligibility (the Silver gate), requests (Request to Collaborate), pipeline (add, remove and
move one lead), sets (the set-based status, owner and removal writes every path goes
through), bulk, owners, notes, saved_views, expiry, reminders (the 24-hour notice and the
digest), figures (the leads' copies of creator data), recount (collaborating creators).
"""

from .bulk import BulkResult, leads_bulk_apply
from .eligibility import NotEligible, silver_gate, silver_rule
from .expiry import authorizations_expire
from .figures import lead_figures_sync, leads_sync_creator_search
from .notes import note_create, note_delete, note_update
from .owners import lead_assign, leads_unassign_staff, staff_member
from .pipeline import lead_add, lead_remove, lead_remove_for_creator, lead_set_status
from .recount import partners_collaborating_recount
from .reminders import expiring_authorizations_remind, expiry_digest_send
from .requests import SubmitResult, collaboration_request_submit
from .responses import first_response_by_message
from .saved_views import saved_view_create, saved_view_delete, saved_view_query_clean
from .sets import LEAD_STATUS_FLOW

# fmt: off
__all__ = [
    "BulkResult", "LEAD_STATUS_FLOW", "NotEligible", "SubmitResult", "authorizations_expire",
    "collaboration_request_submit", "expiring_authorizations_remind", "expiry_digest_send",
    "first_response_by_message",
    "lead_add", "lead_assign", "lead_figures_sync", "lead_remove", "lead_remove_for_creator",
    "lead_set_status", "leads_bulk_apply", "leads_sync_creator_search", "leads_unassign_staff",
    "note_create",
    "note_delete", "note_update", "partners_collaborating_recount", "saved_view_create",
    "saved_view_delete", "saved_view_query_clean", "silver_gate", "silver_rule", "staff_member",
]
# fmt: on
