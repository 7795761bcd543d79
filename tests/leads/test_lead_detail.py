"""The lead detail `/seller/leads/<id>/`: a full page, the pool's side panel, quick actions."""

import datetime as dt
import re

import pytest
import time_machine

from creators.models import Tier
from im.models import Thread
from leads.models import Lead, LeadEvent, LeadStatus
from leads.services import collaboration_request_submit, lead_set_status
from tests.factories import CreatorUserFactory, LeadFactory, SellerFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def text(html: str) -> str:
    """Visible text, tags stripped and whitespace collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def section(html: str, testid: str) -> str:
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}".*?</\1>', html, re.S)
    assert match, testid
    return text(match.group(0))


@pytest.fixture
def seller(client, seller_a):
    client.force_login(seller_a)
    return client


@pytest.fixture
def gold(db):
    return CreatorUserFactory(
        handle="gold_glow",
        user__username="gold_glow",
        display_name="Gold Glow",
        tier=Tier.GOLD,
        follower_count=250_000,
    )


@pytest.fixture
def request_lead(partner_a, gold):
    """A lead from two requests: the first closed by the seller, the second open."""
    with time_machine.travel(T0 - dt.timedelta(days=3), tick=False):
        first = collaboration_request_submit(
            creator=gold, partner=partner_a, message="Hi! Beauty LIVE four nights a week."
        )
    with time_machine.travel(T0 - dt.timedelta(days=2), tick=False):
        lead_set_status(lead=first.request.lead, status=LeadStatus.CLOSED, user=None)
    with time_machine.travel(T0 - dt.timedelta(days=1), tick=False):
        collaboration_request_submit(
            creator=gold, partner=partner_a, message="Trying again <b>with</b> new numbers."
        )
    return Lead.objects.get(partner=partner_a, creator=gold)


@time_machine.travel(T0, tick=False)
def test_the_full_page_shows_creator_licensed_data_messages_and_history(
    seller, seller_a, request_lead
):
    lead_set_status(lead=request_lead, status=LeadStatus.CONTACTED, user=seller_a)
    response = seller.get(f"/seller/leads/{request_lead.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>@gold_glow · Lead · LIVE Partner Center</title>" in html
    assert "Seller leads pool</a> &gt; @gold_glow" in html
    assert re.search(r"<h1[^>]*>Gold Glow <span", html)
    assert section(html, "lead-status") == "Contacted"

    creator = section(html, "creator-card")
    assert "Tier Gold" in creator and "Followers 250,000" in creator
    assert "Tier data as of — (not refreshed yet)" in creator

    licensed = section(html, "licensed-card")
    assert "expires in 6 days 0 h" in licensed and "until Nov 26, 12:00 UTC" in licensed
    assert "30-day LIVE GMV" in licensed
    assert 'data-countdown="2026-11-26T12:00:00+00:00"' in html

    messages = section(html, "request-messages")
    assert messages.index("Beauty LIVE four nights") < messages.index("Trying again")
    assert "Collaboration requested · Nov 17, 2026 12:00 UTC Hi!" in messages
    assert "Authorization renewed · Nov 19, 2026 12:00 UTC Trying again" in messages
    assert "Trying again &lt;b&gt;with&lt;/b&gt; new numbers." in html  # escaped, never markup

    # The history is in the lead's one timeline, which the im app serves (it holds the IM
    # messages); the page loads it.
    timeline_url = f"/seller/im/leads/{request_lead.pk}/timeline/"
    assert f'hx-get="{timeline_url}" hx-trigger="load, lead-changed from:body"' in html
    listed = seller.get(timeline_url, headers={"HX-Request": "true"}).content.decode()
    history = [
        text(li) for li in re.findall(r'<li class="tl-history"[^>]*>(.*?)</li>', listed, re.S)
    ]
    assert history == [
        "Nov 17, 2026 12:00 UTC · Collaboration requested by gold_glow "
        "“Hi! Beauty LIVE four nights a week.”",
        "Nov 18, 2026 12:00 UTC · Status changed by the system: from New to Closed",
        "Nov 19, 2026 12:00 UTC · Authorization renewed by gold_glow: from Closed to New "
        "“Trying again &lt;b&gt;with&lt;/b&gt; new numbers.”",
        "Nov 20, 2026 12:00 UTC · Status changed by seller_a: from New to Contacted",
    ]


@time_machine.travel(T0, tick=False)
def test_an_expired_authorization_hides_licensed_data(seller, partner_a, gold):
    with time_machine.travel(T0 - dt.timedelta(days=8), tick=False):
        collaboration_request_submit(creator=gold, partner=partner_a, message="Old one")
    lead = Lead.objects.get(creator=gold)
    html = seller.get(f"/seller/leads/{lead.pk}/").content.decode()
    licensed = section(html, "licensed-card")
    assert "expired on Nov 19, 12:00 UTC" in licensed
    assert "30-day LIVE GMV" not in licensed and "data-countdown" not in html
    assert "Old one" in section(html, "request-messages")  # the message stays


@time_machine.travel(T0, tick=False)
def test_a_repeat_request_message_joins_the_messages(seller, partner_a, request_lead, gold):
    result = collaboration_request_submit(creator=gold, partner=partner_a, message="And also…")
    assert not result.created
    html = seller.get(f"/seller/leads/{request_lead.pk}/").content.decode()
    messages = section(html, "request-messages")
    assert messages.endswith("Creator wrote again · Nov 20, 2026 12:00 UTC And also…")
    preview = seller.get("/seller/leads/").content.decode()
    assert "“And also…”" in section(preview, "message-preview")


def test_an_im_lead_has_no_licensed_data_and_no_request(seller, partner_a):
    lead = LeadFactory(partner=partner_a, creator__handle="chatty")
    html = seller.get(f"/seller/leads/{lead.pk}/").content.decode()
    assert "a lead added from IM shows basic info only" in section(html, "licensed-card")
    assert "No collaboration request" in section(html, "request-messages")


def test_another_partners_lead_or_a_creator_is_refused(
    client, seller, partner_b, request_lead, creator_silver
):
    other = LeadFactory(partner=partner_b)
    assert seller.get(f"/seller/leads/{other.pk}/").status_code == 404
    assert seller.get("/seller/leads/999999/").status_code == 404
    refused = seller.post(f"/seller/leads/{other.pk}/status/", {"status": "contacted"})
    assert refused.status_code == 404
    client.force_login(creator_silver.user)
    assert client.get(f"/seller/leads/{request_lead.pk}/").status_code == 403
    client.logout()
    response = client.get(f"/seller/leads/{request_lead.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_pool_opens_the_panel_and_a_full_load_renders_the_page(seller, request_lead):
    pool = seller.get("/seller/leads/").content.decode()
    row = pool[pool.index(f'id="lead-{request_lead.pk}"') :]
    url = f"/seller/leads/{request_lead.pk}/"
    assert (
        f'href="{url}" hx-get="{url}" hx-target="#lead-panel" hx-swap="innerHTML" '
        'hx-push-url="true"' in row
    )
    assert '<aside id="lead-panel" aria-label="Lead detail" aria-live="polite"></aside>' in pool

    panel = seller.get(
        url,
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/seller/leads/?tier=gold",
        },
    )
    html = panel.content.decode()
    assert "<html" not in html and 'data-testid="lead-detail"' in html
    assert 'href="/seller/leads/?tier=gold" class="button small" data-panel-close' in html
    assert re.search(r"<h2[^>]*>Gold Glow", html)  # the pool keeps its own h1
    assert panel["Vary"].count("HX-Request") == 1

    # The back button's history restore (and any plain load) gets the whole page.
    restore = seller.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


@time_machine.travel(T0, tick=False)
def test_a_status_change_in_the_panel_answers_the_detail_and_the_pool_row(
    seller, seller_a, request_lead
):
    url = f"/seller/leads/{request_lead.pk}/status/"
    answer = seller.post(
        url,
        {"status": "collaborating", "view": "detail", "pool": "/seller/leads/?tier=gold"},
        headers={"HX-Request": "true"},
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert section(html, "lead-status") == "Collaborating"
    assert section(html, "lead-collaborated") == "collaborating since Nov 20, 2026"
    assert answer["HX-Trigger"] == "lead-changed"  # the timeline reloads itself
    timeline = seller.get(f"/seller/im/leads/{request_lead.pk}/timeline/")
    assert "Status changed by seller_a: from New to Collaborating" in text(
        timeline.content.decode()
    )
    assert re.search(
        rf'<template>\s*<tr id="lead-{request_lead.pk}" data-handle="gold_glow"[^>]* '
        r'hx-swap-oob="true">',
        html,
    )
    request_lead.refresh_from_db()
    assert request_lead.status == LeadStatus.COLLABORATING

    # A move the pipeline refuses is explained in place; nothing changes.
    refused = seller.post(url, {"status": "new", "view": "detail"}, headers={"HX-Request": "true"})
    assert "A collaborating lead cannot move to new." in section(
        refused.content.decode(), "detail-error"
    )
    assert "<template>" not in refused.content.decode()  # not in a panel: no pool row
    request_lead.refresh_from_db()
    assert request_lead.status == LeadStatus.COLLABORATING

    # Without JavaScript the form posts and comes back to the detail.
    plain = seller.post(url, {"status": "closed", "view": "detail"})
    assert plain.status_code == 302 and plain["Location"] == f"/seller/leads/{request_lead.pk}/"


def test_remove_from_the_detail_keeps_the_history_readable(seller, seller_a, request_lead):
    answer = seller.post(
        f"/seller/leads/{request_lead.pk}/remove/",
        {"view": "detail", "pool": "/seller/leads/"},
        headers={"HX-Request": "true"},
    )
    html = answer.content.decode()
    assert "Removed from the Leads Pool on" in section(html, "removed")
    assert 'class="removed" hx-swap-oob="true"' in html
    timeline = seller.get(f"/seller/im/leads/{request_lead.pk}/timeline/")
    assert "Removed from leads by seller_a" in text(timeline.content.decode())
    assert "Remove from leads</button>" not in html and 'name="status"' not in html
    assert LeadEvent.objects.filter(lead=request_lead, kind=LeadEvent.Kind.REMOVED).count() == 1
    # Still reachable by its URL (from a notification, say), marked removed.
    page = seller.get(f"/seller/leads/{request_lead.pk}/").content.decode()
    assert "Removed from the Leads Pool on" in page


def test_chat_links_to_the_thread_or_a_confirm_page_and_get_writes_nothing(
    seller, partner_a, request_lead
):
    # A request opened the thread; the lead's chat goes straight there.
    html = seller.get(f"/seller/leads/{request_lead.pk}/").content.decode()
    assert 'href="/seller/im/start/gold_glow/" data-testid="chat"' in html
    thread = Thread.objects.get(partner=partner_a, creator=request_lead.creator)
    assert seller.get("/seller/im/start/gold_glow/")["Location"] == f"/seller/im/{thread.pk}/"

    # An IM lead whose thread is gone (or never was): a confirm page, and only its POST opens.
    quiet = LeadFactory(partner=partner_a, creator__handle="no_thread_yet")
    start = seller.get("/seller/im/start/no_thread_yet/")
    assert start.status_code == 200 and "Start the chat" in start.content.decode()
    assert f'href="/seller/leads/{quiet.pk}/">Back to the lead</a>' in start.content.decode()
    assert not Thread.objects.filter(creator=quiet.creator).exists()
    opened = seller.post("/seller/im/start/no_thread_yet/")
    new = Thread.objects.get(partner=partner_a, creator=quiet.creator)
    assert opened["Location"] == f"/seller/im/{new.pk}/"


def test_the_im_profile_panel_links_to_the_lead(seller, partner_a, request_lead):
    thread = Thread.objects.get(partner=partner_a, creator=request_lead.creator)
    html = seller.get(f"/seller/im/{thread.pk}/").content.decode()
    assert f'href="/seller/leads/{request_lead.pk}/" data-testid="open-lead-detail"' in html


@pytest.mark.parametrize("events", [1, 12])
def test_the_detail_costs_a_constant_number_of_queries(
    seller, seller_a, partner_a, gold, django_assert_max_num_queries, events
):
    collaboration_request_submit(creator=gold, partner=partner_a, message="Hello")
    lead = Lead.objects.get(creator=gold)
    for n in range(events):
        lead_set_status(lead=lead, status="contacted" if n % 2 == 0 else "new", user=seller_a)
    SellerFactory(partner=partner_a)
    seller.get(f"/seller/leads/{lead.pk}/")  # warm the freshness cache
    # The lead, its request messages, the staff, its two neighbours (Previous / Next), the
    # follow-up tasks, the bell's and IM's unread counts, the session and the user; the
    # history and notes come with the timeline (its own request).
    with django_assert_max_num_queries(10):
        response = seller.get(f"/seller/leads/{lead.pk}/")
    assert response.status_code == 200
