"""Writes for leads: collaboration requests, the IM toggle, statuses, expiry, notifications.

Every rule lives here once; pages, the API, admin actions and jobs call these functions.
The lead workspace (owners, notes, bulk actions, saved views, reminders and the digest) lives
in the sub-modules of this package and is re-exported at the bottom.
"""

import datetime as dt
import threading
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from core.jobs import job_run_record
from core.mail import absolute_url, mail_queue
from core.models import JobRun
from core.sql import db_value
from core.text import text_refuse_nul
from creators.models import Creator, Partner, PartnerStaff, Tier
from creators.selectors import creator_licensed_data
from creators.services import silver_threshold

from ..models import (
    CollaborationRequest,
    Lead,
    LeadEvent,
    LeadPoolVersion,
    LeadSource,
    LeadStatus,
    Notification,
    NotificationKind,
    NotificationRead,
    NotificationReadMark,
    creator_search_text,
)


def silver_rule(threshold: Decimal | None = None) -> str:
    """Why a creator below Silver cannot send a formal request (the page and the API say it)."""
    threshold = silver_threshold() if threshold is None else threshold
    return (
        "Formal collaboration requests need Silver tier or above "
        f"(30-day LIVE GMV of ${threshold:,.0f} or more). "
        "You can chat with the partner in IM instead."
    )


class NotEligible(PermissionDenied):
    """A creator below Silver asked to send a formal request: the refusal, with its figures."""

    def __init__(self, creator: Creator):
        self.creator = creator
        self.required_live_gmv_30d = silver_threshold()
        self.gap = max(Decimal("0.00"), self.required_live_gmv_30d - creator.live_gmv_30d).quantize(
            Decimal("0.01")
        )
        self.message = silver_rule(self.required_live_gmv_30d)
        super().__init__(self.message)


def silver_gate(*, creator: Creator) -> None:
    """The Silver gate for formal requests: raises NotEligible below Silver."""
    if not creator.is_silver_plus:
        raise NotEligible(creator)


@dataclass
class SubmitResult:
    request: CollaborationRequest
    created: bool
    # A repeat's message went to the IM thread (empty repeats deliver nothing).
    message_delivered: bool = False


_changed = threading.local()


def lead_pool_changed(*, partner_ids=None, create: bool = True) -> None:
    """A write changed these partners' leads (every partner's when None): bump their pool
    versions, so their cached counts (`selectors.lead_pool_count`) are recounted.

    Runs in the writer's transaction, so a reader sees the new version exactly when it sees
    the new rows. Saves and deletes of a Lead bump through leads.signals; a queryset
    `update()` or raw SQL that writes leads calls this itself, as its transaction's last write
    (the version row stays locked until commit). `create=False` only bumps existing rows: a
    lead deleted along with its partner must not recreate the partner's version row.
    """
    table = LeadPoolVersion._meta.db_table
    upsert = f"ON CONFLICT (partner_id) DO UPDATE SET version = {table}.version + 1"
    with connection.cursor() as cursor:
        if partner_ids is None:
            cursor.execute(
                f"INSERT INTO {table} (partner_id, version) "
                f"SELECT id, 1 FROM {Partner._meta.db_table} WHERE 1 = 1 {upsert}"
            )
        elif not create:
            LeadPoolVersion.objects.filter(partner_id__in=set(partner_ids)).update(
                version=F("version") + 1
            )
        else:
            for partner_id in sorted(set(partner_ids)):
                cursor.execute(
                    f"INSERT INTO {table} (partner_id, version) VALUES (%s, 1) {upsert}",
                    [partner_id],
                )
    # This thread's requests read the version again rather than the one loaded with the user.
    changed = getattr(_changed, "partners", None)
    if changed is None:
        changed = _changed.partners = set()
    changed.add(None) if partner_ids is None else changed.update(partner_ids)


def lead_pool_changed_in_thread(partner_id) -> bool:
    """Did this thread bump the partner's version since `lead_pool_changed_reset`?"""
    changed = getattr(_changed, "partners", None)
    return bool(changed) and (None in changed or partner_id in changed)


