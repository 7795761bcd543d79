"""The IM API: opening threads from either side, listing, the is_lead filter, messages."""

import pytest

from creators.models import Tier
from im.models import Message, Thread
from tests.factories import LeadFactory, MessageFactory, PartnerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

THREADS = "/api/v1/im/threads/"


def test_a_seller_opens_a_thread_by_handle_and_gets_the_existing_one_next_time(
    api_as, seller_a, partner_a, creator_bronze
):
    seller = api_as(seller_a)
    created = seller.post(THREADS, {"creator": "creator_bronze"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["partner"] == {"id": partner_a.pk, "name": "Alpha LIVE Agency"}
    assert body["creator"] == {
        "handle": "creator_bronze",
        "display_name": creator_bronze.name,
        "tier": "bronze",
        "follower_count": 4_000,
    }
    assert body["unread_count"] == 0 and body["is_lead"] is False
    assert body["last_message_at"] is None and body["last_message_body"] == ""

    again = seller.post(THREADS, {"creator": "@creator_bronze"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Thread.objects.filter(partner=partner_a, creator=creator_bronze).count() == 1


def test_a_creator_opens_a_thread_by_partner_id_and_meets_the_sellers_one(
    api_as, seller_a, partner_a, creator_none
):
    opened = api_as(creator_none.user).post(THREADS, {"partner": partner_a.pk}, format="json")
    assert opened.status_code == 201
    assert opened.json()["creator"]["tier"] is None  # non-tiered creators may chat too
    from_seller = api_as(seller_a).post(THREADS, {"creator": "creator_none"}, format="json")
    assert from_seller.status_code == 200 and from_seller.json()["id"] == opened.json()["id"]
    assert Thread.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "payload", "field"),
    [
        ("seller", {}, "creator"),
        ("seller", {"creator": ""}, "creator"),
        ("seller", {"creator": "ghost"}, "creator"),
        ("seller", {"partner": 1}, "creator"),
        ("creator", {}, "partner"),
        ("creator", {"partner": "abc"}, "partner"),
        ("creator", {"partner": 999_999}, "partner"),
        ("creator", {"creator": "creator_bronze"}, "partner"),
    ],
)
def test_opening_a_thread_names_the_missing_or_unknown_field(
    api_as, seller_a, creator_bronze, who, payload, field
):
    user = seller_a if who == "seller" else creator_bronze.user
    response = api_as(user).post(THREADS, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not Thread.objects.exists()


def test_an_unlisted_partner_cannot_be_chatted_with(api_as, creator_bronze):
    hidden = PartnerFactory(is_listed=False)
    response = api_as(creator_bronze.user).post(THREADS, {"partner": hidden.pk}, format="json")
    assert response.status_code == 400 and "partner" in response.json()["errors"]
    assert not Thread.objects.exists()


def test_the_thread_list_shows_each_side_its_own_threads(
    api_as, seller_a, seller_b, partner_a, partner_b, creator_bronze, creator_silver
):
    mine = ThreadFactory(partner=partner_a, creator=creator_bronze)
    ThreadFactory(partner=partner_b, creator=creator_bronze)
    ThreadFactory(partner=partner_b, creator=creator_silver)

    seller_ids = [t["id"] for t in api_as(seller_a).get(THREADS).json()["results"]]
    assert seller_ids == [mine.pk]
    creator_rows = api_as(creator_bronze.user).get(THREADS).json()["results"]
    assert sorted(t["partner"]["name"] for t in creator_rows) == [
        "Alpha LIVE Agency",
        "Bravo Creators",
    ]
    assert api_as(seller_a).get(f"{THREADS}{mine.pk}/").json()["creator"]["handle"] == (
        "creator_bronze"
    )


def test_the_is_lead_filter(api_as, seller_a, partner_a, partner_b):
    lead_thread = ThreadFactory(partner=partner_a)
    LeadFactory(partner=partner_a, creator=lead_thread.creator)
    removed_thread = ThreadFactory(partner=partner_a)
    LeadFactory(partner=partner_a, creator=removed_thread.creator, removed_at="2026-01-01T00:00Z")
    plain = ThreadFactory(partner=partner_a)
    # The creator is a lead of another partner only: not a lead here.
    elsewhere = ThreadFactory(partner=partner_a)
    LeadFactory(partner=partner_b, creator=elsewhere.creator)

    seller = api_as(seller_a)

    def ids(query):
        return sorted(t["id"] for t in seller.get(f"{THREADS}{query}").json()["results"])

    assert ids("?is_lead=true") == [lead_thread.pk]
    assert ids("?is_lead=false") == sorted([removed_thread.pk, plain.pk, elsewhere.pk])
    assert len(ids("")) == 4
    listed = {t["id"]: t["is_lead"] for t in seller.get(THREADS).json()["results"]}
    assert listed[lead_thread.pk] is True and listed[removed_thread.pk] is False

    bad = seller.get(f"{THREADS}?is_lead=maybe")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["is_lead"]


def test_a_creator_can_filter_their_threads_by_being_a_lead(api_as, creator_silver, partner_a):
    as_lead = ThreadFactory(partner=partner_a, creator=creator_silver)
    LeadFactory(partner=partner_a, creator=creator_silver)
    other = ThreadFactory(creator=creator_silver)
    api = api_as(creator_silver.user)
    assert [t["id"] for t in api.get(f"{THREADS}?is_lead=true").json()["results"]] == [as_lead.pk]
    assert [t["id"] for t in api.get(f"{THREADS}?is_lead=false").json()["results"]] == [other.pk]


def test_messages_are_paged_newest_page_first_each_page_in_order(api_as, seller_a, thread):
    for i in range(30):
        MessageFactory(thread=thread, body=f"m{i:02d}")
    seller = api_as(seller_a)
    first = seller.get(f"{THREADS}{thread.pk}/messages/").json()
    assert first["count"] == 30
    assert [m["body"] for m in first["results"]] == [f"m{i:02d}" for i in range(5, 30)]
    second = seller.get(first["next"]).json()
    assert [m["body"] for m in second["results"]] == [f"m{i:02d}" for i in range(5)]
    assert set(first["results"][0]) == {"id", "side", "body", "created_at"}


def test_posting_a_message_from_each_side(api_as, seller_a, creator_bronze, thread):
    url = f"{THREADS}{thread.pk}/messages/"
    sent = api_as(seller_a).post(url, {"body": "  Hi there!  ", "extra": "ignored"}, format="json")
    assert sent.status_code == 201
    assert sent.json()["body"] == "Hi there!" and sent.json()["side"] == "seller"
    reply = api_as(creator_bronze.user).post(url, {"body": "Hello"}, format="json")
    assert reply.status_code == 201 and reply.json()["side"] == "creator"
    assert list(Message.objects.values_list("side", "sender__username")) == [
        ("seller", "seller_a"),
        ("creator", "creator_bronze"),
    ]
    thread.refresh_from_db()
    assert thread.last_message_body == "Hello"
    listed = api_as(seller_a).get(f"{THREADS}{thread.pk}/").json()
    assert listed["last_message_body"] == "Hello" and listed["unread_count"] == 1


@pytest.mark.parametrize(
    "payload",
    [{}, {"body": ""}, {"body": "   \n "}, {"body": None}, {"body": "x" * 2001}],
    ids=["missing", "empty", "blank", "null", "2001-chars"],
)
def test_a_bad_message_is_a_400_naming_body(api_as, creator_bronze, thread, payload):
    response = api_as(creator_bronze.user).post(
        f"{THREADS}{thread.pk}/messages/", payload, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]
    assert not Message.objects.exists()


def test_a_message_of_exactly_2000_characters_is_fine(api_as, creator_bronze, thread):
    response = api_as(creator_bronze.user).post(
        f"{THREADS}{thread.pk}/messages/", {"body": "x" * 2000}, format="json"
    )
    assert response.status_code == 201 and len(Message.objects.get().body) == 2000


def test_unread_counts_follow_each_sides_reading(api_as, seller_a, creator_bronze, thread, say):
    say(thread, "one")
    say(thread, "two")
    seller, creator = api_as(seller_a), api_as(creator_bronze.user)
    assert seller.get(THREADS).json()["results"][0]["unread_count"] == 2
    assert creator.get(THREADS).json()["results"][0]["unread_count"] == 0

    seller.get(f"{THREADS}{thread.pk}/messages/")  # reading writes nothing
    assert seller.get(THREADS).json()["results"][0]["unread_count"] == 2
    assert seller.post(f"{THREADS}{thread.pk}/read/").status_code == 204
    assert seller.get(THREADS).json()["results"][0]["unread_count"] == 0
    assert creator.post(f"{THREADS}{thread.pk}/read/").status_code == 204
    assert seller.get(THREADS).json()["results"][0]["unread_count"] == 0
    stranger = ThreadFactory()
    assert seller.post(f"{THREADS}{stranger.pk}/read/").status_code == 404
    seller.post(f"{THREADS}{thread.pk}/messages/", {"body": "hello back"}, format="json")
    assert creator.get(THREADS).json()["results"][0]["unread_count"] == 1
    assert seller.get(THREADS).json()["results"][0]["unread_count"] == 0


def test_thread_tier_is_the_lower_case_key(api_as, seller_a, partner_a):
    thread = ThreadFactory(partner=partner_a, creator__tier=Tier.DIAMOND)
    body = api_as(seller_a).get(f"{THREADS}{thread.pk}/").json()
    assert body["creator"]["tier"] == "diamond"
