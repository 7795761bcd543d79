"""A seller's own layout of the Leads Pool, kept on the server (it survives a new login)."""

from django.utils import timezone

from ..models import PoolPreference


def pool_filters_open_set(*, user, filters_open: bool) -> PoolPreference:
    """Remember whether this seller leaves the pool's filter panel open (closed by default).
    It changes no lead, so the pool's version stays as it is."""
    preference, _ = PoolPreference.objects.update_or_create(
        user=user, defaults={"filters_open": bool(filters_open), "updated_at": timezone.now()}
    )
    return preference