def lead_pool_changed_reset(**kwargs) -> None:
    """Connected to request_started: a request starts with the version loaded with its user."""
    _changed.partners = set()


def lead_pool_changed_for_leads(*, lead_ids, create: bool = True) -> None:
    """A write changed what these leads show in the pool's list without saving the leads
    themselves (a note added or deleted, a creator's request message): bump their partners."""
    partner_ids = set(
        Lead.objects.filter(pk__in=set(lead_ids)).values_list("partner_id", flat=True)
    )
    if partner_ids:
        lead_pool_changed(partner_ids=partner_ids, create=create)


def lead_pool_changed_for_staff(*, user_id, create: bool = True) -> None:
    """A staff user was renamed or deleted: the list shows owners by name, so bump their
    partner (an owner is always staff of the lead's partner)."""
    partner_ids = set(
        PartnerStaff.objects.filter(user_id=user_id).values_list("partner_id", flat=True)
    )
    if partner_ids:
        lead_pool_changed(partner_ids=partner_ids, create=create)


def leads_sync_creator_search(*, creator: Creator) -> int:
    """A creator's handle, name or avatar may have changed: update the search copy on their
    leads and bump the partners that have a lead of them (the list shows all three)."""
    leads = Lead.objects.filter(creator=creator)
    partner_ids = set(leads.values_list("partner_id", flat=True))
    if not partner_ids:
        return 0
    updated = leads.exclude(creator_search=(text := creator_search_text(creator))).update(
        creator_search=text
    )
    lead_pool_changed(partner_ids=partner_ids)
    return updated


def notification_create(
    *, partner: Partner, kind: str, text: str, lead: Lead | None = None, user=None
) -> Notification:
    """Notify every seller of a partner, or only `user` (one of its staff) when given."""
    return Notification.objects.create(
        partner=partner, kind=kind, text=text[:255], lead=lead, user=user
    )


def partner_staff_emails(*, partner: Partner) -> list[str]:
    """The email addresses of a partner's active staff users."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(partner_staff__partner=partner, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def lead_url(lead_id: int) -> str:
    """The absolute address of a lead's detail page (for emails)."""
    return absolute_url(f"/seller/leads/{lead_id}/")


def partners_collaborating_recount(*, partner_ids: list[int] | None = None) -> int:
    """Recount `Partner.collaborating_creators` (leads collaborating and in the pool) for these
    partners, or all, in one set-based UPDATE; returns how many partners it wrote.

    Every write that changes a lead's status or pool membership calls it for the partners it
    touched, inside its transaction and after its lead writes. The partner rows are locked
    first, in id order, and the recount is a later statement, so under READ COMMITTED it sees
    every write committed before the lock was granted: two concurrent status changes of one
    partner cannot leave a stale count. A recount (not +1/-1) is also self-healing.
    """
    partner_t = Partner._meta.db_table
    lead_t = Lead._meta.db_table
    where, params = "", []
    if partner_ids is not None:
        partner_ids = sorted(set(partner_ids))
        if not partner_ids:
            return 0
        where = f"WHERE p.id IN ({', '.join(['%s'] * len(partner_ids))})"
        params = list(partner_ids)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and partner_ids is not None:
            cursor.execute(
                f"SELECT p.id FROM {partner_t} p {where} ORDER BY p.id FOR NO KEY UPDATE", params
            )
        # Counted on the pool's (partner, status) partial index: an index-only scan.
        cursor.execute(
            f"""
            UPDATE {partner_t} AS p SET collaborating_creators = (
                SELECT count(*) FROM {lead_t} l
                WHERE l.partner_id = p.id AND l.status = %s AND l.removed_at IS NULL)
            {where}
            """,
            [LeadStatus.COLLABORATING, *params],
        )
        return cursor.rowcount


def _authorization_expires_at(submitted_at: dt.datetime) -> dt.datetime:
    return submitted_at + dt.timedelta(days=settings.AUTHORIZATION_DAYS)


def _creator_figures(creator: Creator) -> dict:
    """The creator's refreshed figures a lead carries (the pool's filter keys)."""
    return {"creator_tier": creator.tier, "creator_follower_count": creator.follower_count}


