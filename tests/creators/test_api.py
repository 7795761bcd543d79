"""Identity, token, creator profile, partner directory and creator-stats feed API."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import JobRun
from creators.models import Creator, CreatorDailyStats, Tier
from leads.models import LeadStatus
from tests.factories import (
    PASSWORD,
    CreatorDailyStatsFactory,
    CreatorFactory,
    LeadFactory,
    PartnerFactory,
    SellerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def token_for(username, password=PASSWORD):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


# --- POST /api/v1/auth/token/ -----------------------------------------------------------


def test_a_token_from_the_token_endpoint_authenticates_the_api(seller_a, partner_a):
    response = token_for("seller_a")

    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 64
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/").json()
    assert me == {
        "id": seller_a.pk,
        "username": "seller_a",
        "role": "seller",
        "partner": {"id": partner_a.pk, "name": "Alpha LIVE Agency"},
        "creator": None,
        "away": False,
    }
    # Asking again gives a second token (one per client); both work.
    second = token_for("seller_a").json()["token"]
    assert second != token
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert other.get("/api/v1/me/").json()["username"] == "seller_a"
    assert client.get("/api/v1/me/").status_code == 200


def test_bad_credentials_answer_400_naming_the_field(seller_a):
    response = token_for("seller_a", "wrong-password")
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["password"]
    assert "token" not in body

    response = token_for("nobody", PASSWORD)
    assert response.status_code == 400 and "password" in response.json()["errors"]

    response = APIClient().post("/api/v1/auth/token/", {"password": PASSWORD}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["username"]


def test_a_deactivated_user_gets_no_token_and_loses_the_old_one(seller_a):
    token = token_for("seller_a").json()["token"]
    seller_a.is_active = False
    seller_a.save()

    response = token_for("seller_a")
    assert response.status_code == 400 and "password" in response.json()["errors"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").status_code == 401


def test_the_token_endpoint_is_throttled(seller_a, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "token": "3/min"},
    }
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        codes = [token_for("seller_a", "wrong").status_code for _ in range(4)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = rates
    assert codes == [400, 400, 400, 429]


# --- GET /api/v1/me/ --------------------------------------------------------------------


def test_me_says_who_a_creator_is(api_as, creator_silver, creator_none):
    assert api_as(creator_silver.user).get("/api/v1/me/").json() == {
        "id": creator_silver.user.pk,
        "username": "creator_silver",
        "role": "creator",
        "partner": None,
        "creator": {"handle": "creator_silver", "tier": "silver"},
        "away": None,
    }
    # A non-tiered creator's tier is null, not a made-up key.
    assert api_as(creator_none.user).get("/api/v1/me/").json()["creator"] == {
        "handle": "creator_none",
        "tier": None,
    }


def test_me_for_an_admin_and_for_anonymous_callers(api_as, admin_user):
    assert api_as(admin_user).get("/api/v1/me/").json() == {
        "id": admin_user.pk,
        "username": "admin",
        "role": "admin",
        "partner": None,
        "creator": None,
        "away": None,
    }
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/me/").status_code == 401


# --- GET /api/v1/creators/{handle}/ -----------------------------------------------------


def test_a_creators_public_profile(api_as, seller_a):
    refreshed = timezone.now()
    CreatorFactory(
        handle="glow.with.mia",
        display_name="Glow with Mia",
        tier=Tier.GOLD,
        live_gmv_30d="6200.00",
        follower_count=123_456,
        tier_as_of="2026-11-02",
        tier_refreshed_at=refreshed,
        followers_as_of="2026-11-23",
        followers_refreshed_at=refreshed,
    )

    body = api_as(seller_a).get("/api/v1/creators/glow.with.mia/").json()

    stamp = body.pop("tier_refreshed_at")
    assert stamp == body.pop("followers_refreshed_at")
    assert stamp.startswith(refreshed.strftime("%Y-%m-%dT%H:%M"))
    assert body == {
        "handle": "glow.with.mia",
        "display_name": "Glow with Mia",
        "tier": "gold",
        "tier_label": "Gold",
        "follower_count": 123_456,
        "tier_as_of": "2026-11-02",
        "followers_as_of": "2026-11-23",
    }
    # Licensed figures (GMV) are not part of the public profile.
    assert "live_gmv_30d" not in body


def test_a_non_tiered_profile_and_unknown_handles(api_as, creator_none):
    client = api_as(creator_none.user)
    body = client.get("/api/v1/creators/creator_none/").json()
    assert (body["tier"], body["tier_label"]) == (None, "Non-tiered")

    for handle in ["nobody_here", "no-such-handle", "%20"]:
        response = client.get(f"/api/v1/creators/{handle}/")
        assert response.status_code == 404
        assert response.json()["detail"]
    assert APIClient().get("/api/v1/creators/creator_none/").status_code == 401


# --- GET /api/v1/partners/ --------------------------------------------------------------


def _collaborate(partner, n, *, status=LeadStatus.COLLABORATING):
    """n leads moved to `status` by the partner's seller through the API (the real path)."""
    seller = SellerFactory(partner=partner)
    client = APIClient()
    client.force_authenticate(seller.user)
    leads = LeadFactory.create_batch(n, partner=partner, status=LeadStatus.NEW)
    for lead in leads:
        if status != LeadStatus.NEW:
            response = client.patch(f"/api/v1/leads/{lead.pk}/", {"status": status}, format="json")
            assert response.status_code == 200, response.content
    return client, leads


