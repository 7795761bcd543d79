"""A creator's public profile: the handle, display name and avatar other apps copy."""

from django.db import transaction

from ..models import Creator
from ..signals import creator_profile_changed

PROFILE_FIELDS = frozenset({"handle", "display_name", "avatar"})


@transaction.atomic
def creator_profile_update(*, creator: Creator, changes: dict) -> Creator:
    """Change these profile fields (already validated: the admin's form) and tell the apps
    that keep copies (the pool's search and rows, the IM thread lists), in the same
    transaction, by the explicit signal."""
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(creator, field, value)
    creator.save()
    if changes:
        creator_profile_changed.send(sender=Creator, creator=creator)
    return creator