def _lock_lead(
    *, partner: Partner, creator: Creator, source: str, now: dt.datetime, **extra
) -> tuple[Lead, bool]:
    """Get or create the partner's one lead for a creator, locked for this transaction.

    A new lead starts from the source, the time and the creator's figures (and `extra`).
    """
    lead = Lead.objects.select_for_update().filter(partner=partner, creator=creator).first()
    if lead is not None:
        return lead, False
    defaults = {"source": source, "requested_at": now, **_creator_figures(creator), **extra}
    try:
        with transaction.atomic():
            lead = Lead.objects.create(partner=partner, creator=creator, **defaults)
        return lead, True
    except IntegrityError:
        # Another request created it between our read and our insert.
        return Lead.objects.select_for_update().get(partner=partner, creator=creator), False


def collaboration_request_submit(
    *, creator: Creator, partner: Partner, message: str = "", consent: bool = True
) -> SubmitResult:
    """A Silver+ creator's Request to Collaborate; a repeat returns the open request."""
    silver_gate(creator=creator)
    if not consent:
        raise ValidationError(
            {
                "consent": [
                    "Agree to share your licensed data with the partner for "
                    f"{settings.AUTHORIZATION_DAYS} days."
                ]
            }
        )
    text_refuse_nul(message, field="message")
    if len(message) > 2000:
        raise ValidationError({"message": ["Keep the message to 2,000 characters or fewer."]})
    message = message.strip()
    try:
        return _collaboration_request_submit(
            creator=creator, partner=partner, message=message, consent=consent
        )
    except IntegrityError:
        # A concurrent submission won the race on the open-request constraint: this one is a
        # repeat, and its message still goes to the thread.
        with transaction.atomic():
            existing = CollaborationRequest.objects.get(
                creator=creator, partner=partner, is_open=True
            )
            delivered = _repeat_message_deliver(request=existing, message=message)
        return SubmitResult(existing, created=False, message_delivered=delivered)


def _repeat_message_deliver(*, request: CollaborationRequest, message: str) -> bool:
    """A repeat while a request is open: its message joins the lead's history and the IM
    thread (im's receiver posts it there), never dropped. Returns whether there was one."""
    from ..signals import collaboration_request_sent  # signals imports this module

    if message:
        LeadEvent.objects.create(
            lead_id=request.lead_id,
            kind=LeadEvent.Kind.MESSAGE,
            actor=request.creator.user,
            text=message,
        )
    collaboration_request_sent.send(
        sender=CollaborationRequest, request=request, created=False, message=message
    )
    return bool(message)


