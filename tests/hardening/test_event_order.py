"""Lead event times are taken after the lead's row lock: under races, the history's time
order is the order in which the changes happened (their ids), never shuffled."""

import pytest
from django.db import connection

from creators.models import Tier
from leads.models import Lead, LeadEvent, LeadStatus
from leads.services import (
    collaboration_request_submit,
    lead_add,
    lead_remove,
    lead_set_status,
    leads_bulk_apply,
)
from tests.factories import CreatorUserFactory, SellerFactory
from tests.hardening.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_history_sorts_in_commit_order_under_races():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks and concurrent connections")
    seller = SellerFactory()
    creator = CreatorUserFactory(tier=Tier.GOLD)
    partner = seller.partner
    lead, _ = lead_add(partner=partner, creator=creator, user=seller.user)

    def work(i):
        fresh = Lead.objects.get(pk=lead.pk)
        step = i % 6
        if step == 0:
            return lead_remove(lead=fresh, user=seller.user)
        if step == 1:
            return lead_add(partner=partner, creator=creator, user=seller.user)
        if step == 2:
            try:
                return lead_set_status(lead=fresh, status=LeadStatus.CONTACTED, user=seller.user)
            except Exception:  # noqa: BLE001 - a removed lead refuses; that is fine here
                return None
        if step == 3:
            return collaboration_request_submit(creator=creator, partner=partner, consent=True)
        # The bulk action's set-based statements, on this one lead.
        action = {"action": "set_status", "status": LeadStatus.NEW} if step == 4 else {}
        action = action or {"action": "assign", "owner_id": seller.user.pk if i % 12 < 6 else None}
        try:
            return leads_bulk_apply(partner=partner, user=seller.user, ids=[lead.pk], **action)
        except Exception:  # noqa: BLE001 - a removed lead is outside the pool; fine here
            return None

    for _ in range(3):
        results = run_together(24, work)
        assert not [r for r in results if isinstance(r, BaseException)], results
    by_id = list(LeadEvent.objects.filter(lead=lead).order_by("id").values_list("id", "created_at"))
    assert len(by_id) > 10
    times = [at for _, at in by_id]
    assert times == sorted(times)
