"""IM's receivers: a renamed creator is found under the new name in every thread list."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from creators.models import Creator

from . import services


@receiver(post_save, sender=Creator, dispatch_uid="im.creator_saved")
def creator_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if created or raw:
        return  # a new creator has no threads yet
    if update_fields is not None and not {"handle", "display_name"} & set(update_fields):
        return
    services.threads_sync_creator_search(creator=instance)
