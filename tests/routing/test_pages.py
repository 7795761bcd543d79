"""The settings page: response target, rules with their preview, the away toggle."""

import pytest

from creators.models import Partner, PartnerStaff
from routing.models import AssignmentRule
from tests.factories import LeadFactory, SellerFactory

URL = "/seller/settings/"


@pytest.fixture
def page(client, seller_a):
    client.force_login(seller_a)
    return client


def test_the_page_lists_rules_with_their_preview(page, partner_a, seller_a, seller_a2, make_rule):
    make_rule([seller_a, seller_a2], name="Gold+", query="")
    LeadFactory.create_batch(3, partner=partner_a)
    AssignmentRule.objects.update(cursor=seller_a)
    response = page.get(URL)
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "Gold+" in text
    assert "3 open leads would match; next in turn: seller_a2" in text
    assert 'href="/seller/settings/"' in text  # the navigation's Settings link
    assert 'value="24"' in text


def test_only_sellers_reach_the_page(client, creator_silver):
    assert client.get(URL).status_code == 302
    client.force_login(creator_silver.user)
    assert client.get(URL).status_code == 403


def test_add_a_rule_and_errors_name_the_field(page, seller_a, seller_a2, seller_b):
    ok = page.post(
        f"{URL}rules/",
        {
            "name": "Gold+",
            "query": "tier=gold",
            "strategy": "round_robin",
            "members": [seller_a2.pk],
            "active": "on",
        },
    )
    assert ok.status_code == 302
    rule = AssignmentRule.objects.get()
    assert rule.name == "Gold+" and rule.active and list(rule.members.all()) == [seller_a2]

    bad = page.post(
        f"{URL}rules/",
        {
            "name": "Other",
            "query": "tier=wood",
            "strategy": "round_robin",
            "members": [seller_a.pk],
        },
    )
    assert bad.status_code == 400
    assert "query:" in bad.content.decode()
    foreign = page.post(
        f"{URL}rules/",
        {"name": "Other", "query": "", "strategy": "round_robin", "members": [seller_b.pk]},
    )
    assert foreign.status_code == 400 and "members:" in foreign.content.decode()
    junk = page.post(
        f"{URL}rules/", {"name": "Other", "strategy": "round_robin", "members": ["x²"]}
    )
    assert junk.status_code == 400 and "members:" in junk.content.decode()
    assert AssignmentRule.objects.count() == 1


def test_edit_toggle_move_and_delete(page, seller_a, seller_a2, make_rule):
    first = make_rule([seller_a], name="First")
    second = make_rule([seller_a], name="Second")
    response = page.post(
        f"{URL}rules/{first.pk}/",
        {
            "name": "First, renamed",
            "query": "status=new",
            "strategy": "fewest_open",
            "members": [seller_a.pk, seller_a2.pk],
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.name, first.strategy, first.active) == ("First, renamed", "fewest_open", False)
    assert first.members.count() == 2
    bad = page.post(
        f"{URL}rules/{first.pk}/", {"name": "", "strategy": "round_robin", "members": [seller_a.pk]}
    )
    assert bad.status_code == 400 and "name:" in bad.content.decode()

    page.post(f"{URL}rules/{first.pk}/active/", {"active": "on"})
    first.refresh_from_db()
    assert first.active

    page.post(f"{URL}rules/{second.pk}/move/", {"direction": "up"})
    assert list(AssignmentRule.objects.values_list("name", flat=True)) == [
        "Second",
        "First, renamed",
    ]
    page.post(f"{URL}rules/{second.pk}/move/", {"direction": "down"})
    assert AssignmentRule.objects.first().pk == first.pk

    assert page.post(f"{URL}rules/{second.pk}/delete/").status_code == 302
    assert list(AssignmentRule.objects.all()) == [first]


def test_another_partners_rule_is_a_404(page, partner_b, seller_b, make_rule):
    theirs = make_rule([seller_b], partner=partner_b)
    for path in ("", "active/", "move/", "delete/"):
        assert page.post(f"{URL}rules/{theirs.pk}/{path}", {"name": "x"}).status_code == 404
    assert AssignmentRule.objects.get().name == theirs.name


def test_response_target_form(page, partner_a):
    assert page.post(f"{URL}response-target/", {"response_target_hours": "12"}).status_code == 302
    assert Partner.objects.get(pk=partner_a.pk).response_target_hours == 12
    for bad in ("0", "169", "soon", "", "٣"):
        response = page.post(f"{URL}response-target/", {"response_target_hours": bad})
        assert response.status_code == 400
        assert "response_target_hours:" in response.content.decode()
    assert Partner.objects.get(pk=partner_a.pk).response_target_hours == 12


def test_away_toggle(page, seller_a):
    page.post(f"{URL}away/", {"away": "on"})
    assert PartnerStaff.objects.get(user=seller_a).away is True
    assert "I'm back" in page.get(URL).content.decode()
    page.post(f"{URL}away/")
    assert PartnerStaff.objects.get(user=seller_a).away is False


def test_the_page_runs_a_constant_number_of_queries(
    page, partner_a, seller_a, make_rule, django_assert_max_num_queries
):
    make_rule([seller_a])
    page.get(URL)
    with django_assert_max_num_queries(14) as few:
        page.get(URL)
    for i in range(6):
        make_rule(
            [seller_a, SellerFactory(partner=partner_a).user], name=f"r{i}", query="status=new"
        )
    LeadFactory.create_batch(4, partner=partner_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page.get(URL)
