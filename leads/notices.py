"""What leads tells people, in one place: each notice's words, its link and its mail.

Services call these by name after their writes, in their transaction; the jobs that notify
in bulk build the same words in SQL from the same templates (`text_sql`).
"""

from django.contrib.auth import get_user_model

from core.mail import absolute_url, mail_queue
from creators.models import Tier
from notifications.models import NotificationKind
from notifications.services import notify, text_sql

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


def lead_path(lead_id: int) -> str:
    return LEAD_PATH.format(id=lead_id)


def lead_url(lead_id: int) -> str:
    """The absolute address of a lead's detail page (for emails)."""
    return absolute_url(lead_path(lead_id))


def _who(user, default: str = "someone") -> str:
    return user.get_username() if user is not None else default


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
    """Leads left the pool: every staff user of the partner. One lead is named."""
    if lead is not None:
        text = LEAD_REMOVED.format(handle=lead.creator.handle, who=_who(user))
        link, lead_id = lead_path(lead.pk), lead.pk
    else:
        text = LEADS_REMOVED.format(count=f"{count:,}", who=_who(user))
        link, lead_id = POOL_PATH, None
    notify(
        partner=partner, kind=NotificationKind.LEAD_REMOVED, text=text, link=link, lead_id=lead_id
    )


def notice_assigned(*, partner, owner, user, count: int, lead=None) -> None:
    """Leads were assigned to `owner` by someone else: the owner, in-app and by mail."""
    if owner is None or owner == user:
        return
    who = _who(user, "Someone")
    if lead is not None:
        text = LEAD_ASSIGNED.format(who=who, handle=lead.creator.handle)
        link, lead_id = lead_path(lead.pk), lead.pk
        subject = f"Lead assigned to you: @{lead.creator.handle}"
    else:
        text = LEADS_ASSIGNED.format(who=who, count=f"{count:,}")
        link, lead_id = f"{POOL_PATH}?owner={owner.pk}", None
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
