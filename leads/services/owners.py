"""A lead's owner: the staff user of its partner who works it."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.mail import mail_queue

from ..models import Lead, LeadEvent, NotificationKind

OWNER_NOT_STAFF = "Choose a staff user of this partner, or no one."


def staff_member(*, partner_id: int, user_id) -> object:
    """The active staff user `user_id` of the partner; ValidationError naming `owner` if not."""
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise ValidationError({"owner": ["An owner is a user id (a number) or null."]})
    user = (
        get_user_model()
        .objects.filter(pk=user_id, is_active=True, partner_staff__partner_id=partner_id)
        .first()
    )
    if user is None:
        raise ValidationError({"owner": [OWNER_NOT_STAFF]})
    return user


def display_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


@transaction.atomic
def lead_assign(*, lead: Lead, owner, user) -> Lead:
    """Make `owner` (staff of the lead's partner, or None) the lead's owner; record and notify.

    The new owner is notified (and emailed) unless they assigned the lead to themselves.
    """
    from . import lead_url, notification_create

    lead = Lead.objects.select_for_update().select_related("creator", "partner").get(pk=lead.pk)
    if owner is not None:
        staff_member(partner_id=lead.partner_id, user_id=owner.pk)
    if lead.removed_at is not None:
        raise ValidationError({"owner": ["This lead was removed from the pool; add it first."]})
    owner_id = owner.pk if owner is not None else None
    if lead.owner_id == owner_id:
        return lead
    now = timezone.now()
    from_owner_id = lead.owner_id
    lead.owner = owner
    lead.save(update_fields=["owner", "updated_at"])
    LeadEvent.objects.create(
        lead=lead,
        kind=LeadEvent.Kind.ASSIGNED,
        actor=user,
        from_owner_id=from_owner_id,
        to_owner=owner,
        created_at=now,
    )
    if owner is not None and owner != user:
        who = user.get_username() if user is not None else "Someone"
        text = f"{who} assigned @{lead.creator.handle} to you."
        notification_create(
            partner=lead.partner,
            kind=NotificationKind.LEAD_ASSIGNED,
            text=text,
            lead=lead,
            user=owner,
        )
        mail_queue(
            to=[owner.email],
            subject=f"Lead assigned to you: @{lead.creator.handle}",
            body=f"{text}\n\nOpen the lead: {lead_url(lead.pk)}\n",
        )
    return lead
