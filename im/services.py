"""Writes for TTSPC IM: open a thread, send a message, mark a side as read."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.outbox import MESSAGE_RECEIVED, outbox_write
from core.text import text_clean
from creators.models import Creator, Partner
from leads.models import Lead, creator_search_text
from leads.services import first_response_by_message

from .models import MESSAGE_MAX_LENGTH, Message, Side, Thread


def thread_open(*, partner: Partner, creator: Creator) -> tuple[Thread, bool]:
    """Open the partner–creator thread, or return the one that exists (one per pair)."""
    thread = Thread.objects.filter(partner=partner, creator=creator).first()
    if thread is not None:
        return thread, False
    try:
        with transaction.atomic():
            return Thread.objects.create(partner=partner, creator=creator), True
    except IntegrityError:
        return Thread.objects.get(partner=partner, creator=creator), False


def threads_sync_creator_search(*, creator: Creator) -> int:
    """A creator was renamed: update the search copy on their threads (one UPDATE)."""
    text = creator_search_text(creator)
    return (
        Thread.objects.filter(creator=creator)
        .exclude(creator_search=text)
        .update(creator_search=text)
    )


def message_clean_body(body) -> str:
    """A message is plain text of 1 to MESSAGE_MAX_LENGTH characters once trimmed."""
    return text_clean(
        body,
        field="body",
        max_length=MESSAGE_MAX_LENGTH,
        what="A message",
        empty="Write a message before sending.",
    )


@transaction.atomic
def message_send(*, thread: Thread, sender, side: str, body: str) -> Message:
    """Post a plain-text message; the sender's own side counts as read.

    Sends in one thread take the thread's row lock before they get their id and time, so they
    commit in id order: a conversation polling for "messages after id N" never skips one that
    an earlier, slower transaction committed late, and a reader marking the thread read waits
    for a send in flight instead of counting it as read unseen.
    """
    body = message_clean_body(body)
    list(Thread.objects.select_for_update().filter(pk=thread.pk).values_list("pk"))
    now = timezone.now()
    message = Message.objects.create(
        thread=thread, sender=sender, side=side, body=body, created_at=now
    )
    read_field = "seller_last_read_at" if side == Side.SELLER else "creator_last_read_at"
    Thread.objects.filter(pk=thread.pk).update(
        last_message_at=now, last_message_body=body[:200], **{read_field: now}
    )
    if side == Side.SELLER:
        # A staff member's message answers the creator's waiting request (the first-response
        # clock), in this transaction.
        first_response_by_message(
            partner_id=thread.partner_id, creator_id=thread.creator_id, at=now
        )
    else:
        _message_received_record(thread=thread, message=message)
    thread.last_message_at = now
    thread.last_message_body = body[:200]
    setattr(thread, read_field, now)
    return message


def _message_received_record(*, thread: Thread, message: Message) -> None:
    """message.received in the outbox: a creator's message, with the creator's lead in the
    partner's pool (or null). Never the body: the delivery reads what it may send."""
    lead_id = (
        Lead.objects.in_pool()
        .filter(partner_id=thread.partner_id, creator_id=thread.creator_id)
        .values_list("pk", flat=True)
        .first()
    )
    outbox_write(
        partner_id=thread.partner_id,
        type=MESSAGE_RECEIVED,
        lead_id=lead_id,
        data={
            "thread_id": thread.pk,
            "message_id": message.pk,
            "lead_id": lead_id,
            "creator_id": thread.creator_id,
            "actor_id": message.sender_id,
        },
    )


def thread_mark_read(*, thread: Thread, side: str) -> None:
    """Everything in the thread up to now counts as read by this side."""
    read_field = "seller_last_read_at" if side == Side.SELLER else "creator_last_read_at"
    now = timezone.now()
    Thread.objects.filter(pk=thread.pk).update(**{read_field: now})
    setattr(thread, read_field, now)


@transaction.atomic
def thread_deliver_request(*, request, created: bool, message: str) -> Thread:
    """Bring a collaboration request into the partner–creator thread (opened if none).

    A new request moves the thread to the top of the seller's list, unread, with the request
    as its preview (the thread shows the request as a card at its time). A repeat while the
    request is open posts its message as the creator's message, so it is never dropped.
    Connected to leads' `collaboration_request_sent`, inside the submitting transaction.
    """
    thread, _ = thread_open(partner=request.partner, creator=request.creator)
    if not created:
        if message:
            message_send(
                thread=thread, sender=request.creator.user, side=Side.CREATOR, body=message
            )
        return thread
    preview = "Request to Collaborate" + (f": {message}" if message else "")
    Thread.objects.filter(pk=thread.pk).update(
        last_message_at=request.submitted_at,
        last_message_body=preview[:200],
        creator_last_read_at=request.submitted_at,
    )
    return thread


def collaboration_request_sent_receiver(sender, *, request, created, message, **kwargs):
    thread_deliver_request(request=request, created=created, message=message)
