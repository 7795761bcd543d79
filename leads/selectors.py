"""Reads for leads and notifications; every seller-facing read starts from the partner."""

from django.db.models import Q

from .filters import LeadPoolFilter
from .models import CollaborationRequest, Lead, LeadEvent, Notification, authorized_q


def lead_pool(*, partner):
    """The partner's Leads Pool: its leads not removed, newest request first."""
    return (
        Lead.objects.in_pool()
        .filter(partner=partner)
        .select_related("creator")
        .order_by("-requested_at", "-id")
    )


def lead_list(*, partner, params) -> LeadPoolFilter:
    """The pool filtered by the contract's parameters; check `.is_valid()`, read `.qs`."""
    return LeadPoolFilter(params, queryset=lead_pool(partner=partner))


def lead_get(*, partner, lead_id) -> Lead:
    """One of the partner's pool leads (another partner's lead does not exist here)."""
    return lead_pool(partner=partner).get(pk=lead_id)


def lead_for_creator(*, partner, creator) -> Lead | None:
    """The partner's lead for a creator, removed or not."""
    return Lead.objects.filter(partner=partner, creator=creator).first()


def collaboration_request_list(*, creator):
    """A creator's own requests, newest first, with partner and lead for their status."""
    return CollaborationRequest.objects.filter(creator=creator).select_related("partner", "lead")


def collaboration_request_pending(*, creator, partner, now=None) -> CollaborationRequest | None:
    """The creator's request to this partner that a new submission would repeat, if any."""
    candidate = (
        collaboration_request_list(creator=creator)
        .filter(authorized_q(now), partner=partner, is_open=True)
        .first()
    )
    return candidate if candidate is not None and candidate.is_pending(now) else None


def notification_list(*, partner, user=None):
    """A partner's notifications (for all its staff, or for this seller)."""
    qs = Notification.objects.filter(partner=partner)
    if user is not None:
        qs = qs.filter(Q(user__isnull=True) | Q(user=user))
    return qs


def notification_unread_count(*, partner, user=None) -> int:
    return notification_list(partner=partner, user=user).filter(read_at__isnull=True).count()


def lead_of_partner(*, partner, lead_id) -> Lead:
    """One of the partner's leads, in the pool or removed (its history stays readable)."""
    return Lead.objects.filter(partner=partner).select_related("creator").get(pk=lead_id)


def lead_request_list(*, lead):
    """A lead's collaboration requests (each with the creator's message), oldest first."""
    return CollaborationRequest.objects.filter(lead=lead).order_by("submitted_at", "id")


def lead_history(*, lead):
    """A lead's events in the order they happened, with who did each."""
    return LeadEvent.objects.filter(lead=lead).select_related("actor").order_by("created_at", "id")
