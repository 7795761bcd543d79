"""Bulk actions on the Leads Pool: set the status, assign, or remove many leads at once.

One service applies each action to a set of leads, chosen by ids or by the pool's filters, in
one transaction with one history event per changed lead, through the set-based writes of
`sets.py` (the same ones a single lead's change goes through).

Status rules in bulk: the pipeline's LEAD_STATUS_FLOW applies to each lead. A lead already in
the target status is left as it is; a lead whose status cannot move to the target (for example
collaborating -> new) is skipped. Neither counts in `updated`; the skipped ones are counted in
`skipped`, so the page can say "27 updated, 3 skipped (a collaborating lead cannot go back to
new)". A bulk request never fails because some leads cannot move.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from .. import notices
from ..filters import LeadPoolFilter, pool_query_check
from ..models import Lead, LeadEvent, LeadStatus
from ..pool_version import ROWS, pool_version_bump
from .closing import close_reason_parse
from .owners import staff_member
from .recount import partners_collaborating_recount
from .sets import (
    changed_lead,
    leads_lock,
    leads_owner_set,
    leads_removed_set,
    leads_status_set,
    status_sources,
)

ACTIONS = ("set_status", "assign", "remove")
BULK_IDS_MAX = 10_000


@dataclass
class BulkResult:
    updated: int
    skipped: int = 0


def bulk_target(*, partner, user, ids=None, filters=None):
    """The pool leads a bulk action applies to: these ids (all of them in the caller's pool,
    else ValidationError naming `ids`), or every lead matching the pool's filters."""
    pool = Lead.objects.in_pool().filter(partner=partner)
    if (ids is None) == (filters is None):
        raise ValidationError({"ids": ["Send either `ids` or `filters`."]})
    if ids is not None:
        if not isinstance(ids, list) or not ids:
            raise ValidationError({"ids": ["Send a non-empty list of lead ids."]})
        if len(ids) > BULK_IDS_MAX:
            raise ValidationError(
                {
                    "ids": [
                        f"At most {BULK_IDS_MAX:,} ids per request; "
                        "use `filters` for all leads matching the pool's filters."
                    ]
                }
            )
        if not all(isinstance(pk, int) and not isinstance(pk, bool) for pk in ids):
            raise ValidationError({"ids": ["Lead ids are whole numbers."]})
        wanted = set(ids)
        found = set(pool.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = sorted(wanted - found)
        if missing:
            shown = ", ".join(str(pk) for pk in missing[:10])
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            raise ValidationError(
                {"ids": [f"Not in your Leads Pool: {shown}{more}. Nothing was changed."]}
            )
        return pool.filter(pk__in=wanted)
    params = bulk_filters_params(filters)
    # Only what the pool itself accepts: an unknown key, a paging key or a value a filter
    # cannot take is refused, never read as "no filter" (which would widen to the whole pool).
    pool_query_check(params, field="filters")
    filterset = LeadPoolFilter(params, queryset=pool, user=user)
    if not filterset.is_valid():  # checked above; kept so a widened query can never run
        raise ValidationError({"filters": ["These filters are not valid."]})
    return filterset.qs


def bulk_filters_params(filters) -> QueryDict:
    """The pool's query parameters of a bulk request, sent as an object
    (`{"tier": ["gold"]}`); anything else (a query string in a form-encoded body) is refused
    rather than read as no filter at all."""
    if not isinstance(filters, dict):
        raise ValidationError({"filters": ["Send the pool's query parameters as an object."]})
    params = QueryDict(mutable=True)
    for key, value in filters.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, dict | list) for v in values):
            raise ValidationError({"filters": [f"{ascii(str(key))}: use text or numbers."]})
        params.setlist(str(key), ["" if v is None else str(v) for v in values])
    return params


@transaction.atomic
def leads_bulk_apply(
    *,
    partner,
    user,
    action: str,
    ids: list[int] | None = None,
    filters: dict | None = None,
    status: str | None = None,
    owner_id: int | None = None,
    close_reason=None,
) -> BulkResult:
    """Apply one action to many pool leads at once, all or nothing, one event per lead.

    Ids outside the caller's pool make the whole request a ValidationError naming `ids`.
    """
    if action not in ACTIONS:
        raise ValidationError({"action": [f"Use one of {', '.join(ACTIONS)}."]})
    owner = None
    if action == "set_status" and status not in LeadStatus.values:
        raise ValidationError(
            {"status": [f"Use one of {', '.join(LeadStatus.values)} for set_status."]}
        )
    if action == "assign" and owner_id is not None:
        owner = staff_member(partner_id=partner.pk, user_id=owner_id)
    reason = close_reason_parse(close_reason) if action in ("set_status", "remove") else None
    if reason and action == "set_status" and status != LeadStatus.CLOSED:
        raise ValidationError({"close_reason": ["Only when the status becomes closed."]})
    target = bulk_target(partner=partner, user=user, ids=ids, filters=filters)
    leads_lock(target, ids=ids)  # by id, when ids were sent: whether in the pool yet or not
    now = timezone.now()

    if action == "set_status":
        skipped = target.exclude(status=status).exclude(status__in=status_sources(status)).count()
        updated = leads_status_set(target, status=status, user=user, now=now, close_reason=reason)
        if updated:
            # The directory's collaborating-creators figure: a recount after the lead writes;
            # then the pool's version (its cached counts are recounted).
            partners_collaborating_recount(partner_ids=[partner.pk])
            # A bulk move also answers the requests still waiting for a first reply (the
            # response filter's counts), so every count is recounted, not only status ones.
            pool_version_bump(partner_ids=[partner.pk])
        return BulkResult(updated=updated, skipped=skipped)

    if action == "assign":
        updated = leads_owner_set(target, owner_id=owner_id, user=user, now=now)
        if updated:
            pool_version_bump(partner_ids=[partner.pk], change=ROWS)
            one = changed_lead(kind=LeadEvent.Kind.ASSIGNED, user=user, now=now)
            notices.notice_assigned(
                partner=partner,
                owner=owner,
                user=user,
                count=updated,
                lead=one if updated == 1 else None,
            )
        return BulkResult(updated=updated)

    updated = leads_removed_set(target, user=user, now=now, close_reason=reason)
    if updated:
        partners_collaborating_recount(partner_ids=[partner.pk])
        pool_version_bump(partner_ids=[partner.pk])
        one = (
            changed_lead(kind=LeadEvent.Kind.REMOVED, user=user, now=now) if updated == 1 else None
        )
        notices.notice_removed(partner=partner, user=user, count=updated, lead=one)
    return BulkResult(updated=updated)
