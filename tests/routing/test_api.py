"""The rules API, the partner settings and `me`'s away flag: shapes, checks, isolation."""

import pytest

from creators.models import Partner, PartnerStaff, Tier
from leads.models import LeadStatus
from routing.models import AssignmentRule
from tests.factories import CreatorFactory, LeadFactory, SellerFactory

RULES = "/api/v1/assignment-rules/"


def body(members, **extra):
    return {
        "name": "Gold+",
        "query": "tier=gold&tier=platinum",
        "strategy": "round_robin",
        "members": [m.pk for m in members],
        **extra,
    }


def test_create_list_patch_delete(api_as, seller_a, seller_a2):
    client = api_as(seller_a)
    created = client.post(RULES, body([seller_a2, seller_a]), format="json")
    assert created.status_code == 201, created.content
    rule = created.json()
    assert rule == {
        "id": rule["id"],
        "name": "Gold+",
        "query": "tier=gold&tier=platinum",
        "strategy": "round_robin",
        "members": sorted([seller_a.pk, seller_a2.pk]),
        "active": True,
        "position": 0,
    }
    second = client.post(RULES, body([seller_a], name="Rest", query=""), format="json").json()
    assert second["position"] == 1
    assert [r["name"] for r in client.get(RULES).json()] == ["Gold+", "Rest"]

    patched = client.patch(
        f"{RULES}{rule['id']}/",
        {"active": False, "strategy": "fewest_open", "members": [seller_a2.pk], "position": 5},
        format="json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["active"] is False
    assert patched.json()["members"] == [seller_a2.pk]
    assert patched.json()["name"] == "Gold+"
    assert [r["name"] for r in client.get(RULES).json()] == ["Rest", "Gold+"]

    assert client.delete(f"{RULES}{rule['id']}/").status_code == 204
    assert not AssignmentRule.objects.filter(pk=rule["id"]).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"query": "tier=wood"}, "query"),
        ({"query": "colour=red"}, "query"),
        ({"query": "followers_min=5&followers_max=1"}, "query"),
        ({"strategy": "random"}, "strategy"),
        ({"name": ""}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"members": []}, "members"),
        ({"members": ["abc"]}, "members"),
        ({"members": "1"}, "members"),
        ({"position": -1}, "position"),
        ({"active": "maybe"}, "active"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, seller_a, change, field):
    response = api_as(seller_a).post(RULES, {**body([seller_a]), **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not AssignmentRule.objects.exists()


def test_another_partners_member_is_a_400_naming_members(api_as, seller_a, seller_b):
    client = api_as(seller_a)
    response = client.post(RULES, body([seller_a, seller_b]), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["members"]
    assert not AssignmentRule.objects.exists()

    rule = client.post(RULES, body([seller_a]), format="json").json()
    response = client.patch(
        f"{RULES}{rule['id']}/", {"members": [seller_b.pk], "name": "Changed"}, format="json"
    )
    assert response.status_code == 400 and "members" in response.json()["errors"]
    assert AssignmentRule.objects.get().name == "Gold+"  # nothing changed
    missing = client.patch(f"{RULES}{rule['id']}/", {"members": [10**12]}, format="json")
    assert missing.status_code == 400 and "members" in missing.json()["errors"]


def test_another_partners_rule_is_a_404(api_as, seller_a, seller_b, make_rule, partner_b):
    theirs = make_rule([seller_b], partner=partner_b)
    client = api_as(seller_a)
    assert client.get(RULES).json() == []
    assert client.patch(f"{RULES}{theirs.pk}/", {"active": False}, format="json").status_code == 404
    assert client.delete(f"{RULES}{theirs.pk}/").status_code == 404
    assert client.get(f"{RULES}{theirs.pk}/preview/").status_code == 404
    assert AssignmentRule.objects.get(pk=theirs.pk).active is True


def test_creators_and_anonymous_users_are_refused(api, api_as, creator_silver):
    assert api.get(RULES).status_code in (401, 403)
    assert api_as(creator_silver.user).get(RULES).status_code == 403
    assert api_as(creator_silver.user).get("/api/v1/partner-settings/").status_code == 403


def test_preview_counts_open_matching_leads_and_names_the_next_member(
    api_as, partner_a, partner_b, seller_a, seller_a2, make_rule
):
    rule = make_rule([seller_a, seller_a2], query="tier=gold")
    gold = CreatorFactory(tier=Tier.GOLD)
    LeadFactory(partner=partner_a, creator=gold)
    LeadFactory(partner=partner_a, creator=CreatorFactory(tier=Tier.GOLD), status="contacted")
    LeadFactory(partner=partner_a, creator=CreatorFactory(tier=Tier.GOLD), status="closed")
    LeadFactory(partner=partner_a, creator=CreatorFactory(tier=Tier.SILVER))
    LeadFactory(partner=partner_b, creator=gold)
    client = api_as(seller_a)
    response = client.get(f"{RULES}{rule.pk}/preview/")
    assert response.json() == {"matching_open": 2, "next_member": "seller_a"}
    AssignmentRule.objects.filter(pk=rule.pk).update(cursor=seller_a)
    assert client.get(f"{RULES}{rule.pk}/preview/").json()["next_member"] == "seller_a2"
    PartnerStaff.objects.filter(user__in=[seller_a, seller_a2]).update(away=True)
    assert client.get(f"{RULES}{rule.pk}/preview/").json()["next_member"] is None


def test_list_and_preview_run_a_constant_number_of_queries(
    api_as, partner_a, seller_a, seller_a2, make_rule, django_assert_max_num_queries
):
    client = api_as(seller_a)
    rule = make_rule([seller_a])
    client.get(RULES)
    with django_assert_max_num_queries(6):
        client.get(RULES)
    for i in range(5):
        make_rule([seller_a, seller_a2, SellerFactory(partner=partner_a).user], name=f"r{i}")
    LeadFactory.create_batch(5, partner=partner_a, status=LeadStatus.NEW)
    with django_assert_max_num_queries(6):
        assert len(client.get(RULES).json()) == 6
    with django_assert_max_num_queries(8):
        client.get(f"{RULES}{rule.pk}/preview/")


def test_partner_settings(api_as, seller_a, partner_a):
    client = api_as(seller_a)
    url = "/api/v1/partner-settings/"
    assert client.get(url).json() == {"response_target_hours": 24}
    assert client.patch(url, {"response_target_hours": 8}, format="json").json() == {
        "response_target_hours": 8
    }
    assert Partner.objects.get(pk=partner_a.pk).response_target_hours == 8
    for bad in (0, 169, "soon", None, 2.5):
        response = client.patch(url, {"response_target_hours": bad}, format="json")
        assert response.status_code == 400, bad
        assert "response_target_hours" in response.json()["errors"]
    assert client.patch(url, {}, format="json").status_code == 400
    assert Partner.objects.get(pk=partner_a.pk).response_target_hours == 8


def test_me_gives_and_takes_a_sellers_away_flag(api_as, seller_a, creator_silver):
    client = api_as(seller_a)
    assert client.get("/api/v1/me/").json()["away"] is False
    response = client.patch("/api/v1/me/", {"away": True}, format="json")
    assert response.status_code == 200 and response.json()["away"] is True
    assert PartnerStaff.objects.get(user=seller_a).away is True
    assert client.patch("/api/v1/me/", {"away": "perhaps"}, format="json").status_code == 400

    creator = api_as(creator_silver.user)
    assert creator.get("/api/v1/me/").json()["away"] is None
    refused = creator.patch("/api/v1/me/", {"away": True}, format="json")
    assert refused.status_code == 400 and "away" in refused.json()["errors"]
