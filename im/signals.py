"""IM's receivers: keep the threads' copy of a creator's handle and name (their search text)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from creators.models import Creator

from .models import Thread, creator_search_text


@receiver(post_save, sender=Creator, dispatch_uid="im_thread_creator_search")
def thread_creator_search_follow(sender, instance, raw=False, **kwargs):
    """A renamed creator is found under the new name in every thread list (one UPDATE)."""
    if raw:
        return
    text = creator_search_text(instance)
    Thread.objects.filter(creator=instance).exclude(creator_search=text).update(creator_search=text)
