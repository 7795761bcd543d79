"""Staff-only notes on a lead: any staff user of the partner writes; only the author edits."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.text import text_clean
from creators.models import PartnerStaff

from ..models import NOTE_MAX_LENGTH, Lead, LeadEvent, LeadNote
from ..notices import notice_mentioned
from ..pool_version import ROWS, pool_version_bump, pool_version_bump_for_leads


def note_clean_body(body) -> str:
    """A note is plain text of 1 to 5,000 characters once trimmed."""
    return text_clean(
        body, field="body", max_length=NOTE_MAX_LENGTH, what="A note", empty="Write the note first."
    )


# `@username`: Django's username characters; a trailing dot or dash ends the sentence.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")


def note_mentioned_users(*, lead: Lead, body: str, author) -> list:
    """The colleagues (active staff of the lead's partner, never the author) that a note's
    `@username`s name; anyone else's name is plain text."""
    names = {match.rstrip(".-") for match in MENTION.findall(body)} - {""}
    if not names:
        return []
    staff = PartnerStaff.objects.filter(
        partner_id=lead.partner_id, user__username__in=names, user__is_active=True
    ).exclude(user_id=getattr(author, "pk", None))
    return [member.user for member in staff.select_related("user").order_by("user_id")]


def _require_author(note: LeadNote, user) -> None:
    if note.author_id is None or note.author_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the note's author can change or delete it.")


@transaction.atomic
def note_create(*, lead: Lead, author, body: str) -> LeadNote:
    """Add a note to a lead (the caller has checked the author is staff of its partner)."""
    body = note_clean_body(body)
    # The lead's row lock first, then the time: its history sorts in commit order.
    list(Lead.objects.select_for_update().filter(pk=lead.pk).values_list("pk"))
    now = timezone.now()
    note = LeadNote.objects.create(
        lead=lead, author=author, body=body, created_at=now, updated_at=now
    )
    LeadEvent.objects.create(
        lead=lead, kind=LeadEvent.Kind.NOTE_ADDED, actor=author, created_at=now
    )
    # The row's notes_count: only this lead's row changed.
    pool_version_bump(partner_ids=[lead.partner_id], change=ROWS, lead_ids=[lead.pk])
    mentioned = note_mentioned_users(lead=lead, body=body, author=author)
    if mentioned:
        notice_mentioned(lead=lead, note=note, author=author, users=mentioned)
    return note


@transaction.atomic
def note_update(*, note: LeadNote, user, body: str) -> LeadNote:
    """The author rewrites their note; anyone else is refused (403). The pool shows only how
    many notes a lead has, so its version stays."""
    _require_author(note, user)
    if note.deleted_at is not None:
        raise ValidationError({"body": ["This note was deleted."]})
    before = note.body
    note.body = note_clean_body(body)
    note.updated_at = timezone.now()
    note.save(update_fields=["body", "updated_at"])
    # Only the colleagues this edit newly mentions: once per note.
    lead = Lead.objects.select_related("creator", "partner").get(pk=note.lead_id)
    known = {user.pk for user in note_mentioned_users(lead=lead, body=before, author=user)}
    mentioned = [
        member
        for member in note_mentioned_users(lead=lead, body=note.body, author=user)
        if member.pk not in known
    ]
    if mentioned:
        notice_mentioned(lead=lead, note=note, author=user, users=mentioned)
    return note


@transaction.atomic
def note_delete(*, note: LeadNote, user) -> bool:
    """The author deletes their note (soft); the history keeps a `note_deleted` event."""
    _require_author(note, user)
    now = timezone.now()
    deleted = LeadNote.objects.filter(pk=note.pk, deleted_at__isnull=True).update(deleted_at=now)
    if not deleted:
        return False
    note.deleted_at = now
    LeadEvent.objects.create(
        lead_id=note.lead_id, kind=LeadEvent.Kind.NOTE_DELETED, actor=user, created_at=now
    )
    pool_version_bump_for_leads(lead_ids=[note.lead_id], change=ROWS)  # the row's notes_count
    return True
