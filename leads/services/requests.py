"""Collaboration requests: a Silver+ creator's Request to Collaborate lands in the partner's
Leads Pool with licensed data for `AUTHORIZATION_DAYS` days."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.outbox import LEAD_STATUS_CHANGED, outbox_write
from core.text import text_refuse_nul
from creators.models import Creator, Partner
from creators.selectors import creator_licensed_data

from .. import notices
from ..models import CollaborationRequest, Lead, LeadEvent, LeadSource, LeadStatus
from ..pool_version import pool_version_bump
from ..signals import collaboration_request_sent, lead_arrived
from .eligibility import silver_gate
from .outbox import lead_created_write, status_changed_data
from .pipeline import creator_figures, lead_locked_get_or_create
from .recount import partners_collaborating_recount
from .responses import response_due_at


@dataclass
class SubmitResult:
    request: CollaborationRequest
    created: bool
    # A repeat's message went to the IM thread (empty repeats deliver nothing).
    message_delivered: bool = False


def _authorization_expires_at(submitted_at: dt.datetime) -> dt.datetime:
    return submitted_at + dt.timedelta(days=settings.AUTHORIZATION_DAYS)


def collaboration_request_submit(
    *, creator: Creator, partner: Partner, message: str = "", consent: bool = True
) -> SubmitResult:
    """A Silver+ creator's Request to Collaborate; a repeat returns the open request."""
    silver_gate(creator=creator)
    if not consent:
        raise ValidationError(
            {
                "consent": [
                    "Agree to share your licensed data with the partner for "
                    f"{settings.AUTHORIZATION_DAYS} days."
                ]
            }
        )
    text_refuse_nul(message, field="message")
    if len(message) > 2000:
        raise ValidationError({"message": ["Keep the message to 2,000 characters or fewer."]})
    message = message.strip()
    try:
        return _collaboration_request_submit(
            creator=creator, partner=partner, message=message, consent=consent
        )
    except IntegrityError:
        # A concurrent submission won the race on the open-request constraint: this one is a
        # repeat, and its message still goes to the thread.
        with transaction.atomic():
            existing = CollaborationRequest.objects.get(
                creator=creator, partner=partner, is_open=True
            )
            delivered = _repeat_message_deliver(request=existing, message=message)
        return SubmitResult(existing, created=False, message_delivered=delivered)


def _repeat_message_deliver(*, request: CollaborationRequest, message: str) -> bool:
    """A repeat while a request is open: its message joins the lead's history and the IM
    thread (im's receiver posts it there), never dropped. Returns whether there was one."""
    if message:
        LeadEvent.objects.create(
            lead_id=request.lead_id,
            kind=LeadEvent.Kind.MESSAGE,
            actor=request.creator.user,
            text=message,
        )
        pool_version_bump(partner_ids=[request.partner_id])  # the row shows the latest message
    collaboration_request_sent.send(
        sender=CollaborationRequest, request=request, created=False, message=message
    )
    return bool(message)


def _outbox_record(*, lead, request, created: bool, restored: bool, was: str) -> None:
    """A new request's events: lead.created, as every arrival in the pool (a new lead, one
    back from removal, or a lead in the pool with a new request: an IM lead's first, or one
    after expiry or close); and lead.status_changed when it reopens a closed lead."""
    actor = request.creator.user
    arrival = "new" if created else "restored" if restored else "request"
    lead_created_write(lead=lead, actor=actor, request_id=request.pk, arrival=arrival)
    if arrival == "request" and was != lead.status:
        data = status_changed_data(status=lead.status, user=actor, close_reason=None)
        outbox_write(
            partner_id=lead.partner_id,
            type=LEAD_STATUS_CHANGED,
            lead_id=lead.pk,
            data={"from": was, **data, "request_id": request.pk},
        )


@transaction.atomic
def _collaboration_request_submit(*, creator, partner, message, consent) -> SubmitResult:
    lead, lead_created = lead_locked_get_or_create(
        partner=partner,
        creator=creator,
        source=LeadSource.COLLABORATION_REQUEST,
        now=timezone.now(),
    )
    # The time is taken once the lead's row lock is held, so concurrent changes to one lead
    # get their times in the order they commit, and its history sorts in that order.
    now = timezone.now()
    open_request = (
        CollaborationRequest.objects.select_for_update()
        .filter(creator=creator, partner=partner, is_open=True)
        .first()
    )
    if open_request is not None:
        open_request.lead = lead  # the row locked above: the rule reads it, no second query
        if open_request.is_pending(now):
            delivered = _repeat_message_deliver(request=open_request, message=message)
            return SubmitResult(open_request, created=False, message_delivered=delivered)
        # Expired (job not run yet), or closed or removed from the pool by the seller: end it,
        # then renew below.
        open_request.is_open = False
        if not open_request.is_authorized(now):
            open_request.expired_at = open_request.expired_at or now
        else:
            open_request.closed_at = now
        open_request.save(update_fields=["is_open", "expired_at", "closed_at"])

    licensed_data = creator_licensed_data(creator=creator)
    expires_at = _authorization_expires_at(now)
    due = response_due_at(partner=partner, submitted_at=now)
    request = CollaborationRequest.objects.create(
        partner=partner,
        creator=creator,
        lead=lead,
        message=message,
        consent_given=consent,
        creator_tier=creator.tier,
        licensed_data=licensed_data,
        submitted_at=now,
        authorization_expires_at=expires_at,
        response_due_at=due,
    )
    # Renewed only when this lead carried an earlier authorization that is still in the pool;
    # an IM lead's first request, or a request after removal, is a new request.
    renewing = not lead_created and lead.authorization_expires_at is not None
    was_removed = lead.removed_at is not None
    lead.source = LeadSource.COLLABORATION_REQUEST
    lead.requested_at = now
    lead.licensed_data = licensed_data
    lead.authorization_expires_at = expires_at
    lead.removed_at = None
    lead.removed_by = None
    lead.response_due_at, lead.first_response_at = due, None  # a new request, a new clock
    lead.close_reason, lead.close_reason_text = "", ""
    for field, value in creator_figures(creator).items():
        setattr(lead, field, value)
    from_status = lead.status
    if lead.status == LeadStatus.CLOSED:
        lead.status = LeadStatus.NEW
    lead.save()
    LeadEvent.objects.create(
        lead=lead,
        kind=LeadEvent.Kind.RENEWED if renewing and not was_removed else LeadEvent.Kind.REQUESTED,
        actor=creator.user,
        from_status=from_status,
        to_status=lead.status,
        text=message,
        created_at=now,
    )
    _outbox_record(
        lead=lead, request=request, created=lead_created, restored=was_removed, was=from_status
    )
    notices.notice_new_request(lead=lead, creator=creator, expires_at=expires_at, message=message)
    collaboration_request_sent.send(
        sender=CollaborationRequest, request=request, created=True, message=message
    )
    if was_removed:
        partners_collaborating_recount(partner_ids=[partner.pk])
    lead_arrived.send(sender=Lead, lead=lead, actor=None)
    pool_version_bump(partner_ids=[partner.pk])
    return SubmitResult(request, created=True)
