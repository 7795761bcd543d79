"""Twenty simultaneous requests under one round-robin rule: spread within one of even, no lead
assigned twice. Needs PostgreSQL's row locks (skipped on SQLite)."""

import collections

import pytest
from django.db import connection

from creators.models import Tier
from leads.models import Lead, LeadEvent
from leads.services import collaboration_request_submit
from routing.services import assignment_rule_create
from tests.factories import CreatorUserFactory, PartnerFactory, SellerFactory
from tests.hardening.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL: set DATABASE_URL (CI does)")


def test_twenty_simultaneous_requests_spread_evenly():
    partner = PartnerFactory()
    sellers = [SellerFactory(partner=partner).user for _ in range(3)]
    assignment_rule_create(
        partner=partner,
        name="Everyone",
        query="",
        strategy="round_robin",
        members=[s.pk for s in sellers],
    )
    creators = [CreatorUserFactory(tier=Tier.GOLD) for _ in range(20)]

    results = run_together(
        20, lambda i: collaboration_request_submit(creator=creators[i], partner=partner)
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    leads = Lead.objects.filter(partner=partner)
    assert leads.count() == 20
    assert not leads.filter(owner__isnull=True).exists()
    counts = collections.Counter(leads.values_list("owner_id", flat=True))
    assert set(counts) == {s.pk for s in sellers}
    assert max(counts.values()) - min(counts.values()) <= 1
    events = LeadEvent.objects.filter(lead__partner=partner, kind=LeadEvent.Kind.ASSIGNED)
    assert events.count() == 20
    assert len(set(events.values_list("lead_id", flat=True))) == 20
