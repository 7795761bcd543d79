"""Reads for leads and notifications; every seller-facing read starts from the partner."""

from django.db.models import Q

from .models import Notification


def notification_list(*, partner, user=None):
    """A partner's notifications (for all its staff, or for this seller)."""
    qs = Notification.objects.filter(partner=partner)
    if user is not None:
        qs = qs.filter(Q(user__isnull=True) | Q(user=user))
    return qs


def notification_unread_count(*, partner, user=None) -> int:
    return notification_list(partner=partner, user=user).filter(read_at__isnull=True).count()
