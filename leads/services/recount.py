"""The directory's "collaborating creators" figure of each partner, kept by recounting."""

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from creators.models import Partner

from ..models import Lead, LeadStatus


def partners_collaborating_recount(*, partner_ids: list[int] | None = None) -> int:
    """Recount `Partner.collaborating_creators` (leads collaborating and in the pool) for these
    partners, or all, in one set-based UPDATE; returns how many partners it wrote.

    Every write that changes a lead's status or pool membership calls it for the partners it
    touched, inside its transaction and after its lead writes. The partner rows are locked
    first, in id order, and the recount is a later statement, so under READ COMMITTED it sees
    every write committed before the lock was granted: two concurrent status changes of one
    partner cannot leave a stale count. A recount (not +1/-1) is also self-healing.
    """
    partners = Partner.objects.all()
    if partner_ids is not None:
        partner_ids = sorted(set(partner_ids))
        if not partner_ids:
            return 0
        partners = partners.filter(pk__in=partner_ids)
        # FOR NO KEY UPDATE: it still lets leads and requests reference these rows meanwhile.
        list(partners.order_by("pk").select_for_update(no_key=True).values_list("pk"))
    # Counted on the pool's (partner, status) partial index: an index-only scan.
    collaborating = (
        Lead.objects.in_pool()
        .filter(partner=OuterRef("pk"), status=LeadStatus.COLLABORATING)
        .order_by()
        .values("partner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return partners.update(collaborating_creators=Coalesce(Subquery(collaborating), Value(0)))
