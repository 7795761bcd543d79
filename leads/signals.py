"""Keep the pool's copies of creator data and its count versions in step with writes; and the
signals leads sends, which higher apps (im) connect to in their AppConfig.ready().

`collaboration_request_sent` is sent inside the submitting transaction, so a receiver's writes
(the IM thread, the repeat message) commit or roll back with the request itself.
Arguments: `request` (the CollaborationRequest, new or the open one), `created` (a new request,
or a repeat while one is open) and `message` (the text sent this time, maybe empty).
Services import it inside their functions: this module imports services.
"""

from django.core.signals import request_started
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from creators.models import Creator
from creators.signals import creator_figures_refreshed

from . import services
from .models import Lead

collaboration_request_sent = Signal()


def lead_saved(sender, instance, **kwargs):
    services.lead_pool_changed(partner_ids=[instance.partner_id])


def lead_deleted(sender, instance, **kwargs):
    services.lead_pool_changed(partner_ids=[instance.partner_id], create=False)


def creator_saved(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return  # a new creator has no leads yet
    if update_fields is not None and not {"handle", "display_name"} & set(update_fields):
        return
    services.leads_sync_creator_search(creator=instance)


def connect() -> None:
    # The pool filters on copies of each creator's tier and followers: refresh them with
    # the creators, in the same transaction.
    creator_figures_refreshed.connect(services.lead_figures_sync, dispatch_uid="lead_figures_sync")
    post_save.connect(lead_saved, sender=Lead, dispatch_uid="leads.lead_saved")
    post_delete.connect(lead_deleted, sender=Lead, dispatch_uid="leads.lead_deleted")
    post_save.connect(creator_saved, sender=Creator, dispatch_uid="leads.creator_saved")
    request_started.connect(
        services.lead_pool_changed_reset, dispatch_uid="leads.pool_changed_reset"
    )
