"""The Leads Pool page `/seller/leads/`: what sellers see, filters in the URL, row actions."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from core.models import JobRun
from creators.models import Creator, Tier
from leads.models import Lead, LeadSource, LeadStatus
from notifications.models import Notification
from tests.factories import CreatorFactory, LeadFactory
from tests.leads.test_pool_api import BAD_FILTERS

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
LICENSED = {
    "live_gmv_30d": "7000.00",
    "live_sessions_30d": 4,
    "average_viewers": 1_290,
    "top_categories": ["Beauty", "Home"],
}


def lead(partner, handle, tier=Tier.BRONZE, followers=1_000, **extra):
    creator = CreatorFactory(handle=handle, tier=tier, follower_count=followers)
    return LeadFactory(partner=partner, creator=creator, **extra)


def rows(html):
    return re.findall(r'<tr id="lead-\d+" data-handle="([^"]+)"', html)


def fieldset(html, legend):
    """The filter sidebar's fieldset whose legend reads `legend`."""
    match = re.search(rf"<legend>(?:<label[^>]*>)?{legend}.*?</fieldset>", html, re.S)
    assert match, legend
    return match.group(0)


@pytest.fixture
def browser(client, seller_a):
    client.force_login(seller_a)
    return client


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_the_pool_with_freshness_badges_and_licensed_data(browser, partner_a):
    JobRun.objects.create(
        job=JobRun.Job.REFRESH_TIERS,
        status=JobRun.Status.SUCCEEDED,
        as_of=dt.date(2026, 11, 2),
        started_at=NOW - dt.timedelta(days=18),
        finished_at=NOW - dt.timedelta(days=18),
    )
    JobRun.objects.create(
        job=JobRun.Job.REFRESH_FOLLOWERS,
        status=JobRun.Status.SUCCEEDED,
        started_at=NOW - dt.timedelta(hours=2),
        finished_at=NOW - dt.timedelta(hours=2),
    )
    creator = CreatorFactory(handle="shown_here", display_name="Shown Here", tier=Tier.GOLD)
    LeadFactory(
        partner=partner_a,
        creator=creator,
        creator_follower_count=123_456,
        source=LeadSource.COLLABORATION_REQUEST,
        licensed_data=LICENSED,
        authorization_expires_at=NOW + dt.timedelta(days=2, hours=4, minutes=5),
    )
    lead(
        partner_a,
        "expired_req",
        Tier.SILVER,
        source=LeadSource.COLLABORATION_REQUEST,
        licensed_data={**LICENSED, "live_gmv_30d": "9999.00"},
        authorization_expires_at=NOW - dt.timedelta(minutes=1),
        requested_at=NOW - dt.timedelta(hours=1),
    )
    lead(partner_a, "from_im", Tier.NON_TIERED, requested_at=NOW - dt.timedelta(days=1))

    response = browser.get("/seller/leads/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'Seller Management &gt; <a href="/seller/leads/">Seller leads pool</a>' in html
    assert "<h1>Leads Pool</h1>" in html
    assert '<strong data-testid="lead-count">3 leads</strong>' in html
    assert "Tier data as of Nov 2" in html and "Followers as of today" in html
    assert rows(html) == ["shown_here", "expired_req", "from_im"]

    star = html[html.index('data-handle="shown_here"') : html.index('data-handle="expired_req"')]
    assert "Shown Here" in star and "@shown_here" in star
    assert '<span class="avatar" aria-hidden="true">S</span>' in star
    assert 'href="/seller/im/start/shown_here/">Chat</a>' in star
    assert '<span class="badge tier-3" data-testid="tier">Gold</span>' in star
    assert "123,456" in star and "Collaboration request" in star
    assert "expires in 2 days 4 h" in star
    assert "$7,000.00" in star and "1,290" in star and "Beauty, Home" in star
    assert 'data-confirm="Remove @shown_here from the Leads Pool?"' in star

    expired = html[html.index('data-handle="expired_req"') : html.index('data-handle="from_im"')]
    assert ">expired<" in expired and "9,999" not in html and "9999" not in html
    im_row = html[html.index('data-handle="from_im"') :]
    assert '<span class="badge tier-0" data-testid="tier">Non-tiered</span>' in im_row
    assert 'data-testid="authorization">—<' in im_row and "Instant message" in im_row


def test_counts_use_thousands_separators_and_pages_say_where_you_are(browser, partner_a):
    creators = Creator.objects.bulk_create(
        Creator(handle=f"bulk_{i:04d}", display_name=f"Bulk {i}", tier=Tier.SILVER)
        for i in range(1_001)
    )
    Lead.objects.bulk_create(
        Lead(
            partner=partner_a,
            creator=c,
            source=LeadSource.INSTANT_MESSAGE,
            creator_tier=Tier.SILVER,
            requested_at=timezone.now(),
        )
        for c in creators
    )
    html = browser.get("/seller/leads/?tier=silver").content.decode()
    assert "1,001 leads" in html and "Page 1 of 41" in html
    assert len(rows(html)) == 25
    assert 'href="?tier=silver&amp;page=2"' in html and "Previous" not in html
    html = browser.get("/seller/leads/?tier=silver&page=41").content.decode()
    assert "Page 41 of 41" in html and len(rows(html)) == 1 and "Next" not in html
    assert 'href="?tier=silver&amp;page=40"' in html


def test_filters_narrow_the_table_and_stay_ticked(browser, partner_a):
    lead(partner_a, "gold_mid", Tier.GOLD, 50_000)
    lead(partner_a, "silver_small", Tier.SILVER, 9_999)
    lead(partner_a, "gold_big", Tier.GOLD, 10_000_000)
    html = browser.get("/seller/leads/?tier=gold&tier=silver&followers=10k-100k").content.decode()
    assert rows(html) == ["gold_mid"] and "1 lead<" in html
    assert 'id="tier-gold" name="tier" value="gold" checked' in html
    assert 'id="tier-silver" name="tier" value="silver" checked' in html
    assert 'id="tier-bronze" name="tier" value="bronze" >' in html
    assert 'value="10k-100k" checked' in html
    export = re.search(r'href="([^"]*export\.csv[^"]*)"[^>]*data-testid="export-csv"', html)
    assert unescape(export.group(1)) == (
        "/api/v1/leads/export.csv?tier=gold&tier=silver&followers=10k-100k"
    )


def test_the_filter_form_works_without_javascript_and_with_htmx(browser, partner_a):
    lead(partner_a, "only_one", Tier.RUBY)
    html = browser.get("/seller/leads/").content.decode()
    form = re.search(r"<form class=\"filters card\"[^>]*>", html).group(0)
    assert 'method="get"' in form and 'action="/seller/leads/"' in form
    assert "data-filters" in form and 'hx-get="/seller/leads/"' in form
    assert 'hx-push-url="true"' in form and 'hx-target="#pool"' in form
    assert '<a href="/seller/leads/" class="button">Clear</a>' in html
    assert '<button type="submit" class="primary" data-close-filters>Apply</button>' in html
    for legend in (
        "Creator level",
        "Follower count",
        "Lead source",
        "Status",
        "Search",
        "Request time",
        "Sort by",
    ):
        fieldset(html, legend)
    assert html.count('name="tier"') == 9 and html.count('name="followers"') == 5
    assert 'name="followers_min"' in html and 'name="followers_max"' in html

    fragment = browser.get("/seller/leads/?tier=ruby", HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "HX-Request" in fragment["Vary"]
    assert body.lstrip().startswith('<div class="layout-filters" id="pool">')
    assert "<html" not in body and "<h1>" not in body and rows(body) == ["only_one"]
    # Going back in history after a cache miss asks htmx for the whole page.
    restore = browser.get(
        "/seller/leads/?tier=ruby", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    ).content.decode()
    assert "<html" in restore and "<h1>Leads Pool</h1>" in restore


def test_an_empty_result_says_so(browser, partner_a):
    lead(partner_a, "bronze_only", Tier.BRONZE)
    html = browser.get("/seller/leads/?tier=diamond").content.decode()
    assert "No leads match these filters" in html and "0 leads" in html
    assert rows(html) == [] and "<table" not in html


LEGENDS = {
    "tier": "Creator level",
    "followers": "Follower count",
    "followers_min": "Follower count",
    "followers_max": "Follower count",
    "source": "Lead source",
    "status": "Status",
    "ordering": "Sort by",
    "requested_after": "Request time",
    "requested_before": "Request time",
    "search": "Search",
}


@pytest.mark.parametrize(("query", "field"), BAD_FILTERS)
def test_bad_filters_show_the_apis_message_next_to_the_filter(
    browser, api_as, seller_a, partner_a, query, field
):
    lead(partner_a, "hidden_while_invalid")
    message = api_as(seller_a).get(f"/api/v1/leads/?{query}").json()["errors"][field][0]
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = browser.get(f"/seller/leads/?{query}", **headers)
        assert response.status_code == 400
        html = unescape(response.content.decode())
        assert message in fieldset(html, LEGENDS[field])
        assert "Fix the filters to see leads" in html
        assert rows(html) == [] and "export.csv" not in html


def test_query_count_is_constant_for_5_or_50_leads(
    browser, partner_a, django_assert_max_num_queries
):
    expires = timezone.now() + dt.timedelta(days=3)
    for i in range(5):
        lead(
            partner_a,
            f"few_{i}",
            Tier.GOLD,
            licensed_data=LICENSED,
            authorization_expires_at=expires,
        )
    # Session, user with partner, count, page, job freshness, unread notifications, and the
    # workspace's staff (owners), saved views and "expire within 24 h" count; the
    # navigation's unread IM conversations (one indexed count); the served body's key state
    # (staff and saved views, compiled: core/fragments.py). A fresh body, both times.
    cache.clear()
    with django_assert_max_num_queries(12):
        assert len(rows(browser.get("/seller/leads/?tier=gold").content.decode())) == 5
    for i in range(45):
        lead(
            partner_a,
            f"many_{i}",
            Tier.GOLD,
            licensed_data=LICENSED,
            authorization_expires_at=expires,
        )
    cache.clear()
    with django_assert_max_num_queries(12):
        html = browser.get("/seller/leads/?tier=gold&page_size=50").content.decode()
    assert len(rows(html)) == 50 and "50 leads" in html


def test_only_sellers_see_the_page(client, creator_silver, admin_user, partner_a):
    lead(partner_a, "private_lead")
    for user in (creator_silver.user, admin_user):
        client.force_login(user)
        response = client.get("/seller/leads/")
        assert response.status_code == 403
        assert "private_lead" not in response.content.decode()
    client.logout()
    response = client.get("/seller/leads/?tier=gold")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/seller/leads/")


def test_another_partners_leads_are_invisible_and_untouchable(
    client, seller_b, partner_a, partner_b
):
    theirs = lead(partner_a, "alpha_lead", Tier.GOLD)
    lead(partner_b, "bravo_lead", Tier.GOLD)
    client.force_login(seller_b)
    html = client.get("/seller/leads/").content.decode()
    assert rows(html) == ["bravo_lead"] and "alpha_lead" not in html
    for action in ("status", "remove"):
        response = client.post(
            f"/seller/leads/{theirs.pk}/{action}/", {"status": "closed"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == LeadStatus.NEW and theirs.removed_at is None


def test_inline_status_change_rerenders_the_row(browser, partner_a):
    one = lead(partner_a, "inline_me")
    url = f"/seller/leads/{one.pk}/status/"
    row = browser.post(url, {"status": "collaborating"}, HTTP_HX_REQUEST="true").content.decode()
    assert row.lstrip().startswith(f'<tr id="lead-{one.pk}"')
    assert 'value="collaborating" selected' in row and 'role="alert"' not in row
    # From collaborating the pipeline allows contacted or closed, not new.
    assert '<option value="new" disabled title="Not allowed from Collaborating">' in row
    assert '<option value="closed">' in row
    one.refresh_from_db()
    assert one.status == LeadStatus.COLLABORATING

    row = browser.post(url, {"status": "bogus"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'role="alert">Unknown status' in row and 'value="collaborating" selected' in row
    row = browser.post(url, {"status": "new"}, HTTP_HX_REQUEST="true").content.decode()
    assert "cannot move to new" in row
    one.refresh_from_db()
    assert one.status == LeadStatus.COLLABORATING


def test_without_javascript_the_row_forms_post_and_come_back(browser, partner_a):
    one = lead(partner_a, "no_js")
    back = "http://testserver/seller/leads/?tier=bronze"
    response = browser.post(
        f"/seller/leads/{one.pk}/status/", {"status": "contacted"}, HTTP_REFERER=back, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain == [(back, 302)]
    assert "@no_js is now contacted." in html and 'value="contacted" selected' in html
    response = browser.post(
        f"/seller/leads/{one.pk}/status/",
        {"status": "x"},
        HTTP_REFERER="https://evil.example/",
        follow=True,
    )
    assert response.redirect_chain == [("/seller/leads/", 302)]
    assert "@no_js: Unknown status" in response.content.decode()


def test_remove_from_leads_takes_the_row_out_and_notifies(browser, seller_a, partner_a):
    one = lead(partner_a, "remove_me")
    kept = lead(partner_a, "kept")
    html = browser.get("/seller/leads/").content.decode()
    assert re.search(rf'<form method="post" action="/seller/leads/{one.pk}/remove/"', html)
    removed = browser.post(f"/seller/leads/{one.pk}/remove/", HTTP_HX_REQUEST="true")
    assert "@remove_me was removed from the Leads Pool" in removed.content.decode()
    one.refresh_from_db()
    assert one.removed_at is not None and one.removed_by == seller_a
    assert Notification.objects.filter(partner=partner_a, lead_id=one.pk).count() == 1
    assert rows(browser.get("/seller/leads/").content.decode()) == ["kept"]
    assert browser.get("/seller/leads/?search=remove_me").content.decode().count("0 leads") == 1
    assert kept.removed_at is None
