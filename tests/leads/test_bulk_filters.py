"""Bulk filters pass the pool's own validation: a filter the pool does not understand is a 400
naming `filters`, and nothing changes (it never widens to the whole pool)."""

import pytest

from leads.models import Lead
from tests.factories import LeadFactory, SellerFactory

BULK = "/api/v1/leads/bulk/"


@pytest.fixture
def pool(partner_a, seller_a):
    colleague = SellerFactory(user__username="colleague", partner=partner_a).user
    mine = LeadFactory.create_batch(2, partner=partner_a, owner=seller_a)
    theirs = LeadFactory.create_batch(3, partner=partner_a, owner=colleague)
    return {"mine": mine, "theirs": theirs, "colleague": colleague}


def owners():
    return sorted(Lead.objects.values_list("pk", "owner_id"))


BAD_FILTERS = [
    {"onwer": "none"},  # a misspelt filter
    {"owner": "none", "colour": "red"},  # a known one beside an unknown one
    {"page": "2"},  # paging is not a filter
    {"page_size": "10"},
    {"status": "newish"},  # a value the filter cannot take
    {"tier": ["gold", "tin"]},
    {"followers_min": "-5"},
    {"requested_after": "2026-02-30"},
    {"owner": "somebody"},
    {"expiring_within_hours": "0"},
    {"ordering": "password"},
    {"status": {"nested": "object"}},
]


@pytest.mark.parametrize("filters", BAD_FILTERS, ids=repr)
def test_a_filter_the_pool_refuses_is_a_400_naming_filters_and_changes_nothing(
    api_as, seller_a, pool, filters
):
    before = owners()
    body = {"action": "assign", "owner": seller_a.pk, "filters": filters}
    response = api_as(seller_a).post(BULK, body, format="json")
    assert response.status_code == 400, response.content
    assert "filters" in response.json()["errors"]
    assert owners() == before


def test_a_lone_surrogate_in_the_filters_is_a_400_not_a_500(api_as, seller_a, pool):
    before = owners()
    for filters in ('{"\\ud800": "x"}', '{"status": "\\ud800"}', '"tier=\\ud800"'):
        body = f'{{"action": "remove", "filters": {filters}}}'
        response = api_as(seller_a).post(BULK, body, content_type="application/json")
        assert response.status_code == 400, (filters, response.content)
    assert owners() == before


def test_a_form_encoded_query_string_is_refused_not_widened(api_as, seller_a, pool):
    client = api_as(seller_a)
    colleague = pool["colleague"]
    for text in ("onwer=none", f"owner={colleague.pk}"):
        widened = client.post(BULK, {"action": "remove", "filters": text})
        assert widened.status_code == 400 and "filters" in widened.json()["errors"]
    assert Lead.objects.in_pool().count() == 5


def test_valid_filters_still_act_on_exactly_what_they_select(api_as, seller_a, pool):
    colleague = pool["colleague"]
    body = {"action": "assign", "owner": seller_a.pk, "filters": {"owner": str(colleague.pk)}}
    response = api_as(seller_a).post(BULK, body, format="json")
    assert response.status_code == 200 and response.json()["updated"] == 3
    assert Lead.objects.filter(owner=seller_a).count() == 5


def test_the_page_refuses_a_pool_query_it_does_not_understand(client, seller_a, pool):
    client.force_login(seller_a)
    before = owners()
    for confirm in ("", "1"):  # neither the confirm step's count nor the action widens
        response = client.post(
            "/seller/leads/bulk/",
            {"action": "remove", "scope": "all", "query": "onwer=none", "confirm": confirm},
            follow=True,
        )
        page = response.content.decode()
        assert "Unknown pool filter: onwer" in page and "Remove" not in page.split("<main")[0]
        assert "bulk_confirm" not in [t.name for t in response.templates]
    assert owners() == before and Lead.objects.in_pool().count() == 5