@transaction.atomic
def _collaboration_request_submit(*, creator, partner, message, consent) -> SubmitResult:
    lead, lead_created = _lock_lead(
        partner=partner,
        creator=creator,
        source=LeadSource.COLLABORATION_REQUEST,
        now=timezone.now(),
    )
    # The time is taken once the lead's row lock is held, so concurrent changes to one lead
    # get their times in the order they commit, and its history sorts in that order.
    now = timezone.now()
    open_request = (
        CollaborationRequest.objects.select_for_update()
        .filter(creator=creator, partner=partner, is_open=True)
        .first()
    )
    if open_request is not None:
        open_request.lead = lead  # the row locked above: the rule reads it, no second query
        if open_request.is_pending(now):
            delivered = _repeat_message_deliver(request=open_request, message=message)
            return SubmitResult(open_request, created=False, message_delivered=delivered)
        # Expired (job not run yet), or closed or removed from the pool by the seller: end it,
        # then renew below.
        open_request.is_open = False
        if not open_request.is_authorized(now):
            open_request.expired_at = open_request.expired_at or now
        else:
            open_request.closed_at = now
        open_request.save(update_fields=["is_open", "expired_at", "closed_at"])

    licensed_data = creator_licensed_data(creator=creator)
    expires_at = _authorization_expires_at(now)
    request = CollaborationRequest.objects.create(
        partner=partner,
        creator=creator,
        lead=lead,
        message=message,
        consent_given=consent,
        creator_tier=creator.tier,
        licensed_data=licensed_data,
        submitted_at=now,
        authorization_expires_at=expires_at,
    )
    # Renewed only when this lead carried an earlier authorization that is still in the pool;
    # an IM lead's first request, or a request after removal, is a new request.
    renewing = not lead_created and lead.authorization_expires_at is not None
    was_removed = lead.removed_at is not None
    lead.source = LeadSource.COLLABORATION_REQUEST
    lead.requested_at = now
    lead.licensed_data = licensed_data
    lead.authorization_expires_at = expires_at
    lead.removed_at = None
    lead.removed_by = None
    for field, value in _creator_figures(creator).items():
        setattr(lead, field, value)
    from_status = lead.status
    if lead.status == LeadStatus.CLOSED:
        lead.status = LeadStatus.NEW
    lead.save()
    LeadEvent.objects.create(
        lead=lead,
        kind=LeadEvent.Kind.RENEWED if renewing and not was_removed else LeadEvent.Kind.REQUESTED,
        actor=creator.user,
        from_status=from_status,
        to_status=lead.status,
        text=message,
        created_at=now,
    )
    text = (
        f"New collaboration request from @{creator.handle} "
        f"({Tier(creator.tier).label}). Licensed data until {expires_at:%b %d, %H:%M} UTC."
    )
    notification_create(partner=partner, kind=NotificationKind.NEW_REQUEST, text=text, lead=lead)
    mail_queue(
        to=partner_staff_emails(partner=partner),
        subject=f"New collaboration request from @{creator.handle}",
        body=(
            f"{text}\n\n"
            + (f"Their message:\n{message}\n\n" if message else "")
            + f"Open the lead: {lead_url(lead.pk)}\n"
        ),
    )
    from ..signals import collaboration_request_sent  # signals imports this module

    collaboration_request_sent.send(
        sender=CollaborationRequest, request=request, created=True, message=message
    )
    if was_removed:
        partners_collaborating_recount(partner_ids=[partner.pk])
    return SubmitResult(request, created=True)


@transaction.atomic
def lead_add(*, partner: Partner, creator: Creator, user) -> tuple[Lead, bool]:
    """Add to leads (from IM): a new lead with source Instant message, or restore a removed one.

    Returns the lead and whether the pool changed. Adding a lead already in the pool is a no-op.
    """
    lead, created = _lock_lead(
        partner=partner,
        creator=creator,
        source=LeadSource.INSTANT_MESSAGE,
        now=timezone.now(),
        added_by=user,
    )
    now = lead.requested_at if created else timezone.now()  # after the row lock
    if created:
        LeadEvent.objects.create(lead=lead, kind=LeadEvent.Kind.ADDED, actor=user, created_at=now)
        return lead, True
    if lead.removed_at is None:
        return lead, False
    lead.removed_at = None
    lead.removed_by = None
    lead.added_by = user
    if not lead.is_authorized(now):
        # Restored from IM with no live authorization: it is an IM lead again.
        lead.source = LeadSource.INSTANT_MESSAGE
    lead.requested_at = now
    lead.save(
        update_fields=[
            "removed_at",
            "removed_by",
            "added_by",
            "source",
            "requested_at",
            "updated_at",
        ]
    )
    LeadEvent.objects.create(lead=lead, kind=LeadEvent.Kind.RESTORED, actor=user, created_at=now)
    if lead.status == LeadStatus.COLLABORATING:
        partners_collaborating_recount(partner_ids=[partner.pk])
    return lead, True


@transaction.atomic
def lead_remove(*, lead: Lead, user) -> bool:
    """Remove from leads (soft) and notify the partner once; a repeat changes nothing."""
    # Lock the row first, then take the time: events sort in the order they commit.
    list(Lead.objects.select_for_update().filter(pk=lead.pk).values_list("pk"))
    now = timezone.now()
    removed = Lead.objects.filter(pk=lead.pk, removed_at__isnull=True).update(
        removed_at=now, removed_by=user, updated_at=now
    )
    if not removed:
        return False
    lead_pool_changed(partner_ids=[lead.partner_id])
    lead.refresh_from_db()
    if lead.status == LeadStatus.COLLABORATING:
        partners_collaborating_recount(partner_ids=[lead.partner_id])
    LeadEvent.objects.create(lead=lead, kind=LeadEvent.Kind.REMOVED, actor=user, created_at=now)
    who = user.get_username() if user is not None else "someone"
    notification_create(
        partner=lead.partner,
        kind=NotificationKind.LEAD_REMOVED,
        text=f"@{lead.creator.handle} was removed from the Leads Pool by {who}.",
        lead=lead,
    )
    return True


