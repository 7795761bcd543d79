"""A lead's pipeline, one lead at a time: add from IM, remove, move its status.

The status, owner and removal writes go through the set-based writes of `sets.py` with one
id, so their rules exist once; these functions add what a single change answers with (a
refusal that names the field, the changed lead) and its consequences.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from creators.models import Creator, Partner

from .. import notices
from ..models import Lead, LeadEvent, LeadSource, LeadStatus
from ..pool_version import ALL, STATUS, pool_version_bump
from ..signals import lead_arrived
from .outbox import lead_created_write
from .recount import partners_collaborating_recount
from .sets import LEAD_STATUS_FLOW, leads_lock, leads_removed_set, leads_status_set


def creator_figures(creator: Creator) -> dict:
    """The creator's refreshed figures a lead carries (the pool's filter keys)."""
    return {"creator_tier": creator.tier, "creator_follower_count": creator.follower_count}


def lead_locked_get_or_create(
    *, partner: Partner, creator: Creator, source: str, now: dt.datetime, **extra
) -> tuple[Lead, bool]:
    """Get or create the partner's one lead for a creator, locked for this transaction.

    A new lead starts from the source, the time and the creator's figures (and `extra`).
    """
    lead = Lead.objects.select_for_update().filter(partner=partner, creator=creator).first()
    if lead is not None:
        return lead, False
    defaults = {"source": source, "requested_at": now, **creator_figures(creator), **extra}
    try:
        with transaction.atomic():
            lead = Lead.objects.create(partner=partner, creator=creator, **defaults)
        return lead, True
    except IntegrityError:
        # Another request created it between our read and our insert.
        return Lead.objects.select_for_update().get(partner=partner, creator=creator), False


@transaction.atomic
def lead_add(*, partner: Partner, creator: Creator, user) -> tuple[Lead, bool]:
    """Add to leads (from IM): a new lead with source Instant message, or restore a removed one.

    A restore keeps the lead's past: its source, its request time (and so its place in
    "newest first") and who first added it; the history's "restored" event says who brought
    it back and when. Returns the lead and whether the pool changed. Adding a lead already in
    the pool is a no-op.
    """
    lead, created = lead_locked_get_or_create(
        partner=partner,
        creator=creator,
        source=LeadSource.INSTANT_MESSAGE,
        now=timezone.now(),
        added_by=user,
    )
    now = lead.requested_at if created else timezone.now()  # after the row lock
    if created:
        LeadEvent.objects.create(lead=lead, kind=LeadEvent.Kind.ADDED, actor=user, created_at=now)
        lead_created_write(lead=lead, actor=user)  # the outbox, before routing's lead.assigned
        lead_arrived.send(sender=Lead, lead=lead, actor=user)
        pool_version_bump(partner_ids=[partner.pk])
        return lead, True
    if lead.removed_at is None:
        return lead, False
    lead.removed_at = None
    lead.removed_by = None
    lead.save(update_fields=["removed_at", "removed_by", "updated_at"])
    LeadEvent.objects.create(lead=lead, kind=LeadEvent.Kind.RESTORED, actor=user, created_at=now)
    lead_created_write(lead=lead, actor=user, arrival="restored")
    if lead.status == LeadStatus.COLLABORATING:
        partners_collaborating_recount(partner_ids=[partner.pk])
    lead_arrived.send(sender=Lead, lead=lead, actor=user)
    pool_version_bump(partner_ids=[partner.pk])
    return lead, True


@transaction.atomic
def lead_remove(*, lead: Lead, user, close_reason: tuple[str, str] | None = None) -> bool:
    """Remove from leads (soft) and notify the partner once; a repeat changes nothing. An
    optional close reason (code, text) is kept for the creator's request page."""
    target = Lead.objects.in_pool().filter(pk=lead.pk)
    leads_lock(target, ids=[lead.pk])
    now = timezone.now()  # after the row lock: events sort in the order they commit
    if not leads_removed_set(target, user=user, now=now, close_reason=close_reason):
        return False
    lead.refresh_from_db()
    if lead.status == LeadStatus.COLLABORATING:
        partners_collaborating_recount(partner_ids=[lead.partner_id])
    pool_version_bump(partner_ids=[lead.partner_id])
    notices.notice_removed(partner=lead.partner, user=user, count=1, lead=lead)
    return True


def lead_remove_for_creator(*, partner: Partner, creator: Creator, user) -> bool:
    """Remove from leads by creator (IM's toggle, page and API): False if nothing to remove."""
    lead = Lead.objects.filter(partner=partner, creator=creator).first()
    return lead_remove(lead=lead, user=user) if lead is not None else False


@transaction.atomic
def lead_set_status(
    *, lead: Lead, status: str, user, close_reason: tuple[str, str] | None = None
) -> Lead:
    """Move a lead through the pipeline (new → contacted → collaborating, or closed with an
    optional reason)."""
    if status not in LeadStatus.values:
        raise ValidationError(
            {"status": [f"Unknown status {status!r}; use one of {', '.join(LeadStatus.values)}."]}
        )
    target = Lead.objects.filter(pk=lead.pk)
    leads_lock(target)
    lead = target.get()
    if lead.removed_at is not None:
        raise ValidationError({"status": ["This lead was removed from the pool; add it first."]})
    if status == lead.status:
        return lead
    if status not in LEAD_STATUS_FLOW[LeadStatus(lead.status)]:
        raise ValidationError(
            {"status": [f"A {lead.get_status_display().lower()} lead cannot move to {status}."]}
        )
    from_status = lead.status
    awaiting_reply = lead.response_due_at is not None and lead.first_response_at is None
    leads_status_set(
        target, status=status, user=user, now=timezone.now(), close_reason=close_reason
    )
    lead.refresh_from_db()
    if LeadStatus.COLLABORATING in (from_status, status):
        partners_collaborating_recount(partner_ids=[lead.partner_id])
    # Counts by status only, unless the move answered a waiting request (the `response`
    # filter's counts move too).
    answered = awaiting_reply and lead.first_response_at is not None
    pool_version_bump(
        partner_ids=[lead.partner_id], change=ALL if answered else STATUS, lead_ids=[lead.pk]
    )
    return lead
