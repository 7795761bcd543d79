"""What leads tells people, in one place: each notice's words, its link and its mail.

Services call these by name after their writes, in their transaction; the jobs that notify
in bulk build the same words in SQL from the same templates (`text_sql`).
"""

from urllib.parse import quote

from django.contrib.auth import get_user_model

from core.mail import absolute_url, mail_queue
from creators.models import Tier
from notifications.models import NotificationKind
from notifications.services import notifications_mark_read, notify, text_sql

NEW_REQUEST = "New collaboration request from @{handle} ({tier}). Licensed data until {until} UTC."
LEAD_REMOVED = "@{handle} was removed from the Leads Pool by {who}."
LEADS_REMOVED = "{count} leads were removed from the Leads Pool by {who}."
LEAD_ASSIGNED = "{who} assigned @{handle} to you."
LEADS_ASSIGNED = "{who} assigned {count} leads to you."
AUTHORIZATION_EXPIRED = (
    "Data authorization expired for @{handle}. The lead stays in the pool without licensed data."
)
AUTHORIZATION_EXPIRING = (
    "Data authorization for @{handle} ends within 24 hours. "
    "Act before the licensed data disappears."
)


# The lead detail's path (the contract's `/seller/leads/<id>/`), as a template: the jobs'
# statements are built at import, before URLs can be reversed.
LEAD_PATH = "/seller/leads/{id}/"
POOL_PATH = "/seller/leads/"
# "Your leads": the pool filtered to the reader's own (each reader's `me`).
MY_LEADS_PATH = "/seller/leads/?owner=me"


def lead_path(lead_id: int) -> str:
    return LEAD_PATH.format(id=lead_id)


def lead_url(lead_id: int) -> str:
    """The absolute address of a lead's detail page (for emails)."""
    return absolute_url(lead_path(lead_id))


def _who(user, default: str = "someone") -> str:
    """The person's one name on every page and notice (full name, else username)."""
    from .services.owners import display_name  # services import this module

    return display_name(user) if user is not None else default


