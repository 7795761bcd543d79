"""The pool's counts: exact after every kind of write, cached while nothing changes, no DISTINCT."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.auth import api_token_issue
from creators.models import Creator, Tier
from creators.services import creator_profile_update
from leads import services
from leads.models import LeadStatus
from tests.factories import CreatorFactory, LeadFactory
from tests.frame import session_queries

pytestmark = pytest.mark.django_db


def lead(partner, handle, tier=Tier.BRONZE, name="", **extra):
    creator = CreatorFactory(handle=handle, display_name=name, tier=tier)
    return LeadFactory(partner=partner, creator=creator, **extra)


@pytest.fixture
def seller(api_as, seller_a):
    return api_as(seller_a)


def count(client, query=""):
    response = client.get(f"/api/v1/leads/?{query}")
    assert response.status_code == 200, response.content
    return response.json()["count"]


def counts_queries(client, query):
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/api/v1/leads/?{query}")
    # The pool's COUNT query (the page's own rows carry a notes_count subquery, not a count).
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].upper().startswith("SELECT COUNT(")
    ]


def test_a_status_filter_counts_without_distinct(seller, partner_a):
    lead(partner_a, "one", status=LeadStatus.CONTACTED)
    lead(partner_a, "two", status=LeadStatus.CONTACTED)
    lead(partner_a, "three")
    with CaptureQueriesContext(connection) as captured:
        assert count(seller, "status=contacted&status=closed") == 2
    assert captured.captured_queries
    assert not any("DISTINCT" in q["sql"].upper() for q in captured.captured_queries)


def test_an_unchanged_pool_is_counted_once_per_filter(seller, partner_a, django_assert_num_queries):
    for i in range(3):
        lead(partner_a, f"gold_{i}", Tier.GOLD)
    assert counts_queries(seller, "tier=gold")  # the first request counts
    assert counts_queries(seller, "tier=gold") == []  # the next ones do not
    assert counts_queries(seller, "tier=gold&ordering=-followers&page_size=2") == []
    assert counts_queries(seller, "tier=silver")  # another filter is another count
    # Session and the user with partner and pool version, then the page: no count. (A page
    # not served before: a repeated one comes from the list's page cache, with no page query.)
    with django_assert_num_queries(session_queries() + 1 + 1):
        assert seller.get("/api/v1/leads/?tier=gold&page_size=10").json()["count"] == 3


def test_counts_stay_exact_after_every_kind_of_write(seller, partner_a, seller_a):
    a = lead(partner_a, "ava_one", Tier.GOLD)
    b = lead(partner_a, "ava_two", Tier.GOLD)
    assert count(seller, "status=contacted") == 0
    assert count(seller, "tier=gold") == 2
    assert count(seller, "search=ava") == 2
    assert count(seller) == 2

    # A seller moves a lead (the API).
    assert seller.patch(f"/api/v1/leads/{a.pk}/", {"status": "contacted"}).status_code == 200
    assert count(seller, "status=contacted") == 1

    # A lead is removed from the pool (IM toggle) and added back.
    services.lead_remove(lead=b, user=seller_a)
    assert count(seller) == 1 and count(seller, "tier=gold") == 1
    services.lead_add(partner=partner_a, creator=b.creator, user=seller_a)
    assert count(seller) == 2

    # A new lead arrives (placed directly, as a backfill would: it bumps by name).
    lead(partner_a, "ava_three", Tier.GOLD)
    assert count(seller, "tier=gold") == 3 and count(seller, "search=ava") == 3

    # The tier refresh copies new tiers onto the leads (set-based SQL).
    Creator.objects.filter(pk=a.creator_id).update(tier=Tier.SILVER)
    assert services.lead_figures_sync() == 1
    assert count(seller, "tier=gold") == 2 and count(seller, "tier=silver") == 1

    # A creator is renamed (the admin's service): the search follows.
    creator_profile_update(creator=b.creator, changes={"handle": "leo_renamed"})
    assert count(seller, "search=ava") == 2 and count(seller, "search=leo") == 1


def test_another_partners_writes_leave_this_pool_cached(seller, partner_a, partner_b):
    lead(partner_a, "mine", Tier.GOLD)
    assert count(seller, "tier=gold") == 1
    lead(partner_b, "theirs", Tier.GOLD)
    assert counts_queries(seller, "tier=gold") == []
    assert count(seller, "tier=gold") == 1


def test_the_page_shows_the_same_exact_count(client, seller_a, partner_a):
    client.force_login(seller_a)
    lead(partner_a, "first", Tier.GOLD)
    assert "1 lead" in client.get("/seller/leads/?tier=gold").content.decode()
    lead(partner_a, "second", Tier.GOLD)
    assert "2 leads" in client.get("/seller/leads/?tier=gold").content.decode()


def test_search_matches_handle_or_name_case_insensitively_but_not_across_them(seller, partner_a):
    lead(partner_a, "ava_cooks", name="Kitchen Queen")
    lead(partner_a, "leo", name="Ava Stone")
    lead(partner_a, "max", name="Zoe")
    assert count(seller, "search=AVA") == 2
    assert count(seller, "search=@ava_c") == 1
    assert count(seller, "search=kitchen%20queen") == 1
    assert count(seller, "search=cooks%20kitchen") == 0  # the end of one and start of the other
    assert count(seller, "search=ava%25") == 0  # LIKE wildcards are plain characters


def test_a_token_request_loads_user_partner_and_version_in_one_query(
    seller_a, django_assert_num_queries
):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=seller_a)}")
    with django_assert_num_queries(1):
        assert client.get("/api/v1/me/").json()["role"] == "seller"
    client.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert client.get("/api/v1/me/").status_code == 401
