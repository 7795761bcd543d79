"""The pool list's page cache: a repeated page costs no page query, and every write that changes
what the list shows is visible on the very next request; licensed data still vanishes at its
expiry instant."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone

from creators.models import Tier
from creators.services import creator_profile_update
from leads import services
from leads.models import Lead, LeadStatus
from leads.pool_version import pool_version_bump
from tests.factories import CreatorUserFactory, LeadFactory, SellerFactory
from tests.frame import session_queries

pytestmark = pytest.mark.django_db

LIST = "/api/v1/leads/"


@pytest.fixture
def seller_a2(partner_a):
    return SellerFactory(
        user__username="seller_a2", user__first_name="Ada", user__last_name="Two", partner=partner_a
    ).user


@pytest.fixture
def seller(api_as, seller_a):
    return api_as(seller_a)


def user_admin():
    return admin.site._registry[get_user_model()]


def admin_request():
    request = RequestFactory().post("/admin/")
    request.user = get_user_model()(is_staff=True, is_superuser=True)
    return request


def changed(*fields):
    return SimpleNamespace(changed_data=list(fields), save_m2m=lambda: None)


def rows(client, query=""):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def row(client, lead, query=""):
    return next(r for r in rows(client, query) if r["id"] == lead.pk)


def submit(creator, partner, message):
    return services.collaboration_request_submit(
        creator=creator, partner=partner, message=message, consent=True
    )


def test_a_repeated_page_is_served_without_a_page_query(
    seller, partner_a, django_assert_num_queries
):
    for i in range(30):
        LeadFactory(partner=partner_a, creator__tier=Tier.GOLD, creator__handle=f"gold_{i}")
    first = seller.get(f"{LIST}?tier=gold&page=2&page_size=10").json()
    # Session, then the user with partner and pool version: the page comes from the cache.
    with django_assert_num_queries(session_queries() + 1):
        again = seller.get(f"{LIST}?tier=gold&page=2&page_size=10").json()
    assert again == first
    assert first["count"] == 30 and len(first["results"]) == 10
    assert "page=3" in first["next"] and "page=" not in first["previous"]
    # The same question asked in another order is the same page, with its own links.
    with django_assert_num_queries(session_queries() + 1):
        swapped = seller.get(f"{LIST}?page_size=10&page=2&tier=gold").json()
    assert swapped["results"] == first["results"] and swapped["count"] == 30
    assert "page=3" in swapped["next"] and "tier=gold" in swapped["next"]


def test_a_write_to_what_the_list_shows_is_visible_on_the_next_request(
    api_as, seller, seller_a, seller_a2, partner_a, creator_silver
):
    result = submit(creator_silver, partner_a, "First hello")
    lead = result.request.lead
    assert row(seller, lead)["message"] == "First hello"

    # A repeat request's message (a new history event, not a lead save).
    submit(creator_silver, partner_a, "Second hello")
    assert row(seller, lead)["message"] == "Second hello"

    # Status and owner through the API.
    seller.patch(f"{LIST}{lead.pk}/", {"status": "contacted", "owner": seller_a2.pk}, format="json")
    shown = row(seller, lead)
    assert shown["status"] == "contacted" and shown["owner"]["name"] == "Ada Two"
    assert rows(seller, "owner=me") == []
    assert [r["id"] for r in rows(api_as(seller_a2), "owner=me")] == [lead.pk]

    # The owner is renamed (in the user admin, where users are edited).
    seller_a2.first_name = "Adele"
    user_admin().save_model(admin_request(), seller_a2, changed("first_name"), True)
    assert row(seller, lead)["owner"]["name"] == "Adele Two"

    # A note added and deleted through the API.
    note = seller.post(f"{LIST}{lead.pk}/notes/", {"body": "Call at 5"}, format="json").json()
    assert row(seller, lead)["notes_count"] == 1
    assert seller.delete(f"{LIST}{lead.pk}/notes/{note['id']}/").status_code == 204
    assert row(seller, lead)["notes_count"] == 0

    # The creator is renamed, then changes their avatar.
    creator_profile_update(creator=creator_silver, changes={"display_name": "Silver Star"})
    assert row(seller, lead)["creator"]["display_name"] == "Silver Star"
    assert row(seller, lead)["creator"]["avatar_url"] is None
    avatar = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n", "image/png")
    creator_profile_update(creator=creator_silver, changes={"avatar": avatar})
    assert row(seller, lead)["creator"]["avatar_url"].startswith("http://testserver/")

    # The owner leaves (deleted in the user admin): the lead has no owner.
    user_admin().delete_model(admin_request(), seller_a2)
    assert row(seller, lead)["owner"] is None

    # Bulk actions: set_status, assign, remove.
    other = LeadFactory(partner=partner_a)
    body = {"action": "set_status", "status": "closed", "ids": [lead.pk, other.pk]}
    assert seller.post(f"{LIST}bulk/", body, format="json").status_code == 200
    assert {r["status"] for r in rows(seller)} == {"closed"}
    body = {"action": "assign", "owner": seller_a.pk, "filters": {"status": "closed"}}
    assert seller.post(f"{LIST}bulk/", body, format="json").status_code == 200
    assert len(rows(seller, "owner=me")) == 2
    body = {"action": "remove", "ids": [other.pk]}
    assert seller.post(f"{LIST}bulk/", body, format="json").status_code == 200
    assert [r["id"] for r in rows(seller)] == [lead.pk]
    assert [r["id"] for r in rows(seller, "owner=me")] == [lead.pk]

    # A new lead placed directly (as a backfill would: it bumps by name).
    LeadFactory(partner=partner_a, status=LeadStatus.NEW)
    assert len(rows(seller)) == 2


def test_another_partners_page_is_never_served(api_as, seller_a, seller_b, partner_a, partner_b):
    mine = LeadFactory(partner=partner_a)
    theirs = LeadFactory(partner=partner_b)
    assert [r["id"] for r in rows(api_as(seller_a))] == [mine.pk]
    assert [r["id"] for r in rows(api_as(seller_b))] == [theirs.pk]


def test_licensed_data_vanishes_at_its_expiry_instant_even_when_cached(
    seller, partner_a, creator_silver
):
    submit(creator_silver, partner_a, "hello")
    lead = Lead.objects.get(partner=partner_a)
    expires = timezone.now() + dt.timedelta(seconds=20)
    # Set-based, as a backfill would (it bumps the version, like any write).
    Lead.objects.filter(pk=lead.pk).update(authorization_expires_at=expires)
    pool_version_bump(partner_ids=[partner_a.pk])
    shown = row(seller, lead)
    assert shown["authorization_active"] is True and shown["licensed_data"] is not None
    with time_machine.travel(expires - dt.timedelta(seconds=2), tick=False):
        assert row(seller, lead)["licensed_data"] is not None
    with time_machine.travel(expires, tick=False):
        shown = row(seller, lead)
        assert shown["authorization_active"] is False and shown["licensed_data"] is None


def test_every_page_lives_at_most_a_minute(seller, partner_a):
    lead = LeadFactory(partner=partner_a, status=LeadStatus.NEW)
    assert row(seller, lead)["status"] == "new"
    # A write that bypasses the version (it must not happen; the minute bounds the damage).
    Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.CLOSED)
    assert row(seller, lead)["status"] == "new"
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert row(seller, lead)["status"] == "closed"


def test_clock_dependent_questions_are_computed_every_time(
    seller, partner_a, django_assert_num_queries
):
    LeadFactory(
        partner=partner_a,
        authorization_expires_at=timezone.now() + dt.timedelta(hours=2),
        licensed_data={},
    )
    # Session, user with partner and version, (count,) page: the expiry ordering's count is
    # the unfiltered pool's, cached; the expiry window's is not.
    for query, queries in (
        ("expiring_within_hours=3", session_queries() + 3),
        ("ordering=authorization_expires_at", session_queries() + 2),
    ):
        assert len(rows(seller, query)) == 1
        with django_assert_num_queries(queries):
            assert len(rows(seller, query)) == 1


def test_an_invalid_filter_is_still_a_400_naming_it(seller, partner_a):
    LeadFactory(partner=partner_a)
    rows(seller)
    response = seller.get(f"{LIST}?status=won")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["status"]


def test_creators_request_creates_are_counted_once_per_version(seller, partner_a):
    # Many creators' requests arrive: each is a write, each is visible.
    for i in range(3):
        submit(CreatorUserFactory(tier=Tier.SILVER), partner_a, f"hi {i}")
        assert len(rows(seller)) == i + 1