def lead_remove_for_creator(*, partner: Partner, creator: Creator, user) -> bool:
    """Remove from leads by creator (IM's toggle, page and API): False if nothing to remove."""
    lead = Lead.objects.filter(partner=partner, creator=creator).first()
    return lead_remove(lead=lead, user=user) if lead is not None else False


LEAD_STATUS_FLOW = {
    LeadStatus.NEW: {LeadStatus.CONTACTED, LeadStatus.COLLABORATING, LeadStatus.CLOSED},
    LeadStatus.CONTACTED: {LeadStatus.NEW, LeadStatus.COLLABORATING, LeadStatus.CLOSED},
    LeadStatus.COLLABORATING: {LeadStatus.CONTACTED, LeadStatus.CLOSED},
    LeadStatus.CLOSED: {LeadStatus.NEW, LeadStatus.CONTACTED},
}


@transaction.atomic
def lead_set_status(*, lead: Lead, status: str, user) -> Lead:
    """Move a lead through the pipeline (new → contacted → collaborating, or closed)."""
    if status not in LeadStatus.values:
        raise ValidationError(
            {"status": [f"Unknown status {status!r}; use one of {', '.join(LeadStatus.values)}."]}
        )
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.removed_at is not None:
        raise ValidationError({"status": ["This lead was removed from the pool; add it first."]})
    if status == lead.status:
        return lead
    if status not in LEAD_STATUS_FLOW[LeadStatus(lead.status)]:
        raise ValidationError(
            {"status": [f"A {lead.get_status_display().lower()} lead cannot move to {status}."]}
        )
    now = timezone.now()
    from_status = lead.status
    lead.status = status
    changed = ["status", "updated_at"]
    if status == LeadStatus.COLLABORATING and lead.reached_collaborating_at is None:
        lead.reached_collaborating_at = now
        changed.append("reached_collaborating_at")
    lead.save(update_fields=changed)
    if LeadStatus.COLLABORATING in (from_status, status):
        partners_collaborating_recount(partner_ids=[lead.partner_id])
    if status == LeadStatus.CLOSED:
        # Closing ends the open request, so the creator may request again.
        CollaborationRequest.objects.filter(lead=lead, is_open=True).update(
            is_open=False, closed_at=now
        )
    LeadEvent.objects.create(
        lead=lead,
        kind=LeadEvent.Kind.STATUS_CHANGED,
        actor=user,
        from_status=from_status,
        to_status=status,
        created_at=now,
    )
    return lead


# The expiry's statements, built once; they take named parameters from one dict per run.
# PostgreSQL marks and notifies in one statement (the UPDATE hands the requests it marked to
# the INSERT through data-modifying CTEs); SQLite has none, so it marks, then notifies the
# requests that carry this run's timestamp.
_REQUEST_T = CollaborationRequest._meta.db_table
_EXPIRE_MARK_SQL = f"""
    UPDATE {_REQUEST_T} SET is_open = %(false)s, expired_at = %(now)s
    WHERE is_open = %(true)s AND authorization_expires_at <= %(now)s
"""


def _expire_notify_sql(expired: str) -> str:
    return f"""
        INSERT INTO {Notification._meta.db_table}
            (partner_id, user_id, kind, text, lead_id, created_at)
        SELECT l.partner_id, NULL, %(kind)s,
               'Data authorization expired for @' || c.handle
               || '. The lead stays in the pool without licensed data.',
               l.id, %(now)s
        FROM {expired} e
        JOIN {Lead._meta.db_table} l ON l.id = e.lead_id
        JOIN {Creator._meta.db_table} c ON c.id = l.creator_id
        WHERE l.removed_at IS NULL
    """


