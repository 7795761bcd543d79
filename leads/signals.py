"""Keep the pool's copies of creator data and its count versions in step with writes; and the
signals leads sends, which higher apps (im) connect to in their AppConfig.ready().

`collaboration_request_sent` is sent inside the submitting transaction, so a receiver's writes
(the IM thread, the repeat message) commit or roll back with the request itself.
Arguments: `request` (the CollaborationRequest, new or the open one), `created` (a new request,
or a repeat while one is open) and `message` (the text sent this time, maybe empty).
Services import it inside their functions: this module imports services.
"""

from django.contrib.auth import get_user_model
from django.core.signals import request_started
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import Signal

from creators.models import Creator
from creators.signals import creator_figures_refreshed

from . import services
from .models import Lead, LeadEvent, LeadNote

collaboration_request_sent = Signal()


def lead_saved(sender, instance, **kwargs):
    services.lead_pool_changed(partner_ids=[instance.partner_id])


def lead_deleted(sender, instance, **kwargs):
    services.lead_pool_changed(partner_ids=[instance.partner_id], create=False)


def creator_saved(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return  # a new creator has no leads yet
    shown = {"handle", "display_name", "avatar"}  # what the pool's list shows of a creator
    if update_fields is not None and not shown & set(update_fields):
        return
    services.leads_sync_creator_search(creator=instance)


# The list's rows also show each lead's notes_count, its latest request message and its
# owner's name: writes to those bump the partner's pool version too (the list's page cache,
# leads/api/pool_cache.py, is keyed by it).


def note_saved(sender, instance, **kwargs):
    _bump_for_lead(instance)


def note_deleted(sender, instance, **kwargs):
    _bump_for_lead(instance, create=False)


def event_saved(sender, instance, created, **kwargs):
    if instance.kind in LeadEvent.MESSAGE_KINDS and instance.text:
        _bump_for_lead(instance)


def _bump_for_lead(instance, create: bool = True) -> None:
    if type(instance).lead.is_cached(instance):
        services.lead_pool_changed(partner_ids=[instance.lead.partner_id], create=create)
    else:
        services.lead_pool_changed_for_leads(lead_ids=[instance.lead_id], create=create)


def user_saved(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return  # nobody's owner yet
    if update_fields is not None and not {"username", "first_name", "last_name"} & set(
        update_fields
    ):
        return  # e.g. last_login on every sign-in
    services.lead_pool_changed_for_staff(user_id=instance.pk)


def user_deleting(sender, instance, **kwargs):
    # Before the delete: its leads' owner becomes null, and its staff row goes with it.
    services.lead_pool_changed_for_staff(user_id=instance.pk, create=False)


def connect() -> None:
    # The pool filters on copies of each creator's tier and followers: refresh them with
    # the creators, in the same transaction.
    creator_figures_refreshed.connect(services.lead_figures_sync, dispatch_uid="lead_figures_sync")
    post_save.connect(lead_saved, sender=Lead, dispatch_uid="leads.lead_saved")
    post_delete.connect(lead_deleted, sender=Lead, dispatch_uid="leads.lead_deleted")
    post_save.connect(creator_saved, sender=Creator, dispatch_uid="leads.creator_saved")
    post_save.connect(note_saved, sender=LeadNote, dispatch_uid="leads.note_saved")
    post_delete.connect(note_deleted, sender=LeadNote, dispatch_uid="leads.note_deleted")
    post_save.connect(event_saved, sender=LeadEvent, dispatch_uid="leads.event_saved")
    user = get_user_model()
    post_save.connect(user_saved, sender=user, dispatch_uid="leads.user_saved")
    pre_delete.connect(user_deleting, sender=user, dispatch_uid="leads.user_deleting")
    request_started.connect(
        services.lead_pool_changed_reset, dispatch_uid="leads.pool_changed_reset"
    )