def test_the_partner_directory_shows_the_maintained_collaborating_count(api_as, creator_bronze):
    alpha = PartnerFactory(
        name="Alpha LIVE Agency", profile="Host coaching", categories="Beauty, Skincare"
    )
    bravo = PartnerFactory(name="Bravo Creators", profile="Factory-direct", categories="Home")
    PartnerFactory(name="Hidden Partner", is_listed=False)
    seller_alpha, (_, _, removed) = _collaborate(alpha, 3)
    _collaborate(alpha, 1, status=LeadStatus.CONTACTED)
    _collaborate(bravo, 1, status=LeadStatus.NEW)
    # Removing a collaborating lead from the pool takes it out of the count.
    thread = seller_alpha.post("/api/v1/im/threads/", {"creator": removed.creator.handle}).json()
    assert seller_alpha.delete(f"/api/v1/im/threads/{thread['id']}/lead").status_code == 200

    body = api_as(creator_bronze.user).get("/api/v1/partners/").json()

    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert body["results"] == [
        {
            "id": alpha.pk,
            "name": "Alpha LIVE Agency",
            "slug": alpha.slug,
            "partner_type": "L2L",
            "profile": "Host coaching",
            "categories": ["Beauty", "Skincare"],
            "creator_count": 2,
            "response_rate": None,
            "typical_response_hours": None,
            "responsiveness_sample": 0,
        },
        {
            "id": bravo.pk,
            "name": "Bravo Creators",
            "slug": bravo.slug,
            "partner_type": "L2L",
            "profile": "Factory-direct",
            "categories": ["Home"],
            "creator_count": 0,
            "response_rate": None,
            "typical_response_hours": None,
            "responsiveness_sample": 0,
        },
    ]


def test_the_collaborating_count_follows_every_status_and_pool_change(api_as, creator_bronze):
    alpha = PartnerFactory(name="Alpha")
    seller, (first, second) = _collaborate(alpha, 2)
    creator_api = api_as(creator_bronze.user)

    def shown():
        return creator_api.get("/api/v1/partners/").json()["results"][0]["creator_count"]

    assert shown() == 2
    seller.patch(f"/api/v1/leads/{first.pk}/", {"status": "closed"}, format="json")
    assert shown() == 1
    seller.patch(f"/api/v1/leads/{first.pk}/", {"status": "contacted"}, format="json")
    seller.patch(f"/api/v1/leads/{first.pk}/", {"status": "collaborating"}, format="json")
    assert shown() == 2
    # Removed from the pool in IM, then added back: out of the count and back in.
    thread = seller.post("/api/v1/im/threads/", {"creator": second.creator.handle}).json()
    assert seller.delete(f"/api/v1/im/threads/{thread['id']}/lead").status_code == 200
    assert shown() == 1
    assert seller.put(f"/api/v1/im/threads/{thread['id']}/lead").status_code == 200
    assert shown() == 2
    # The creators app only reads the column; nothing counts leads per request.
    alpha.refresh_from_db()
    assert alpha.collaborating_creators == 2


