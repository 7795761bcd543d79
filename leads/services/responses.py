"""The first-response clock: every collaboration request is due a first reply within the
partner's response target, and the first reply is stamped once.

The first response is the first of: a staff member's IM message to the creator after the
request (`first_response_by_message`, called by IM's send service), or a person's status
change of the lead (`first_responses_by_status`, called by the set-based status write). A
repeat request while one is open changes nothing; a new request (after a close, a removal or
an expiry) starts a new clock.
"""

import datetime as dt

from django.db.models import Q

from ..models import CollaborationRequest, FirstResponse, Lead
from ..notices import notice_partner_replied
from ..pool_version import pool_version_bump
from .responsiveness import partner_responsiveness_on_commit


def response_due_at(*, partner, submitted_at: dt.datetime) -> dt.datetime:
    """When a request submitted at `submitted_at` is due its first reply."""
    return submitted_at + dt.timedelta(hours=partner.response_target_hours)


def unanswered_q() -> Q:
    """Leads whose current request is still waiting for its first reply."""
    return Q(response_due_at__isnull=False, first_response_at__isnull=True)


def _stamp(lead_ids: list[int], *, at: dt.datetime, kind: str) -> int:
    if not lead_ids:
        return 0
    stamped = Lead.objects.filter(unanswered_q(), pk__in=lead_ids).update(first_response_at=at)
    CollaborationRequest.objects.filter(
        lead_id__in=lead_ids, is_open=True, first_response_at__isnull=True
    ).update(first_response_at=at, first_response_kind=kind)
    return stamped


def first_responses_by_status(*, lead_ids: list[int], at: dt.datetime) -> int:
    """A person moved these leads (the caller knows they moved): the ones still waiting for
    a first reply are answered now, by a status change. Returns how many."""
    stamped = _stamp(lead_ids, at=at, kind=FirstResponse.STATUS)
    if stamped:
        partner_ids = set(
            Lead.objects.filter(pk__in=lead_ids).values_list("partner_id", flat=True).distinct()
        )
        if len(partner_ids) == 1:
            partner_responsiveness_on_commit(partner_id=partner_ids.pop())
    return stamped


def first_response_by_message(*, partner_id: int, creator_id: int, at: dt.datetime) -> bool:
    """A staff member wrote to the creator in IM: the lead's open request, if it waits for its
    first reply and came before this message, is answered now. Returns whether it was."""
    waiting = list(
        Lead.objects.filter(
            unanswered_q(),
            partner_id=partner_id,
            creator_id=creator_id,
            collaboration_requests__is_open=True,
            collaboration_requests__submitted_at__lte=at,
        ).values_list("pk", flat=True)[:1]
    )
    if not _stamp(waiting, at=at, kind=FirstResponse.MESSAGE):
        return False
    pool_version_bump(partner_ids=[partner_id])  # rows show the reply and its response filter
    answered = (
        CollaborationRequest.objects.filter(lead_id=waiting[0], is_open=True)
        .select_related("partner", "creator__user")
        .first()
    )
    if answered is not None:
        notice_partner_replied(request=answered)
    partner_responsiveness_on_commit(partner_id=partner_id)
    return True
