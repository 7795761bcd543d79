"""IM, daily use round two (issue 22): reply templates per partner (API, settings section,
the conversation's picker filled in for the thread), the navigation's unread count, and the
thread list after sending."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from im.models import ReplyTemplate, Side, Thread
from im.reply_templates import expires_in_text, reply_template_create
from tests.factories import (
    CreatorUserFactory,
    LeadFactory,
    SellerFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/reply-templates/"
SECTION = "/seller/im/reply-templates/"


@pytest.fixture
def seller(client, seller_a):
    client.force_login(seller_a)
    return client


def errors_of(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["errors"]


# The API -----------------------------------------------------------------------------------


def test_a_seller_adds_lists_changes_and_removes_templates(api_as, seller_a, partner_a):
    api = api_as(seller_a)
    made = api.post(
        API, {"name": "Welcome", "body": "Hi {creator_name}, {partner_name} here."}, format="json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["name"] == "Welcome" and body["body"] == "Hi {creator_name}, {partner_name} here."
    listed = api.get(API).json()
    assert listed["count"] == 1 and [t["name"] for t in listed["results"]] == ["Welcome"]

    changed = api.patch(f"{API}{body['id']}/", {"body": "Ends in {expires_in}."}, format="json")
    assert changed.status_code == 200 and changed.json()["body"] == "Ends in {expires_in}."
    assert changed.json()["name"] == "Welcome"

    assert api.delete(f"{API}{body['id']}/").status_code == 204
    assert api.get(API).json()["count"] == 0
    kept = ReplyTemplate.objects.get(pk=body["id"])  # soft delete: kept, marked removed
    assert kept.removed_at is not None
    # The name is free again.
    again = api.post(API, {"name": "welcome", "body": "Hello"}, format="json")
    assert again.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        "Hi {name}",
        "Hi {creator_name",
        "Hi creator_name}",
        "Hi {}",
        "Hi {creator_name!r}",
        "Hi {creator_name:>20}",
        "Hi {creator_name.upper}",
        "Hi {0}",
        "",
        "   ",
        "x" * 2001,
    ],
)
def test_a_broken_body_is_a_400_naming_body(api_as, seller_a, body):
    response = api_as(seller_a).post(API, {"name": "T", "body": body}, format="json")
    assert list(errors_of(response)) == ["body"]
    assert not ReplyTemplate.objects.exists()


def test_literal_braces_are_allowed(api_as, seller_a):
    response = api_as(seller_a).post(API, {"name": "T", "body": "Use {{code}} here"}, format="json")
    assert response.status_code == 201


def test_a_name_is_unique_within_the_partner_only(api_as, seller_a, seller_b, partner_a):
    api = api_as(seller_a)
    assert api.post(API, {"name": "Follow-up", "body": "a"}, format="json").status_code == 201
    again = api.post(API, {"name": "follow-up ", "body": "b"}, format="json")
    assert list(errors_of(again)) == ["name"]
    other = api.post(API, {"name": "Other", "body": "c"}, format="json").json()
    renamed = api.patch(f"{API}{other['id']}/", {"name": "FOLLOW-UP"}, format="json")
    assert list(errors_of(renamed)) == ["name"]
    # Another partner may use the same name.
    theirs = api_as(seller_b).post(API, {"name": "Follow-up", "body": "d"}, format="json")
    assert theirs.status_code == 201
    assert list(errors_of(api.post(API, {"body": "no name"}, format="json"))) == ["name"]


def test_templates_belong_to_their_partners_staff_only(api_as, seller_a, seller_b, partner_b):
    theirs = reply_template_create(partner=partner_b, name="Secret", body="zz secret text")
    api = api_as(seller_a)
    assert "zz secret" not in api.get(API).content.decode()
    assert api.patch(f"{API}{theirs.pk}/", {"body": "mine"}, format="json").status_code == 404
    assert api.delete(f"{API}{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.body == "zz secret text" and theirs.removed_at is None
    # A second staff user of the same partner shares the templates.
    mate = SellerFactory(partner=partner_b).user
    assert api_as(mate).get(API).json()["count"] == 1


def test_creators_and_anonymous_callers_are_refused(api_as, creator_silver):
    assert api_as(creator_silver.user).get(API).status_code == 403
    assert api_as(creator_silver.user).post(API, {"name": "x", "body": "y"}).status_code == 403
    assert api_as(None).get(API).status_code in (401, 403)


def test_the_list_runs_a_fixed_number_of_queries(api_as, seller_a, partner_a):
    api = api_as(seller_a)
    reply_template_create(partner=partner_a, name="One", body="1")
    with CaptureQueriesContext(connection) as few:
        api.get(API)
    for i in range(15):
        reply_template_create(partner=partner_a, name=f"T{i}", body=f"{i}")
    with CaptureQueriesContext(connection) as many:
        assert api.get(API).json()["count"] == 16
    assert len(many) == len(few)


# The conversation's picker -----------------------------------------------------------------


def test_the_picker_fills_in_the_thread_creator_partner_and_time_left(seller, partner_a):
    creator = CreatorUserFactory(handle="gina", display_name="Gina Live")
    thread = ThreadFactory(partner=partner_a, creator=creator)
    LeadFactory(
        partner=partner_a,
        creator=creator,
        authorization_expires_at=timezone.now() + dt.timedelta(days=2, hours=4, minutes=30),
    )
    reply_template_create(
        partner=partner_a,
        name="Welcome",
        body="Hi {creator_name}! {partner_name} here; your data is shared for {expires_in}.",
    )
    page = seller.get(f"/seller/im/{thread.pk}/").content.decode()
    picker = re.search(r'<details class="reply-picker".*?</details>', page, re.S).group(0)
    assert f'hx-get="/seller/im/{thread.pk}/reply-templates/"' in picker

    listed = seller.get(f"/seller/im/{thread.pk}/reply-templates/").content.decode()
    text = "Hi Gina Live! Alpha LIVE Agency here; your data is shared for 2 days 4 h."
    assert f'data-reply-text="{text}"' in listed
    assert ">Welcome</button>" in listed


def test_without_a_live_authorization_expires_in_is_a_dash(seller, partner_a, partner_b):
    thread = ThreadFactory(partner=partner_a)
    reply_template_create(partner=partner_a, name="T", body="Left: {expires_in}")
    listed = seller.get(f"/seller/im/{thread.pk}/reply-templates/").content.decode()
    assert 'data-reply-text="Left: —"' in listed
    # Another partner's thread is not found.
    other = ThreadFactory(partner=partner_b)
    assert seller.get(f"/seller/im/{other.pk}/reply-templates/").status_code == 404


def test_expires_in_reads_as_a_message_would():
    now = timezone.now()
    assert expires_in_text(None, now) == "—"
    assert expires_in_text(now - dt.timedelta(seconds=1), now) == "—"
    assert expires_in_text(now + dt.timedelta(minutes=40, seconds=5), now) == "40 min"
    assert expires_in_text(now + dt.timedelta(seconds=20), now) == "1 min"
    assert expires_in_text(now + dt.timedelta(hours=5, minutes=20), now) == "5 h 20 min"
    assert expires_in_text(now + dt.timedelta(days=1, hours=3), now) == "1 day 3 h"


# The settings section ----------------------------------------------------------------------


def test_the_settings_page_loads_the_section_from_im(seller):
    page = seller.get("/seller/settings/").content.decode()
    assert f'hx-get="{SECTION}" hx-trigger="load"' in page
    section = seller.get(SECTION, headers={"HX-Request": "true"}).content.decode()
    assert section.startswith("<section") or 'id="reply-templates"' in section
    assert "<html" not in section and "No templates yet." in section
    # Opened on its own (no JavaScript), it is a page.
    assert "<html" in seller.get(SECTION).content.decode()


def test_the_section_adds_edits_and_removes(seller, partner_a):
    htmx = {"HX-Request": "true"}
    added = seller.post(
        f"{SECTION}add/", {"name": "Hello", "body": "Hi {creator_name}"}, headers=htmx
    )
    assert added.status_code == 200 and "Hello" in added.content.decode()
    template = ReplyTemplate.objects.get(partner=partner_a)

    refused = seller.post(f"{SECTION}add/", {"name": "Bad", "body": "Hi {nme}"}, headers=htmx)
    html = refused.content.decode()
    assert refused.status_code == 400 and "Unknown placeholder {nme}" in html
    assert 'value="Bad"' in html and "Hi {nme}</textarea>" in html  # what was typed stays

    duplicate = seller.post(f"{SECTION}add/", {"name": "hello", "body": "x"}, headers=htmx)
    assert duplicate.status_code == 400 and 'id="rt-new-name-error"' in duplicate.content.decode()

    edited = seller.post(f"{SECTION}{template.pk}/", {"name": "Hello", "body": "Bye"}, headers=htmx)
    assert edited.status_code == 200
    template.refresh_from_db()
    assert template.body == "Bye"

    plain = seller.post(f"{SECTION}{template.pk}/remove/")  # without htmx: back to Settings
    assert plain.status_code == 302 and plain["Location"] == "/seller/settings/#reply-templates"
    template.refresh_from_db()
    assert template.removed_at is not None
    assert ReplyTemplate.objects.count() == 1


def test_the_section_is_the_partners_own(seller, partner_b):
    theirs = reply_template_create(partner=partner_b, name="Secret", body="zz secret")
    assert "zz secret" not in seller.get(SECTION).content.decode()
    assert seller.post(f"{SECTION}{theirs.pk}/", {"name": "x", "body": "y"}).status_code == 404
    assert seller.post(f"{SECTION}{theirs.pk}/remove/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.removed_at is None and theirs.body == "zz secret"


# The navigation's unread count -------------------------------------------------------------


def nav_count(html: str) -> str:
    found = re.search(r'<span class="nav-count" id="im-unread"[^>]*>(.*?)</span></span>', html)
    if found is None:
        assert 'id="im-unread"' in html
        return ""
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_the_navigation_counts_unread_conversations(seller, partner_a, partner_b, say):
    first, second = ThreadFactory(partner=partner_a), ThreadFactory(partner=partner_a)
    ThreadFactory(partner=partner_a)  # nothing in it
    say(first, "hello")
    say(first, "again")
    say(second, "hi")
    say(ThreadFactory(partner=partner_b), "not yours")
    say(ThreadFactory(partner=partner_a), "answered", side=Side.SELLER)
    assert nav_count(seller.get("/seller/leads/").content.decode()) == "2 unread conversations"

    read = seller.post(f"/seller/im/{first.pk}/read/", headers={"HX-Request": "true"})
    assert read.status_code == 200
    assert 'hx-swap-oob="true"' in read.content.decode()
    assert nav_count(read.content.decode()) == "1 unread conversation"
    say(second, "more", side=Side.SELLER)  # answering reads it
    assert nav_count(seller.get("/seller/leads/").content.decode()) == ""


def test_the_creator_sees_their_own_unread_count(client, partner_a, creator_silver, say):
    thread = ThreadFactory(partner=partner_a, creator=creator_silver)
    say(thread, "Welcome!", side=Side.SELLER)
    client.force_login(creator_silver.user)
    assert nav_count(client.get("/ec/partners/").content.decode()) == "1 unread conversation"


def test_the_count_is_one_query_whatever_the_threads(seller, partner_a, say):
    say(ThreadFactory(partner=partner_a), "hello")
    with CaptureQueriesContext(connection) as few:
        seller.get("/seller/tasks/")
    for _ in range(10):
        say(ThreadFactory(partner=partner_a), "hello")
    with CaptureQueriesContext(connection) as many:
        html = seller.get("/seller/tasks/").content.decode()
    assert len(many) == len(few)
    assert nav_count(html) == "11 unread conversations"
    counts = [q["sql"] for q in many.captured_queries if '"im_thread"' in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0].upper()


# The thread list after sending -------------------------------------------------------------


def test_sending_moves_the_thread_to_the_top_with_its_snippet(seller, partner_a, say):
    older = ThreadFactory(partner=partner_a, creator__handle="older_one")
    say(older, "first")
    newer = ThreadFactory(partner=partner_a, creator__handle="newer_one")
    say(newer, "latest")
    response = seller.post(
        f"/seller/im/{older.pk}/send/",
        {"body": "Fresh reply", "after": "0"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    # The old row leaves, the new one comes in at the top of the list, out of band.
    assert f'<li id="thread-{older.pk}" hx-swap-oob="delete"></li>' in html
    top = re.search(r'<ul hx-swap-oob="afterbegin:#thread-list">(.*?)</ul>', html, re.S).group(1)
    assert f'id="thread-{older.pk}"' in top and "Fresh reply" in top
    assert 'data-handle="older_one"' in top and 'aria-current="true"' in top
    assert html.index('hx-swap-oob="delete"') < html.index("afterbegin:#thread-list")
    # The page's list has the ids the swap targets.
    inbox = seller.get(f"/seller/im/{older.pk}/").content.decode()
    assert 'id="thread-list"' in inbox and f'<li id="thread-{newer.pk}">' in inbox
    assert Thread.objects.order_by("-last_message_at").first() == older
