"""Sheet feeds: `GET/POST /api/v1/sheet-feeds/`, `DELETE …/{id}/`, and the secret CSV URL that
serves the pool's export for a saved view (same rows, same columns, same licensed-data rule)."""

import csv
import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from creators.models import Tier
from integrations.models import SheetFeed
from leads.services import saved_view_create
from tests.factories import CreatorFactory, LeadFactory, SellerFactory

pytestmark = pytest.mark.django_db

LICENSED = {
    "live_gmv_30d": "7250.50",
    "live_sessions_30d": 12,
    "average_viewers": 340,
    "top_categories": ["Beauty", "Home"],
}


def lead(partner, handle, tier=Tier.BRONZE, **extra):
    creator = CreatorFactory(handle=handle, tier=tier, follower_count=5_000)
    return LeadFactory(partner=partner, creator=creator, **extra)


def feed_path(url: str) -> str:
    assert url.startswith("http://testserver/feeds/sheets/") and url.endswith(".csv")
    return url.removeprefix("http://testserver")


def fetch(path: str):
    """The feed as a spreadsheet fetches it: no session, no cookies."""
    response = Client(enforce_csrf_checks=True).get(path)
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    return response, body


@pytest.fixture
def gold_view(seller_a, partner_a):
    return saved_view_create(
        owner=seller_a, partner=partner_a, name="Gold", query="tier=gold&ordering=-followers"
    )


@pytest.fixture
def seller(api_as, seller_a):
    return api_as(seller_a)


def create(client, view_id):
    return client.post("/api/v1/sheet-feeds/", {"saved_view": view_id}, format="json")


