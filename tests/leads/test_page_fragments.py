"""Served page regions (core/fragments.py): the Leads Pool's body, the lead detail and the
partner directory's cards are served again only while nothing they show can differ. A repeat
costs fewer queries and reads the same as a fresh render; every write is on the very next
page; what changes with the clock alone (licensed data ending) changes at its instant; and a
served region carries the asking session's own CSRF token."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.fragments import CLOCK_SLICE_SECONDS
from creators.models import Partner, Tier
from leads import services
from leads.models import Lead, LeadStatus
from leads.pool_version import pool_version_bump
from leads.services.saved_views import saved_view_create
from tests.factories import CreatorUserFactory, LeadFactory, PartnerFactory, SellerFactory

pytestmark = pytest.mark.django_db

POOL = "/seller/leads/"
DIRECTORY = "/ec/partners/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def as_a(client, seller_a):
    client.force_login(seller_a)
    return client


MASKED_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


def page(client, url, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def same(html: str) -> str:
    """The page as compared: CSRF tokens are masked afresh for each response (one secret)."""
    return MASKED_TOKEN.sub("<token>", html)


def queries(client, url, **headers) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        html = page(client, url, **headers)
    return len(captured), html


def fresh(client, url, **headers) -> str:
    """The same page rendered with nothing served from the cache."""
    cache.clear()
    return page(client, url, **headers)


def tokens(html: str) -> set[str]:
    return set(CSRF_INPUT.findall(html))


def test_a_served_pool_page_is_the_fresh_page_for_fewer_queries(as_a, partner_a):
    for n in range(3):
        LeadFactory(partner=partner_a, creator__handle=f"row_{n}", creator__tier=Tier.GOLD)
    url = f"{POOL}?tier=gold&ordering=-followers"
    first_count, first = queries(as_a, url)
    again_count, again = queries(as_a, url)
    assert again_count < first_count
    assert same(again) == same(first) == same(fresh(as_a, url))
    # The htmx swap is the same body.
    body = page(as_a, url, HTTP_HX_REQUEST="true")
    assert 'id="pool"' in body and "row_2" in body and "<html" not in body


def test_every_write_to_the_pool_is_on_the_next_pool_page(as_a, seller_a, partner_a):
    lead = LeadFactory(partner=partner_a, creator__handle="star", status=LeadStatus.NEW)
    page(as_a, POOL)
    services.lead_set_status(lead=lead, status=LeadStatus.CONTACTED, user=seller_a)
    html = page(as_a, POOL)
    assert 'value="contacted" selected' in html
    assert same(html) == same(fresh(as_a, POOL))
    # A saved view (no lead written): its tab appears at once.
    saved_view_create(owner=seller_a, partner=partner_a, name="Gold only", query="tier=gold")
    assert "Gold only" in page(as_a, POOL)
    # The filter panel remembered open.
    as_a.post("/seller/leads/filters-panel/", {"open": "1"})
    assert re.search(r"<details[^>]*data-filters-panel[^>]*\bopen>", page(as_a, POOL))
    # A new member of the staff is in the owner picker.
    SellerFactory(user__username="newcomer", partner=partner_a)
    assert "newcomer" in page(as_a, POOL)
    # A removal.
    services.lead_remove(lead=lead, user=seller_a)
    assert "@star" not in page(as_a, POOL)


def test_another_seller_or_partner_never_gets_a_served_body(client, partner_a, partner_b):
    LeadFactory(partner=partner_a, creator__handle="alpha_lead")
    LeadFactory(partner=partner_b, creator__handle="bravo_lead")
    a1 = SellerFactory(user__username="a_one", partner=partner_a).user
    a2 = SellerFactory(user__username="a_two", partner=partner_a).user
    b = SellerFactory(user__username="b_one", partner=partner_b).user
    seen = {}
    for user in (a1, a2, b):
        client.force_login(user)
        seen[user.username] = page(client, POOL)
    assert "alpha_lead" in seen["a_one"] and "bravo_lead" not in seen["a_one"]
    assert "bravo_lead" in seen["b_one"] and "alpha_lead" not in seen["b_one"]
    # Each seller's own session token, not the first seller's.
    assert tokens(seen["a_one"]) and tokens(seen["a_two"])
    assert tokens(seen["a_one"]).isdisjoint(tokens(seen["a_two"]))


def test_a_served_body_holds_this_sessions_csrf_token_and_it_works(partner_a, seller_a):
    lead = LeadFactory(partner=partner_a, status=LeadStatus.NEW)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(seller_a)
    second.force_login(seller_a)
    page(first, POOL)
    served = page(second, POOL)  # from the cache
    token = next(iter(tokens(served)))
    answer = second.post(
        f"/seller/leads/{lead.pk}/status/",
        {"status": "contacted", "csrfmiddlewaretoken": token},
    )
    assert answer.status_code in (200, 302)
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CONTACTED


def test_licensed_data_leaves_the_pool_and_the_detail_at_its_instant(
    as_a, partner_a, creator_silver
):
    result = services.collaboration_request_submit(
        creator=creator_silver, partner=partner_a, message="hello", consent=True
    )
    lead = result.request.lead
    expires = timezone.now() + dt.timedelta(seconds=5)
    Lead.objects.filter(pk=lead.pk).update(authorization_expires_at=expires)
    pool_version_bump(partner_ids=[partner_a.pk])
    detail = f"/seller/leads/{lead.pk}/"
    with time_machine.travel(expires - dt.timedelta(seconds=2), tick=False):
        assert "expires in 1 min" in page(as_a, POOL)
        shown = page(as_a, detail)
        assert "expires in 1 min" in shown and "30-day LIVE GMV" in shown
    with time_machine.travel(expires, tick=False):
        pool_page, detail_page = page(as_a, POOL), page(as_a, detail)
        assert "expires in" not in pool_page and "expired" in pool_page
        assert "expires in" not in detail_page and "30-day LIVE GMV" not in detail_page
        assert same(detail_page) == same(fresh(as_a, detail))
    # The header's counts follow the clock within a slice (leads.selectors): after it, the
    # whole served page reads as a fresh one.
    with time_machine.travel(expires + dt.timedelta(seconds=CLOCK_SLICE_SECONDS), tick=False):
        assert same(page(as_a, POOL)) == same(fresh(as_a, POOL))


def test_a_served_detail_is_the_fresh_detail_and_shows_every_write(as_a, seller_a, partner_a):
    lead = LeadFactory(partner=partner_a, creator__handle="detailed", status=LeadStatus.NEW)
    url = f"/seller/leads/{lead.pk}/"
    first_count, first = queries(as_a, url)
    again_count, again = queries(as_a, url)
    assert again_count < first_count
    assert same(again) == same(first) == same(fresh(as_a, url))
    assert "<title>@detailed · Lead" in again
    panel = page(as_a, f"{url}?pool=%2Fseller%2Fleads%2F", HTTP_HX_REQUEST="true")
    assert "data-panel-close" in panel and 'id="lead-detail"' in panel
    services.note_create(lead=lead, author=seller_a, body="Call at five")
    assert "1 in the timeline" in page(as_a, url)
    services.lead_set_status(lead=lead, status=LeadStatus.CONTACTED, user=seller_a)
    assert 'value="contacted" selected' in page(as_a, url)
    services.lead_remove(lead=lead, user=seller_a)
    assert 'data-testid="lead-restore"' in page(as_a, url)


def test_another_partners_lead_is_a_404_even_with_a_served_detail(client, partner_a, seller_b):
    seller = SellerFactory(user__username="a_seller", partner=partner_a).user
    lead = LeadFactory(partner=partner_a)
    client.force_login(seller)
    page(client, f"/seller/leads/{lead.pk}/")
    client.force_login(seller_b)
    assert client.get(f"/seller/leads/{lead.pk}/").status_code == 404


def test_directory_cards_are_served_again_and_every_change_is_on_the_next_page(client):
    creator = CreatorUserFactory(tier=Tier.GOLD)
    client.force_login(creator.user)
    partner = PartnerFactory(name="Zeta Agency", slug="zeta", profile="We do LIVE.")
    first = page(client, DIRECTORY)
    assert "Zeta Agency" in first
    assert same(page(client, DIRECTORY)) == same(first) == same(fresh(client, DIRECTORY))
    # A partner's profile edited, set-based (as the admin's bulk edit or a backfill would).
    Partner.objects.filter(pk=partner.pk).update(profile="Night LIVE specialists")
    assert "Night LIVE specialists" in page(client, DIRECTORY)
    # The creator falls below Silver: the cards offer IM instead of a request.
    before = page(client, DIRECTORY)
    type(creator).objects.filter(pk=creator.pk).update(tier=Tier.BRONZE)
    after = page(client, DIRECTORY)
    assert same(after) != same(before) and same(after) == same(fresh(client, DIRECTORY))
