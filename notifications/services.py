"""Writes for notifications: raise one (`notify`), and mark them read for one user.

The apps above build each notice's text and link in one place of their own and call `notify`
from the service that made the change, in its transaction; jobs that notify in bulk insert
with `notification_insert_sql` and the text as SQL from `text_sql`, the same template.
"""

import re
import string

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.mail import absolute_url, mail_queue
from core.sql import db_value

from .models import Notification, NotificationPreference, NotificationRead, NotificationReadMark
from .selectors import notification_email_wanted, notification_visible

TEXT_MAX_LENGTH = Notification._meta.get_field("text").max_length


def notify(
    *, kind: str, text: str, partner=None, user=None, link: str = "", lead_id: int | None = None
) -> Notification:
    """Notify `user`, or every staff user of `partner` when no user is named."""
    return Notification.objects.create(
        partner=partner,
        user=user,
        kind=kind,
        text=text[:TEXT_MAX_LENGTH],
        link=link,
        lead_id=lead_id,
    )


def notify_user(
    *, kind: str, text: str, user, link: str = "", lead_id: int | None = None, subject: str = ""
) -> Notification | None:
    """Notify one user personally (a creator: partner NULL), in-app always and by email
    (after commit) unless they switched that kind's email off. No user (a creator without a
    login) is no one to tell."""
    if user is None:
        return None
    notification = notify(kind=kind, text=text, user=user, link=link, lead_id=lead_id)
    if user.email and notification_email_wanted(user=user, kind=kind):
        body = text + (f"\n\n{absolute_url(link)}" if link else "")
        mail_queue(to=[user.email], subject=subject or text, body=body)
    return notification


def notify_users(*, kind: str, items: list[tuple]) -> int:
    """Personal notifications in bulk: `items` are (user, text, link, lead_id); one INSERT,
    one preference read, and an email each for those who did not switch `kind` off. Items
    without a user (a creator who has no login) notify no one."""
    items = [item for item in items if item[0] is not None]
    if not items:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(
                user=user, kind=kind, text=text[:TEXT_MAX_LENGTH], link=link, lead_id=lead_id
            )
            for user, text, link, lead_id in items
        ],
        batch_size=1000,
    )
    off = set(
        NotificationPreference.objects.filter(
            kind=kind, email=False, user_id__in={user.pk for user, *_ in items}
        ).values_list("user_id", flat=True)
    )
    for user, text, link, _lead_id in items:
        if user.email and user.pk not in off:
            body = text + (f"\n\n{absolute_url(link)}" if link else "")
            mail_queue(to=[user.email], subject=text, body=body)
    return len(items)


def notifications_mail(*, kind: str, created_at) -> int:
    """Email the personal notifications of `kind` a job inserted at `created_at` (one read),
    to each user who did not switch that kind's email off. Returns how many were queued."""
    rows = (
        Notification.objects.filter(kind=kind, created_at=created_at, user__isnull=False)
        .exclude(
            Exists(
                NotificationPreference.objects.filter(
                    user=OuterRef("user_id"), kind=kind, email=False
                )
            )
        )
        .exclude(user__email="")
        .values_list("user__email", "text", "link")
    )
    queued = 0
    for email, text, link in rows.iterator(chunk_size=2000):
        body = text + (f"\n\n{absolute_url(link)}" if link else "")
        mail_queue(to=[email], subject=text, body=body)
        queued += 1
    return queued


@transaction.atomic
def notification_preferences_set(*, user, choices: dict[str, bool]) -> None:
    """Store the user's email choice per kind (the caller validated kinds and booleans)."""
    for kind, email in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": bool(email)}
        )


_SQL_COLUMN = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?")


def text_sql(template: str, **columns: str) -> str:
    """A text template (`"Data authorization expired for @{handle}."`) as a SQL expression
    that concatenates its literal parts with the given columns (`handle="c.handle"`): the
    same words as `template.format(handle=…)` gives in Python, for an INSERT … SELECT."""
    parts = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        if literal:
            parts.append("'" + literal.replace("'", "''") + "'")
        if field is not None:
            column = columns[field]
            if not _SQL_COLUMN.fullmatch(column):
                raise ValueError(f"not a column: {column!r}")
            parts.append(column)
    return " || ".join(parts) or "''"


NOTIFICATION_COLUMNS = "(partner_id, user_id, kind, text, link, lead_id, created_at)"


def notification_insert_sql(select: str) -> str:
    """`INSERT INTO` the notification table the rows of `select`, whose columns are
    `NOTIFICATION_COLUMNS` in that order: a job's notices in one statement."""
    return f"INSERT INTO {Notification._meta.db_table} {NOTIFICATION_COLUMNS} {select}"


@transaction.atomic
def notifications_mark_read(
    *, partner, user, ids: list[int] | None = None, kind: str | None = None
) -> int:
    """Mark notifications read for this user only: these ids, every one of a kind, or all.

    "All" moves the user's read-through mark to the newest notification they can see (one
    row, whatever the volume) and drops their single reads below it. Ids and kinds insert
    read rows in one INSERT ... SELECT. Returns how many were unread before.
    """
    now = timezone.now()
    visible = notification_visible(partner=partner, user=user)
    unread = visible.filter(Notification.unread_for(user))
    if kind:
        unread = unread.filter(kind=kind)
    if ids is None and kind is None:
        marked = unread.count()
        newest = visible.order_by("-id").values_list("id", flat=True).first()
        if newest is None:
            return 0
        mark, _ = NotificationReadMark.objects.select_for_update().get_or_create(user=user)
        if newest > mark.read_through_id:
            mark.read_through_id = newest
            mark.marked_at = now
            mark.save(update_fields=["read_through_id", "marked_at"])
        NotificationRead.objects.filter(
            user=user, notification_id__lte=mark.read_through_id
        ).delete()
        return marked
    if isinstance(ids, list | tuple) and not ids:
        return 0  # nothing named (an empty IN () cannot be compiled into the raw INSERT)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    # Raw for ON CONFLICT DO NOTHING: two tabs marking the same ids at once must not fail.
    select_sql, params = unread.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {NotificationRead._meta.db_table} (user_id, notification_id, read_at)
            SELECT %s, unread.id, %s FROM ({select_sql}) unread WHERE TRUE
            ON CONFLICT (user_id, notification_id) DO NOTHING
            """,
            [user.pk, db_value(now), *params],
        )
        return cursor.rowcount
