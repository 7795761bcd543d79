"""A lead's owner: the staff user of its partner who works it."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import notices
from ..models import Lead
from ..pool_version import ROWS, pool_version_bump
from .sets import leads_lock, leads_owner_set

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
    target = Lead.objects.filter(pk=lead.pk)
    leads_lock(target)
    lead = target.select_related("creator", "partner").get()
    if owner is not None:
        staff_member(partner_id=lead.partner_id, user_id=owner.pk)
    if lead.removed_at is not None:
        raise ValidationError({"owner": ["This lead was removed from the pool; add it first."]})
    owner_id = owner.pk if owner is not None else None
    if lead.owner_id == owner_id:
        return lead
    leads_owner_set(target, owner_id=owner_id, user=user, now=timezone.now())
    lead.owner = owner
    # No cached count selects by owner: the pages recompute, the counts stay.
    pool_version_bump(partner_ids=[lead.partner_id], change=ROWS, lead_ids=[lead.pk])
    notices.notice_assigned(partner=lead.partner, owner=owner, user=user, count=1, lead=lead)
    return lead


@transaction.atomic
def leads_unassign_staff(*, owner_ids: list[int], user) -> int:
    """Before staff users are deleted (the user admin): their pool leads go to no owner, each
    with an `assigned` history event and a `lead.assigned` outbox event by `user`, as an
    unassignment by hand would. Returns how many leads changed hands. (Removed leads keep no
    owner once the users are gone, without an event: they are out of every list.)"""
    target = Lead.objects.filter(owner_id__in=owner_ids)
    leads_lock(target)
    partner_ids = sorted(set(target.values_list("partner_id", flat=True)))
    changed = leads_owner_set(target, owner_id=None, user=user, now=timezone.now())
    if changed:
        pool_version_bump(partner_ids=partner_ids, change=ROWS)
    return changed
