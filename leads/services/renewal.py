"""Renewal before expiry: in the last 48 hours of an authorization (or after its end) the
creator confirms with consent and the authorization runs 7 days from that moment; the seller
may ask for it first (a renewal request in IM). Also the creator's "ends within 24 hours"
notice, set-based, once per request (run by the hourly reminder job).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.sql import db_value
from creators.models import Creator, Partner
from creators.selectors import creator_licensed_data
from notifications.models import NotificationKind
from notifications.services import notification_insert_sql, notifications_mail

from .. import notices
from ..models import CollaborationRequest, Lead, LeadEvent, LeadStatus
from ..pool_version import pool_version_bump
from .eligibility import silver_gate
from .pipeline import creator_figures
from .requests import collaboration_request_submit

RENEW_WINDOW = dt.timedelta(hours=48)
ENDING_WITHIN = dt.timedelta(hours=24)


def renewal_window_opens_at(expires_at: dt.datetime) -> dt.datetime:
    """When renewing becomes possible: 48 hours before the authorization ends."""
    return expires_at - RENEW_WINDOW


def renewal_open(request: CollaborationRequest, now: dt.datetime) -> bool:
    """Whether `request` may be renewed now: it is the lead's current authorization and now is
    within its last 48 hours or after its end."""
    current = request.lead.authorization_expires_at == request.authorization_expires_at
    return current and now >= renewal_window_opens_at(request.authorization_expires_at)


def _window_check(request: CollaborationRequest, now: dt.datetime) -> None:
    if request.lead.authorization_expires_at != request.authorization_expires_at:
        raise ValidationError({"renew": ["A newer request replaced this one; renew that one."]})
    opens = renewal_window_opens_at(request.authorization_expires_at)
    if now < opens:
        raise ValidationError(
            {
                "renew": [
                    "Renewal opens in the last 48 hours of the authorization "
                    f"(from {opens:%b %d, %H:%M} UTC)."
                ]
            }
        )


@transaction.atomic
def collaboration_request_renew(
    *, request: CollaborationRequest, creator: Creator, consent: bool
) -> CollaborationRequest:
    """The creator renews their request for 7 days from now, with consent, within the last 48
    hours of its authorization or after its end (Silver+ only, the Silver gate's rule)."""
    locked = Lead.objects.select_for_update().get(pk=request.lead_id)
    request = CollaborationRequest.objects.select_for_update().get(pk=request.pk)
    request.lead = locked
    now = timezone.now()
    _window_check(request, now)
    if consent is not True:
        raise ValidationError(
            {"consent": ["Agree to share your licensed data for 7 more days to renew."]}
        )
    silver_gate(creator=creator)
    if not request.is_pending(now):
        # Expired, closed or removed: renewing works as a new request always has.
        return collaboration_request_submit(
            creator=creator, partner=request.partner, message="", consent=True
        ).request
    expires_at = now + dt.timedelta(days=settings.AUTHORIZATION_DAYS)
    licensed_data = creator_licensed_data(creator=creator)  # re-read at this moment
    request.authorization_expires_at = expires_at
    request.licensed_data = licensed_data
    request.expiry_reminded_at = None
    request.creator_ending_notified_at = None
    request.save(
        update_fields=[
            "authorization_expires_at",
            "licensed_data",
            "expiry_reminded_at",
            "creator_ending_notified_at",
        ]
    )
    locked.authorization_expires_at = expires_at
    locked.licensed_data = licensed_data
    for field, value in creator_figures(creator).items():
        setattr(locked, field, value)
    locked.save(
        update_fields=[
            "authorization_expires_at",
            "licensed_data",
            *creator_figures(creator),
            "updated_at",
        ]
    )
    LeadEvent.objects.create(
        lead=locked,
        kind=LeadEvent.Kind.RENEWED,
        actor=creator.user,
        from_status=locked.status,
        to_status=locked.status,
        created_at=now,
    )
    notices.notice_renewed(lead=locked, creator=creator, expires_at=expires_at)
    pool_version_bump(partner_ids=[locked.partner_id])
    return request


@transaction.atomic
def renewal_request_record(*, lead: Lead, user) -> CollaborationRequest:
    """A seller asks the creator to renew: the lead's current request must be within its last
    48 hours (or past its end) and the lead in the pool and not closed. Records the event;
    the caller (IM) posts the card in the thread. Returns the request to renew."""
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    request = (
        CollaborationRequest.objects.filter(
            lead=locked, authorization_expires_at=locked.authorization_expires_at
        )
        .select_related("creator__user", "partner")
        .first()
    )
    if request is None or locked.removed_at is not None or locked.status == LeadStatus.CLOSED:
        raise ValidationError({"renew": ["This lead has no request in the pool to renew."]})
    request.lead = locked
    _window_check(request, timezone.now())
    LeadEvent.objects.create(lead=locked, kind=LeadEvent.Kind.RENEWAL_REQUESTED, actor=user)
    pool_version_bump(partner_ids=[locked.partner_id])  # the lead's history and row changed
    return request


_REQUEST_T = CollaborationRequest._meta.db_table
_ENDING_MARK_SQL = f"""
    UPDATE {_REQUEST_T} SET creator_ending_notified_at = %(now)s
    WHERE is_open = %(true)s AND creator_ending_notified_at IS NULL
      AND authorization_expires_at > %(now)s AND authorization_expires_at <= %(until)s
"""


def _ending_notify_sql(marked: str) -> str:
    return notification_insert_sql(
        f"""
        SELECT NULL, c.user_id, %(kind)s, {notices.authorization_ending_sql(partner="p.name")},
               {notices.request_link_sql("r.id")}, NULL, %(now)s
        FROM {marked} r
        JOIN {Creator._meta.db_table} c ON c.id = r.creator_id
        JOIN {Partner._meta.db_table} p ON p.id = r.partner_id
        WHERE c.user_id IS NOT NULL
        """
    )


_ENDING_PG_SQL = f"""
    WITH marked AS ({_ENDING_MARK_SQL} RETURNING id, creator_id, partner_id),
    told AS ({_ending_notify_sql("marked")} RETURNING 1)
    SELECT (SELECT count(*) FROM marked)
"""
_ENDING_SQLITE_SQL = _ending_notify_sql(
    f"(SELECT id, creator_id, partner_id FROM {_REQUEST_T} "
    "WHERE creator_ending_notified_at = %(now)s)"
)


def creators_ending_notify(*, now: dt.datetime) -> int:
    """Tell each creator once per request, 24 hours or less before their data sharing ends,
    with a link to renew: one UPDATE marks, one INSERT … SELECT notifies (a rerun finds
    nothing unmarked); emails follow each creator's preference. Run inside the hourly
    reminder job (reminders.expiring_authorizations_remind). Returns how many were told."""
    params = {
        "now": db_value(now),
        "until": db_value(now + ENDING_WITHIN),
        "kind": NotificationKind.AUTHORIZATION_ENDING.value,
        "true": True,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_ENDING_PG_SQL, params)
            told = cursor.fetchone()[0]
        else:
            cursor.execute(_ENDING_MARK_SQL, params)
            told = cursor.rowcount
            if told:
                cursor.execute(_ENDING_SQLITE_SQL, params)
        if told:
            notifications_mail(kind=NotificationKind.AUTHORIZATION_ENDING, created_at=now)
    return told
