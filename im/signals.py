"""IM's receivers of the lower apps' explicit signals: a renamed creator is found under the new
name in every thread list (`creators.signals.creator_profile_changed`, sent by the writer)."""

from creators.signals import creator_profile_changed

from . import services


def creator_profile_changed_receiver(sender, *, creator, **kwargs):
    services.threads_sync_creator_search(creator=creator)


def connect() -> None:
    creator_profile_changed.connect(
        creator_profile_changed_receiver, dispatch_uid="im.creator_profile_changed"
    )