def test_partner_search_and_detail(api_as, creator_bronze):
    alpha = PartnerFactory(name="Alpha LIVE Agency", profile="Host coaching", categories="Beauty")
    bravo = PartnerFactory(name="Bravo Creators", profile="Kitchen gadgets", categories="Home")
    hidden = PartnerFactory(name="Hidden Kitchen", categories="Home", is_listed=False)
    client = api_as(creator_bronze.user)

    def names(query):
        return [
            p["name"] for p in client.get(f"/api/v1/partners/?search={query}").json()["results"]
        ]

    assert names("bravo") == ["Bravo Creators"]  # name
    assert names("coaching") == ["Alpha LIVE Agency"]  # profile
    assert names("home") == ["Bravo Creators"]  # category; the unlisted one never shows
    assert names("KITCHEN") == ["Bravo Creators"]
    assert names("nothing-like-this") == []

    detail = client.get(f"/api/v1/partners/{bravo.pk}/").json()
    assert (detail["name"], detail["categories"]) == ("Bravo Creators", ["Home"])
    assert client.get(f"/api/v1/partners/{hidden.pk}/").status_code == 404
    assert client.get("/api/v1/partners/not-a-number/").status_code == 404
    assert alpha.pk != bravo.pk


def test_the_partner_list_runs_a_constant_number_of_queries(
    api_as, creator_bronze, django_assert_max_num_queries
):
    for n in range(30):
        _collaborate(PartnerFactory(name=f"Partner {n:02d}"), 2)
    client = api_as(creator_bronze.user)
    client.get("/api/v1/partners/")  # warm the session and role caches

    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/partners/?page_size=100").json()

    assert body["count"] == 30 and len(body["results"]) == 30
    assert {p["creator_count"] for p in body["results"]} == {2}


# --- POST /api/v1/creator-stats/ --------------------------------------------------------


ROWS = [
    {"handle": "feed_a", "date": "2026-11-20", "live_gmv_usd": "10.00", "followers": 5},
    {
        "handle": "feed_b",
        "date": "2026-11-20",
        "live_gmv_usd": 20.5,
        "followers": 0,
        "live_sessions": 2,
        "average_viewers": 40,
        "top_category": "Beauty",
    },
]


@pytest.fixture
def staff(db):
    return UserFactory(username="feed_bot", is_staff=True)


def test_staff_post_feed_rows_and_get_the_counts(api_as, staff):
    existing = CreatorFactory(handle="feed_a")
    client = api_as(staff)

    response = client.post("/api/v1/creator-stats/", {"rows": ROWS}, format="json")

    assert response.status_code == 201
    assert response.json() == {
        "rows": 2,
        "creators_created": 1,
        "rows_created": 2,
        "rows_updated": 0,
        "rows_unchanged": 0,
    }
    assert Creator.objects.filter(handle="feed_b").exists()
    row = CreatorDailyStats.objects.get(creator__handle="feed_b")
    assert (str(row.live_gmv_usd), row.followers, row.live_sessions, row.top_category) == (
        "20.50",
        0,
        2,
        "Beauty",
    )
    assert CreatorDailyStats.objects.get(creator=existing).followers == 5

    # The same rows again change nothing; a corrected figure is an update.
    again = client.post("/api/v1/creator-stats/", {"rows": ROWS}, format="json").json()
    assert (again["rows_created"], again["rows_updated"], again["rows_unchanged"]) == (0, 0, 2)
    fixed = [{**ROWS[0], "followers": 6}, ROWS[1]]
    again = client.post("/api/v1/creator-stats/", {"rows": fixed}, format="json").json()
    assert (again["rows_created"], again["rows_updated"], again["rows_unchanged"]) == (0, 1, 1)
    assert CreatorDailyStats.objects.get(creator=existing).followers == 6
    assert JobRun.objects.filter(job=JobRun.Job.IMPORT_CREATOR_STATS).count() == 3


def test_only_staff_may_post_feed_rows(api_as, seller_a, creator_silver):
    for user in [seller_a, creator_silver.user]:
        response = api_as(user).post("/api/v1/creator-stats/", {"rows": ROWS}, format="json")
        assert response.status_code == 403
        assert response.json()["detail"] == "Only staff can do this."
    assert (
        APIClient().post("/api/v1/creator-stats/", {"rows": ROWS}, format="json").status_code == 401
    )
    assert CreatorDailyStats.objects.count() == 0