_EXPIRE_POSTGRES_SQL = f"""
    WITH expired AS ({_EXPIRE_MARK_SQL} RETURNING lead_id),
    notified AS ({_expire_notify_sql("expired")} RETURNING 1)
    SELECT (SELECT count(*) FROM expired), (SELECT count(*) FROM notified)
"""
_EXPIRE_NOTIFY_SQLITE_SQL = _expire_notify_sql(
    f"(SELECT lead_id FROM {_REQUEST_T} WHERE expired_at = %(now)s AND is_open = %(false)s)"
)


def authorizations_expire(*, now: dt.datetime | None = None) -> JobRun:
    """Mark collaboration requests past their authorization and notify each seller once per lead.

    The open request is the record of a lead's current authorization (a renewal or a close
    ends it first), so marking it expired is what makes the notice once-only: a rerun finds
    nothing open and due. The lead itself is not written: its licensed data is hidden at read
    time from `authorization_expires_at`, so the busy lead table and its indexes stay still.
    A lead that was removed from the pool, or closed, gets no notice.
    """
    params = {
        "now": db_value(now or timezone.now()),
        "kind": NotificationKind.AUTHORIZATION_EXPIRED.value,
        "true": True,
        "false": False,
    }
    with job_run_record(job=JobRun.Job.EXPIRE_AUTHORIZATIONS) as run:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(_EXPIRE_POSTGRES_SQL, params)
                run.rows_changed = cursor.fetchone()[0]
            else:
                cursor.execute(_EXPIRE_MARK_SQL, params)
                run.rows_changed = cursor.rowcount
                if run.rows_changed:
                    cursor.execute(_EXPIRE_NOTIFY_SQLITE_SQL, params)
    return run


def lead_figures_sync(**kwargs) -> int:
    """Copy creators' refreshed tier and followers onto their leads (the pool's filter keys).

    Connected to `creator_figures_refreshed`, so it runs inside the refresh's transaction.
    """
    lead_t, creator_t = Lead._meta.db_table, Creator._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {lead_t} SET creator_tier = c.tier, creator_follower_count = c.follower_count
            FROM {creator_t} c
            WHERE c.id = {lead_t}.creator_id
              AND ({lead_t}.creator_tier <> c.tier
                   OR {lead_t}.creator_follower_count <> c.follower_count)
            """
        )
        changed = cursor.rowcount
    if changed:
        lead_pool_changed()  # the counts filter on these copies: every partner recounts
    return changed


@transaction.atomic
def notifications_mark_read(
    *, partner: Partner, user, ids: list[int] | None = None, kind: str | None = None
) -> int:
    """Mark notifications read for this seller only: these ids, every one of a kind, or all.

    "All" moves the seller's read-through mark to the newest notification they can see (one
    row, whatever the volume) and drops their single reads below it. Ids and kinds insert
    read rows in one INSERT ... SELECT. Returns how many were unread before.
    """
    now = timezone.now()
    visible = Notification.visible_to(partner=partner, user=user)
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


# The lead workspace: imported last, since these modules use the helpers above.
from .bulk import BulkResult, leads_bulk_apply  # noqa: E402
from .notes import note_create, note_delete, note_update  # noqa: E402
from .owners import lead_assign, staff_member  # noqa: E402
from .reminders import expiring_authorizations_remind, expiry_digest_send  # noqa: E402
from .saved_views import saved_view_create, saved_view_delete, saved_view_query_clean  # noqa: E402

__all__ = [
    "BulkResult",
    "LEAD_STATUS_FLOW",
    "NotEligible",
    "SILVER_RULE",
    "SubmitResult",
    "authorizations_expire",
    "collaboration_request_submit",
    "expiring_authorizations_remind",
    "expiry_digest_send",
    "lead_add",
    "lead_assign",
    "lead_figures_sync",
    "lead_remove",
    "lead_set_status",
    "leads_bulk_apply",
    "note_create",
    "note_delete",
    "note_update",
    "notification_create",
    "notifications_mark_read",
    "saved_view_create",
    "saved_view_delete",
    "saved_view_query_clean",
    "staff_member",
]
