"""Acting before expiry: the 24-hour reminder notices and the daily email digest."""

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.clock import business_today
from core.jobs import job_run_record
from core.mail import absolute_url, mail_queue
from core.models import JobRun
from core.outbox import (
    LEAD_AUTHORIZATION_EXPIRING,
    outbox_data_param,
    outbox_data_sql,
    outbox_datetime_sql,
    outbox_insert_sql,
)
from core.sql import db_value
from creators.models import Creator, PartnerStaff
from notifications.models import NotificationKind, NotificationPreference
from notifications.selectors import DIGEST_KEY
from notifications.services import notification_insert_sql

from ..models import EXPIRING_SOON_HOURS, CollaborationRequest, ExpiryDigest, Lead
from ..notices import authorization_expiring_sql, lead_link_sql, lead_url
from .renewal import creators_ending_notify

REMIND_WITHIN = dt.timedelta(hours=EXPIRING_SOON_HOURS)
DIGEST_WITHIN = dt.timedelta(hours=48)
# A digest queued this long ago and still not sent was lost (its mail task gave up after
# about half an hour of retries): a later run that day queues it again.
DIGEST_REQUEUE_AFTER = dt.timedelta(hours=1)
DIGEST_MAX_LEADS = 50
# More of the daily digest from the apps above leads (follow-up: each user's tasks due today),
# registered in their AppConfig.ready(): each is called with `now` and answers
# {user_id: [lines]} for the users it has something for.
DIGEST_SECTIONS: list = []


def expiring_authorizations_remind(*, now: dt.datetime | None = None) -> JobRun:
    """Once per request, when 24 hours or less of its authorization remain, notify the lead's
    owner, or every staff user of the partner when the lead has no owner.

    `expiry_reminded_at` on the request makes it once-only: the job stamps the open, live,
    unreminded requests due within 24 hours and notifies exactly those, so a rerun finds none.
    A lead removed from the pool is stamped but nobody is told. Each lead in the pool gets
    one lead.authorization_expiring event in the outbox, in the same statement (PostgreSQL)
    or transaction.
    """
    now = now or timezone.now()
    request_t = CollaborationRequest._meta.db_table
    lead_t, creator_t = Lead._meta.db_table, Creator._meta.db_table
    staff_t = PartnerStaff._meta.db_table
    when, until = db_value(now), db_value(now + REMIND_WITHIN)
    notify = notification_insert_sql(
        f"""
        SELECT l.partner_id, COALESCE(l.owner_id, s.user_id), %s,
               {authorization_expiring_sql(handle="c.handle")}, {lead_link_sql("l.id")}, l.id, %s
        FROM {{due}} d
        JOIN {lead_t} l ON l.id = d.lead_id
        JOIN {creator_t} c ON c.id = l.creator_id
        LEFT JOIN {staff_t} s ON l.owner_id IS NULL AND s.partner_id = l.partner_id
        WHERE l.removed_at IS NULL
        """
    )
    mark = f"""
        UPDATE {request_t} SET expiry_reminded_at = %s
        WHERE is_open = %s AND expiry_reminded_at IS NULL
          AND authorization_expires_at > %s AND authorization_expires_at <= %s
    """
    mark_params = [when, True, when, until]
    outbox = _expiring_outbox_sql()
    outbox_params = [outbox_data_param({"actor_id": None}), when]
    with job_run_record(job=JobRun.Job.REMIND_EXPIRING_AUTHORIZATIONS) as run:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"""
                    WITH due AS ({mark} RETURNING id, lead_id, authorization_expires_at),
                    notified AS ({notify.format(due="due")} RETURNING 1),
                    outbox AS ({outbox.format(due="due")} RETURNING 1)
                    SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM notified)
                    """,
                    [*mark_params, NotificationKind.AUTHORIZATION_EXPIRING, when, *outbox_params],
                )
                run.rows_changed, notified = cursor.fetchone()
            else:
                cursor.execute(mark, mark_params)
                run.rows_changed = cursor.rowcount
                notified = 0
                if run.rows_changed:
                    # The requests just stamped carry this run's timestamp: notify exactly those.
                    cursor.execute(
                        notify.format(
                            due=f"(SELECT lead_id FROM {request_t} WHERE expiry_reminded_at = %s)"
                        ),
                        [NotificationKind.AUTHORIZATION_EXPIRING, when, when],
                    )
                    notified = cursor.rowcount
                    cursor.execute(
                        outbox.format(
                            due=f"(SELECT * FROM {request_t} WHERE expiry_reminded_at = %s)"
                        ),
                        [*outbox_params, when],
                    )
            creators = creators_ending_notify(now=now)  # the creators' own "ends soon"
            run.detail = f"{notified} notifications, {creators} creators told"
    return run


def _expiring_outbox_sql() -> str:
    """lead.authorization_expiring, one event per request the run stamped (`{due}`: id,
    lead_id, authorization_expires_at) whose lead is in the pool, as its notice."""
    lead_t = Lead._meta.db_table
    data = outbox_data_sql(
        request_id="d.id", expires_at=outbox_datetime_sql("d.authorization_expires_at")
    )
    return outbox_insert_sql(
        type=LEAD_AUTHORIZATION_EXPIRING,
        select_sql=f"""
        SELECT l.partner_id AS partner_id, l.id AS lead_id, {data} AS data, %s AS created_at
        FROM {{due}} d JOIN {lead_t} l ON l.id = d.lead_id
        WHERE l.removed_at IS NULL
        """,
    )