def test_a_bad_row_rejects_the_batch_naming_each_row(api_as, staff):
    CreatorDailyStatsFactory(creator=CreatorFactory(handle="feed_a"), date="2026-11-19")
    bad = [
        *ROWS,
        {"handle": "feed_c", "date": "nope", "live_gmv_usd": "1", "followers": 1},
        "not an object",
        {"handle": "feed_d", "date": "2026-11-20", "live_gmv_usd": "-1"},
        {**ROWS[0]},  # the same creator and day twice
    ]

    response = api_as(staff).post("/api/v1/creator-stats/", {"rows": bad}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["rows"]
    assert body["errors"]["rows"] == [
        "line 3: date must be YYYY-MM-DD, not 'nope'",
        "line 4: expected an object with handle, date, live_gmv_usd, followers",
        "line 5: live_gmv_usd must be a non-negative amount, not '-1'",
        "line 5: followers is required",
        "line 6: duplicate of line 1 (feed_a, 2026-11-20)",
    ]
    # Nothing of the batch was written, not even its good rows.
    assert CreatorDailyStats.objects.count() == 1
    assert not Creator.objects.filter(handle="feed_b").exists()


def test_the_batch_shape_is_checked(api_as, staff):
    client = api_as(staff)
    too_many = [ROWS[0]] * 10_001
    for body in [{"rows": too_many}, {"rows": "nope"}, {}, {"rows": None}]:
        response = client.post("/api/v1/creator-stats/", body, format="json")
        assert response.status_code == 400, body
        assert list(response.json()["errors"]) == ["rows"]
    assert CreatorDailyStats.objects.count() == 0


def test_the_schema_describes_the_creators_endpoints():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths, components = schema["paths"], schema["components"]["schemas"]

    stats = paths["/api/v1/creator-stats/"]["post"]
    body = stats["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    rows = components[body.rsplit("/", 1)[1]]["properties"]["rows"]
    assert rows["maxItems"] == 10_000
    row = components[rows["items"]["$ref"].rsplit("/", 1)[1]]
    assert {"handle", "date", "live_gmv_usd", "followers"} <= set(row["required"])
    result = stats["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert set(components[result.rsplit("/", 1)[1]]["properties"]) == {
        "rows",
        "creators_created",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
    }
    me = components["Me"]["properties"]
    assert set(me) == {"id", "username", "role", "partner", "creator", "away"}
    token = paths["/api/v1/auth/token/"]["post"]
    assert token["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Token"
    )
    partners = paths["/api/v1/partners/"]["get"]
    assert "search" in {p["name"] for p in partners["parameters"]}
    assert "/api/v1/creators/{handle}/" in paths


@pytest.mark.parametrize(
    "row",
    [
        {"handle": 12, "date": 20261120, "live_gmv_usd": {"x": 1}, "followers": [1]},
        {"handle": "ok_name", "date": "2026-11-20", "live_gmv_usd": "1e999999", "followers": 1},
        {"handle": "ok_name", "date": "2026-11-20", "live_gmv_usd": "NaN", "followers": 1},
        {"handle": "ok_name", "date": "2026-11-20", "live_gmv_usd": "1", "followers": 10**20},
        {"handle": "ok_name", "date": "2026-11-20", "live_gmv_usd": "1", "followers": 1.5},
        {"handle": "ok_name", "date": "2026-11-20T10:00", "live_gmv_usd": "1", "followers": 1},
        {"handle": "x" * 65, "date": "2026-11-20", "live_gmv_usd": "1", "followers": 1},
        {"handle": "ok_name", "date": "2026-11-20", "live_gmv_usd": True, "followers": True},
        {"handle": None, "date": None, "live_gmv_usd": None, "followers": None},
        [],
        None,
    ],
)
def test_odd_rows_get_a_400_naming_the_row_never_a_500(api_as, staff, row):
    response = api_as(staff).post("/api/v1/creator-stats/", {"rows": [row]}, format="json")

    assert response.status_code == 400
    messages = response.json()["errors"]["rows"]
    assert messages and all(m.startswith("line 1: ") for m in messages)
    assert not CreatorDailyStats.objects.exists()