def partner_staff_emails(*, partner) -> list[str]:
    """The email addresses of a partner's active staff users."""
    return list(
        get_user_model()
        .objects.filter(partner_staff__partner=partner, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def notice_new_request(*, lead, creator, expires_at, message: str) -> None:
    """A new collaboration request: every staff user of the partner, in-app and by mail."""
    text = NEW_REQUEST.format(
        handle=creator.handle, tier=Tier(creator.tier).label, until=f"{expires_at:%b %d, %H:%M}"
    )
    notify(
        partner=lead.partner,
        kind=NotificationKind.NEW_REQUEST,
        text=text,
        link=lead_path(lead.pk),
        lead_id=lead.pk,
    )
    mail_queue(
        to=partner_staff_emails(partner=lead.partner),
        subject=f"New collaboration request from @{creator.handle}",
        body=(
            f"{text}\n\n"
            + (f"Their message:\n{message}\n\n" if message else "")
            + f"Open the lead: {lead_url(lead.pk)}\n"
        ),
    )


def notice_removed(*, partner, user, count: int, lead=None) -> None:
    """Leads left the pool: every staff user of the partner but the one who removed them
    (their copy is read from the start: nobody is told of their own action). One lead is
    named."""
    if lead is not None:
        text = LEAD_REMOVED.format(handle=lead.creator.handle, who=_who(user))
        link, lead_id = lead_path(lead.pk), lead.pk
    else:
        text = LEADS_REMOVED.format(count=f"{count:,}", who=_who(user))
        link, lead_id = POOL_PATH, None
    notification = notify(
        partner=partner, kind=NotificationKind.LEAD_REMOVED, text=text, link=link, lead_id=lead_id
    )
    _read_by_actor(notification, partner=partner, user=user)


def _read_by_actor(notification, *, partner, user) -> None:
    """One partner-wide notification stays one row (read state is per user): the actor's
    read mark goes in with it, so their badge never counts what they did themselves."""
    if user is None or not getattr(user, "pk", None):
        return  # a job: everyone is told
    notifications_mark_read(partner=partner, user=user, ids=[notification.pk])


def notice_assigned(*, partner, owner, user, count: int, lead=None) -> None:
    """Leads were assigned to `owner` by someone else: the owner, in-app and by mail."""
    if owner is None or owner == user:
        return
    who = _who(user, "Someone")
    if lead is not None:
        text = LEAD_ASSIGNED.format(who=who, handle=lead.creator.handle)
        # The lead, opened within "your leads": its Previous / Next walk the reader's own.
        link, lead_id = f"{lead_path(lead.pk)}?pool={quote(MY_LEADS_PATH, safe='')}", lead.pk
        subject = f"Lead assigned to you: @{lead.creator.handle}"
    else:
        text = LEADS_ASSIGNED.format(who=who, count=f"{count:,}")
        link, lead_id = MY_LEADS_PATH, None
        subject = text
    notify(
        partner=partner,
        user=owner,
        kind=NotificationKind.LEAD_ASSIGNED,
        text=text,
        link=link,
        lead_id=lead_id,
    )
    opens = "Open the lead" if lead is not None else "Open"
    mail_queue(to=[owner.email], subject=subject, body=f"{text}\n\n{opens}: {absolute_url(link)}\n")


def lead_link_sql(lead_id_column: str) -> str:
    """The detail page's path for a lead id column, in SQL (`lead_path` in Python)."""
    return text_sql(LEAD_PATH, id=lead_id_column)


def authorization_expired_sql(*, handle: str) -> str:
    return text_sql(AUTHORIZATION_EXPIRED, handle=handle)


def authorization_expiring_sql(*, handle: str) -> str:
    return text_sql(AUTHORIZATION_EXPIRING, handle=handle)


# The creator's side: one personal notification each (partner NULL, user = the creator's user),
# emailed unless the creator switched that kind off (`notify_user`).
REQUEST_PATH = "/ec/requests/{id}/"
PARTNER_REPLIED = "{partner} replied to your collaboration request."
REQUEST_STATUS_CHANGED = "{partner} moved your collaboration request to {status}."
REQUEST_CLOSED = "{partner} closed your collaboration request{reason}."
AUTHORIZATION_ENDING = (
    "Your data sharing with {partner} ends within 24 hours. Renew for 7 days from the request."
)
AUTHORIZATION_ENDED = "Your data sharing with {partner} has ended; they no longer see it."


def request_path(request_id: int) -> str:
    return REQUEST_PATH.format(id=request_id)


def request_link_sql(request_id_column: str) -> str:
    """The request page's path as SQL, for the jobs' INSERT … SELECT."""
    return text_sql(REQUEST_PATH, id=request_id_column)


def authorization_ending_sql(*, partner: str) -> str:
    return text_sql(AUTHORIZATION_ENDING, partner=partner)


def authorization_ended_sql(*, partner: str) -> str:
    return text_sql(AUTHORIZATION_ENDED, partner=partner)


def close_reason_words(code: str, text: str = "") -> str:
    """ ": not a fit (we are full this month)", or "" without a reason."""
    if not code:
        return ""
    from .models import CloseReason

    words = f": {CloseReason(code).label.lower()}"
    return f"{words} ({text})" if text else words


def notice_partner_replied(*, request) -> None:
    from notifications.services import notify_user

    notify_user(
        kind=NotificationKind.PARTNER_REPLIED,
        text=PARTNER_REPLIED.format(partner=request.partner.name),
        user=request.creator.user,
        link=request_path(request.pk),
    )


REQUEST_REMOVED = "{partner} removed your collaboration request from their Leads Pool{reason}."


def notice_requests_moved(
    *, requests, status: str = "", removed: bool = False, reason: str = "", reason_text: str = ""
) -> None:
    """Each creator's request moved (closed or removed: with the partner's reason if given)."""
    from notifications.services import notify_users

    from .models import LeadStatus

    words = close_reason_words(reason, reason_text)
    items = []
    for request in requests:
        name = request.partner.name
        if removed:
            text = REQUEST_REMOVED.format(partner=name, reason=words)
        elif status == LeadStatus.CLOSED:
            text = REQUEST_CLOSED.format(partner=name, reason=words)
        else:
            text = REQUEST_STATUS_CHANGED.format(partner=name, status=LeadStatus(status).label)
        items.append((request.creator.user, text, request_path(request.pk), None))
    notify_users(kind=NotificationKind.REQUEST_STATUS_CHANGED, items=items)


RENEWED = "@{handle} renewed their data authorization until {until} UTC."


def notice_renewed(*, lead, creator, expires_at) -> None:
    notify(
        kind=NotificationKind.RENEWED,
        text=RENEWED.format(handle=creator.handle, until=f"{expires_at:%b %d, %H:%M}"),
        partner=lead.partner,
        link=lead_path(lead.pk),
        lead_id=lead.pk,
    )


# Mentions in notes and the first-response escalation (issue 19).
MENTIONED = "{who} mentioned you in a note on @{handle}."
NOTE_PATH = "/seller/leads/{id}/#note-{note}"
RESPONSE_DUE = "@{handle} is still waiting for a first reply, and the deadline is near."
RESPONSE_OVERDUE = "@{handle} has waited past the first-reply deadline."


def note_path(lead_id: int, note_id: int) -> str:
    return NOTE_PATH.format(id=lead_id, note=note_id)


def notice_mentioned(*, lead, note, author, users) -> None:
    """Colleagues mentioned in a note: each of them, in-app, linked to the note."""
    text = MENTIONED.format(who=_who(author), handle=lead.creator.handle)
    for user in users:
        notify(
            partner=lead.partner,
            user=user,
            kind=NotificationKind.MENTIONED,
            text=text,
            link=note_path(lead.pk, note.pk),
            lead_id=lead.pk,
        )


def response_due_sql(*, handle: str) -> str:
    return text_sql(RESPONSE_DUE, handle=handle)


def response_overdue_sql(*, handle: str) -> str:
    return text_sql(RESPONSE_OVERDUE, handle=handle)