def _digest_body(*, user, leads: list[Lead], total: int, now: dt.datetime) -> str:
    lines = [
        f"Hello {user.get_full_name() or user.get_username()},",
        "",
        f"{total} creator data authorization{'s' if total != 1 else ''} in your Leads Pool "
        "end within the next 48 hours. Act before the licensed data disappears:",
        "",
    ]
    for lead in leads:
        left = lead.authorization_expires_at - now
        hours = max(int(left.total_seconds() // 3600), 0)
        mine = " (yours)" if lead.owner_id == user.pk else ""
        lines.append(
            f"- @{lead.creator.handle} ({lead.get_status_display()}), ends "
            f"{lead.authorization_expires_at:%b %d, %H:%M} UTC, in {hours} h{mine}: "
            + lead_url(lead.pk)
        )
    if total > len(leads):
        lines.append(f"- and {total - len(leads)} more.")
    lines += [
        "",
        "All of them, soonest first: "
        + absolute_url("/seller/leads/?expiring_within_hours=48&ordering=authorization_expires_at"),
        "",
    ]
    return "\n".join(lines)


def digest_switched_off():
    """Staff users who switched the daily digest off (/accounts/notifications/)."""
    return NotificationPreference.objects.filter(kind=DIGEST_KEY, email=False).values("user_id")


def expiry_digest_send(*, now: dt.datetime | None = None) -> JobRun:
    """Email each staff user (once per business day) the authorizations in their partner's
    pool that end within the next 48 hours, soonest first, each linked to its lead.

    An `ExpiryDigest` row per user and day records it: queued by this job, stamped `sent_at`
    by the mail task once the backend took the mail. A rerun that day skips the sent ones and
    the ones queued within DIGEST_REQUEUE_AFTER (their mail task is still retrying), and
    queues again any whose mail was lost, so each user gets the day's digest once. Users
    without an email address, or whose pool has nothing expiring and who have nothing from
    DIGEST_SECTIONS (no tasks for today), get nothing.
    """
    now = now or timezone.now()
    today = business_today()
    with job_run_record(job=JobRun.Job.SEND_EXPIRY_DIGEST, as_of=today) as run:
        with transaction.atomic():
            expiring = Lead.objects.in_pool().filter(
                authorization_expires_at__gt=now,
                authorization_expires_at__lte=now + DIGEST_WITHIN,
            )
            partner_totals = dict(
                expiring.order_by().values_list("partner_id").annotate(total=Count("id"))
            )
            extras: dict[int, list[str]] = defaultdict(list)
            for section in DIGEST_SECTIONS:
                for user_id, lines in section(now=now).items():
                    extras[user_id] += lines
            if not partner_totals and not extras:
                return run
            sent_today = (
                ExpiryDigest.objects.filter(day=today)
                .filter(Q(sent_at__isnull=False) | Q(queued_at__gt=now - DIGEST_REQUEUE_AFTER))
                .values("user_id")
            )
            users = list(
                get_user_model()
                .objects.filter(
                    Q(partner_staff__partner_id__in=list(partner_totals)) | Q(pk__in=list(extras)),
                    is_active=True,
                    partner_staff__isnull=False,
                )
                .exclude(email="")
                .exclude(pk__in=sent_today)
                .exclude(pk__in=digest_switched_off())
                .select_related("partner_staff")
                .order_by("pk")
            )
            if not users:
                return run
            # Each partner's soonest leads, once per partner whatever its number of staff.
            leads_by_partner: dict[int, list[Lead]] = defaultdict(list)
            for partner_id in {user.partner_staff.partner_id for user in users} & set(
                partner_totals
            ):
                leads_by_partner[partner_id] = list(
                    expiring.filter(partner_id=partner_id)
                    .select_related("creator")
                    .order_by("authorization_expires_at", "id")[:DIGEST_MAX_LEADS]
                )
            # A lost one of today (queued long ago, never sent) is queued again.
            ExpiryDigest.objects.filter(day=today, user__in=users, sent_at__isnull=True).delete()
            digests = ExpiryDigest.objects.bulk_create(
                [
                    ExpiryDigest(
                        user=user,
                        day=today,
                        leads_count=partner_totals.get(user.partner_staff.partner_id, 0),
                        queued_at=now,
                    )
                    for user in users
                ]
            )
            digest_of = {digest.user_id: digest.pk for digest in digests}
            for user in users:
                partner_id = user.partner_staff.partner_id
                total = partner_totals.get(partner_id, 0)
                body = _digest_body(
                    user=user, leads=leads_by_partner[partner_id], total=total, now=now
                )
                if extras.get(user.pk):
                    if not total:  # tasks only: the greeting, not the expiry paragraph
                        body = body.split("\n", 1)[0] + "\n"
                    body += "\n" + "\n".join(extras[user.pk]) + "\n"
                subject = (
                    f"{total} authorization{'s' if total != 1 else ''} expire within 48 hours"
                    if total
                    else "Your follow-up tasks for today"
                )
                mail_queue(
                    to=[user.email],
                    subject=subject,
                    body=body,
                    sent_mark=("leads.ExpiryDigest", digest_of[user.pk], "sent_at"),
                )
            run.rows_changed = len(users)
    return run