def test_create_answers_the_url_once_and_keeps_only_its_hash(seller, gold_view):
    response = create(seller, gold_view.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Cache-Control"] == "no-store"
    assert body["saved_view"] == gold_view.pk and body["saved_view_name"] == "Gold"
    assert body["revoked_at"] is None and body["active"] is True
    token = feed_path(body["url"]).removeprefix("/feeds/sheets/").removesuffix(".csv")
    assert len(token) >= 40
    feed = SheetFeed.objects.get(pk=body["id"])
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(SheetFeed.objects.values_list())

    listed = seller.get("/api/v1/sheet-feeds/").json()
    assert [row["id"] for row in listed["results"]] == [feed.pk]
    assert "url" not in listed["results"][0]
    assert token not in str(listed)


@pytest.mark.parametrize("bad", [None, "", "abc", 0, 99999999, [1], True, "1.5"])
def test_create_refuses_what_is_not_a_saved_view_naming_it(seller, bad):
    response = create(seller, bad)
    assert response.status_code == 400
    assert "saved_view" in response.json()["errors"]
    assert not SheetFeed.objects.exists()


def test_another_partners_view_or_a_teammates_private_view_is_a_400(
    seller, seller_a, seller_b, partner_a, partner_b
):
    foreign = saved_view_create(
        owner=seller_b, partner=partner_b, name="Bravo", query="", shared=True
    )
    teammate = SellerFactory(partner=partner_a).user
    private = saved_view_create(owner=teammate, partner=partner_a, name="Mine", query="")
    shared = saved_view_create(
        owner=teammate, partner=partner_a, name="Team", query="status=new", shared=True
    )
    for view in (foreign, private):
        response = create(seller, view.pk)
        assert response.status_code == 400 and "saved_view" in response.json()["errors"]
    assert not SheetFeed.objects.exists()
    assert create(seller, shared.pk).status_code == 201


def test_the_feed_serves_exactly_the_exports_csv_for_the_view(
    seller, partner_a, partner_b, gold_view
):
    now = timezone.now()
    for i in range(12):
        lead(partner_a, f"gold_{i:02d}", Tier.GOLD, requested_at=now - dt.timedelta(minutes=i))
    lead(
        partner_a,
        "gold_live",
        Tier.GOLD,
        licensed_data=LICENSED,
        authorization_expires_at=now + dt.timedelta(days=1),
    )
    lead(partner_a, "=silver_formula", Tier.SILVER)
    lead(partner_b, "gold_other_partner", Tier.GOLD)
    path = feed_path(create(seller, gold_view.pk).json()["url"])

    response, body = fetch(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    export = seller.get(f"/api/v1/leads/export.csv?{gold_view.query}")
    assert body == b"".join(export.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 13 and {row["tier"] for row in rows} == {"gold"}
    assert "gold_other_partner" not in body and "silver" not in body
    assert next(r for r in rows if r["handle"] == "gold_live")["live_gmv_30d"] == "7250.50"


def test_licensed_columns_are_blank_once_the_authorization_ended(seller, partner_a, gold_view):
    now = timezone.now()
    lead(
        partner_a,
        "gold_star",
        Tier.GOLD,
        licensed_data=LICENSED,
        authorization_expires_at=now + dt.timedelta(hours=1),
    )
    path = feed_path(create(seller, gold_view.pk).json()["url"])
    _, body = fetch(path)
    assert "7250.50" in body and "Beauty" in body

    with time_machine.travel(now + dt.timedelta(hours=2), tick=False):
        response, body = fetch(path)
    assert response.status_code == 200
    (row,) = csv.DictReader(io.StringIO(body))
    assert row["handle"] == "gold_star" and row["authorization_expires_at"] != ""
    assert [row[c] for c in ("live_gmv_30d", "live_sessions_30d", "average_viewers")] == [""] * 3
    assert row["top_categories"] == "" and "7250.50" not in body and "Beauty" not in body


def test_one_answer_per_feed_per_minute(seller, partner_a, gold_view, seller_a):
    lead(partner_a, "gold_one", Tier.GOLD)
    first = feed_path(create(seller, gold_view.pk).json()["url"])
    second = feed_path(create(seller, gold_view.pk).json()["url"])
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        assert fetch(first)[0].status_code == 200
        response, body = fetch(first)
        assert response.status_code == 429
        assert response["Retry-After"] == "60" and "gold_one" not in body
        assert response["Cache-Control"] == "no-store"
        assert fetch(second)[0].status_code == 200  # a budget per feed
    with time_machine.travel(now + dt.timedelta(seconds=30), tick=False):
        response, _ = fetch(first)
        assert response.status_code == 429 and response["Retry-After"] == "30"
    with time_machine.travel(now + dt.timedelta(seconds=61), tick=False):
        assert fetch(first)[0].status_code == 200


def test_a_revoked_feed_answers_404_and_revoking_is_soft(seller, partner_a, gold_view):
    lead(partner_a, "gold_one", Tier.GOLD)
    created = create(seller, gold_view.pk).json()
    path = feed_path(created["url"])
    response = seller.delete(f"/api/v1/sheet-feeds/{created['id']}/")
    assert response.status_code == 204
    response, body = fetch(path)
    assert response.status_code == 404 and "gold_one" not in body
    listed = seller.get("/api/v1/sheet-feeds/").json()["results"]
    assert listed[0]["id"] == created["id"] and listed[0]["revoked_at"] is not None
    assert listed[0]["active"] is False
    # Revoking again changes nothing; an unknown token is the same plain 404.
    assert seller.delete(f"/api/v1/sheet-feeds/{created['id']}/").status_code == 204
    assert fetch("/feeds/sheets/" + "x" * 43 + ".csv")[0].status_code == 404


def test_a_feed_stops_when_its_view_goes_or_its_maker_leaves(seller, seller_a, partner_a):
    lead(partner_a, "gold_one", Tier.GOLD)
    doomed = saved_view_create(owner=seller_a, partner=partner_a, name="Doomed", query="")
    kept = saved_view_create(owner=seller_a, partner=partner_a, name="Kept", query="")
    doomed_path = feed_path(create(seller, doomed.pk).json()["url"])
    kept_path = feed_path(create(seller, kept.pk).json()["url"])
    assert seller.delete(f"/api/v1/saved-views/{doomed.pk}/").status_code == 204
    assert fetch(doomed_path)[0].status_code == 404
    assert fetch(kept_path)[0].status_code == 200
    seller_a.is_active = False
    seller_a.save()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False):
        assert fetch(kept_path)[0].status_code == 404


def test_feeds_are_the_partners_own(api_as, seller, seller_b, partner_a, gold_view):
    created = create(seller, gold_view.pk).json()
    other = api_as(seller_b)
    assert other.get("/api/v1/sheet-feeds/").json()["results"] == []
    assert other.delete(f"/api/v1/sheet-feeds/{created['id']}/").status_code == 404
    assert SheetFeed.objects.get(pk=created["id"]).revoked_at is None
    # A teammate sees and may revoke the partner's feed.
    teammate = api_as(SellerFactory(partner=partner_a).user)
    assert [f["id"] for f in teammate.get("/api/v1/sheet-feeds/").json()["results"]] == [
        created["id"]
    ]


def test_only_sellers_reach_the_api(api_as, creator_silver, gold_view):
    assert api_as(creator_silver.user).get("/api/v1/sheet-feeds/").status_code == 403
    assert api_as(None).get("/api/v1/sheet-feeds/").status_code in (401, 403)


def test_owner_me_in_the_view_is_the_feeds_maker(seller, seller_a, partner_a):
    mine = lead(partner_a, "mine_one", Tier.GOLD, owner=seller_a)
    lead(partner_a, "not_mine", Tier.GOLD)
    view = saved_view_create(owner=seller_a, partner=partner_a, name="Me", query="owner=me")
    _, body = fetch(feed_path(create(seller, view.pk).json()["url"]))
    assert [row["handle"] for row in csv.DictReader(io.StringIO(body))] == [mine.creator.handle]


def test_the_feed_streams_in_constant_queries(
    seller, partner_a, gold_view, django_assert_max_num_queries
):
    for i in range(40):
        lead(partner_a, f"gold_{i}", Tier.GOLD)
    path = feed_path(create(seller, gold_view.pk).json()["url"])
    with django_assert_max_num_queries(3):
        response, body = fetch(path)
    assert response.status_code == 200 and body.count("\n") == 41


def test_list_and_create_use_constant_queries(
    seller, partner_a, seller_a, django_assert_max_num_queries
):
    views = [
        saved_view_create(owner=seller_a, partner=partner_a, name=f"V{i}", query="")
        for i in range(5)
    ]
    for view in views:
        assert create(seller, view.pk).status_code == 201
    with django_assert_max_num_queries(6):
        body = seller.get("/api/v1/sheet-feeds/").json()
    assert len(body["results"]) == 5
