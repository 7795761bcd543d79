"""The pipeline dashboard page: the stats as server-drawn SVG, for the pool's filters."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creators.models import Tier
from leads.models import LeadSource, LeadStatus
from tests.factories import CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db

PAGE = "/seller/dashboard/"


def lead(partner, **fields):
    tier = fields.pop("tier", Tier.GOLD)
    return LeadFactory(partner=partner, creator=CreatorFactory(tier=tier), **fields)


def test_the_dashboard_draws_the_pipeline(client, seller_a, partner_a, partner_b):
    now = dt.datetime.now(dt.UTC)
    for _ in range(3):
        lead(
            partner_a,
            source=LeadSource.COLLABORATION_REQUEST,
            status=LeadStatus.COLLABORATING,
            authorization_expires_at=now + dt.timedelta(days=2),
        )
    lead(partner_a, source=LeadSource.COLLABORATION_REQUEST, status=LeadStatus.NEW)
    lead(
        partner_a, source=LeadSource.INSTANT_MESSAGE, status=LeadStatus.CONTACTED, tier=Tier.BRONZE
    )
    lead(partner_b, status=LeadStatus.CLOSED)
    client.force_login(seller_a)
    page = client.get(PAGE).content.decode()
    assert 'aria-current="page">Dashboard</a>' in page
    assert 'data-testid="stat-total">5<' in page
    assert 'data-testid="stat-collaborating">3<' in page and 'data-testid="stat-closed">0<' in page
    assert page.count('data-testid="chart"') == 4
    assert "<title>Collaboration request: 3 collaborating</title>" in page
    assert "75% of 4" in page  # collaboration requests that reached collaborating
    assert "0% of 1" in page  # instant messages
    assert "style=" not in page and "<script>" not in page  # the CSP allows neither inline


def test_the_dashboard_honours_the_pools_filters(client, seller_a, partner_a):
    lead(partner_a, tier=Tier.DIAMOND, status=LeadStatus.COLLABORATING)
    lead(partner_a, tier=Tier.BRONZE)
    client.force_login(seller_a)
    page = client.get(f"{PAGE}?tier=diamond").content.decode()
    assert 'data-testid="stat-total">1<' in page
    assert "Level: Diamond" in page and 'href="?"' in page
    assert 'href="/seller/leads/?tier=diamond"' in page

    bad = client.get(f"{PAGE}?followers_min=-4")
    assert bad.status_code == 400 and "Fix the filters" in bad.content.decode()


def test_the_dashboard_runs_constant_queries(client, seller_a, partner_a):
    client.force_login(seller_a)
    lead(partner_a)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    for status in LeadStatus.values * 5:
        lead(partner_a, status=status, source=LeadSource.INSTANT_MESSAGE, tier=Tier.SILVER)
    with CaptureQueriesContext(connection) as many:
        assert 'data-testid="stat-total">21<' in client.get(PAGE).content.decode()
    assert len(many) == len(few)


def test_creators_cannot_open_it(client, creator_bronze):
    client.force_login(creator_bronze.user)
    assert client.get(PAGE).status_code == 403
