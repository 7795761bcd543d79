"""Identity and profile API, Django admin for creators and jobs, and the demo data."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from creators.models import Creator, JobRun, Tier
from leads.models import Lead, LeadStatus
from tests.factories import PASSWORD, CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db


def test_token_then_me_for_each_role(seller_a, creator_silver, admin_user):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "seller_a", "password": PASSWORD}, format="json"
    )
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/").json()
    assert me["role"] == "seller" and me["partner"]["name"] == "Alpha LIVE Agency"

    client.force_authenticate(creator_silver.user)
    assert client.get("/api/v1/me/").json()["creator"] == {
        "handle": "creator_silver",
        "tier": "silver",
    }
    client.force_authenticate(admin_user)
    assert client.get("/api/v1/me/").json()["role"] == "admin"
    assert APIClient().get("/api/v1/me/").status_code in (401, 403)


def test_bad_credentials_and_inactive_users_get_no_token(seller_a):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "seller_a", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400 and "password" in response.json()["errors"]
    response = client.post("/api/v1/auth/token/", {"username": "seller_a"}, format="json")
    assert response.status_code == 400 and "password" in response.json()["errors"]

    token = client.post(
        "/api/v1/auth/token/", {"username": "seller_a", "password": PASSWORD}, format="json"
    ).json()["token"]
    seller_a.is_active = False
    seller_a.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/leads/").status_code == 401
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "seller_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_creator_profile_and_partner_directory(api_as, creator_silver, partner_a, partner_b):
    client = api_as(creator_silver.user)
    profile = client.get("/api/v1/creators/creator_silver/").json()
    assert profile["tier"] == "silver" and profile["follower_count"] == 25_000
    assert client.get("/api/v1/creators/nobody_here/").status_code == 404

    LeadFactory(partner=partner_a, status=LeadStatus.COLLABORATING)
    LeadFactory(partner=partner_a, status=LeadStatus.NEW)
    partners = client.get("/api/v1/partners/").json()
    assert [(p["name"], p["creator_count"]) for p in partners["results"]] == [
        ("Alpha LIVE Agency", 1),
        ("Bravo Creators", 0),
    ]
    found = client.get("/api/v1/partners/?search=bravo").json()
    assert [p["name"] for p in found["results"]] == ["Bravo Creators"]


def test_admin_finds_a_creator_and_runs_a_tier_refresh(client, admin_user):
    CreatorFactory(handle="findme_now", tier=Tier.GOLD)
    client.force_login(admin_user)
    page = client.get("/admin/creators/creator/?q=findme").content.decode()
    assert "findme_now" in page

    response = client.post("/admin/creators/jobrun/run/refresh_tiers/", follow=True)

    assert "Tier refresh ran" in response.content.decode()
    run = JobRun.objects.get(job=JobRun.Job.REFRESH_TIERS)
    assert run.status == JobRun.Status.SUCCEEDED
    assert "Tier refresh" in client.get("/admin/creators/jobrun/").content.decode()


def test_seed_demo_loads_the_contract_accounts_once(capsys):
    call_command("seed_demo", "--creators", "300")
    tiers = dict(
        Creator.objects.filter(handle__startswith="creator_").values_list("handle", "tier")
    )
    assert tiers == {
        "creator_diamond": Tier.DIAMOND,
        "creator_silver": Tier.SILVER,
        "creator_bronze": Tier.BRONZE,
        "creator_none": Tier.NON_TIERED,
    }
    assert Lead.objects.filter(partner__slug="alpha").count() > 20
    counts = (Creator.objects.count(), Lead.objects.count())

    call_command("seed_demo")

    assert "already loaded" in capsys.readouterr().out
    assert (Creator.objects.count(), Lead.objects.count()) == counts
    assert (
        APIClient()
        .post("/api/v1/auth/token/", {"username": "seller_b", "password": "demo"}, format="json")
        .status_code
        == 200
    )
