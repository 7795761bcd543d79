"""Seller journeys in real Chromium: the Leads Pool's filters and export, then IM."""

import csv
import re

from playwright.sync_api import expect

from creators.models import Tier
from leads.models import LeadSource
from tests.factories import PASSWORD, CreatorFactory, LeadFactory, ThreadFactory


def seed_pool(partner):
    spec = [
        ("gold_mid", Tier.GOLD, 50_000),
        ("gold_big", Tier.GOLD, 2_000_000),
        ("silver_mid", Tier.SILVER, 20_000),
        ("bronze_mid", Tier.BRONZE, 30_000),
        ("diamond_mid", Tier.DIAMOND, 60_000),
    ]
    for handle, tier, followers in spec:
        creator = CreatorFactory(handle=handle, tier=tier, follower_count=followers)
        LeadFactory(partner=partner, creator=creator, source=LeadSource.COLLABORATION_REQUEST)


def visible_handles(page):
    return sorted(
        page.locator("tr[data-handle]").evaluate_all("rows => rows.map(r => r.dataset.handle)")
    )


def test_seller_filters_the_pool_and_exports_what_they_see(
    page, login, seller_a, partner_a, tmp_path
):
    seed_pool(partner_a)
    login("seller_a", PASSWORD)
    expect(page).to_have_url(re.compile(r"/seller/leads/$"))
    expect(page.locator("nav.breadcrumbs")).to_contain_text("Seller Management > Seller leads pool")
    expect(page.get_by_test_id("lead-count")).to_have_text("5 leads")

    page.check("input[name=tier][value=gold]")
    expect(page).to_have_url(re.compile(r"tier=gold"))
    page.check("input[name=tier][value=silver]")
    page.check("input[name=followers][value='10k-100k']")
    expect(page).to_have_url(re.compile(r"followers=10k-100k"))
    assert "tier=gold" in page.url and "tier=silver" in page.url
    assert "followers_min" not in page.url  # empty fields stay out of the shared URL
    expect(page.get_by_test_id("lead-count")).to_have_text("2 leads")
    assert visible_handles(page) == ["gold_mid", "silver_mid"]

    page.go_back()
    expect(page.get_by_test_id("lead-count")).to_have_text("3 leads")
    page.go_forward()
    expect(page.get_by_test_id("lead-count")).to_have_text("2 leads")

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    path = tmp_path / "leads.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(path.open()))
    assert sorted(r["handle"] for r in rows) == ["gold_mid", "silver_mid"]
    assert page.js_errors == []


def test_seller_adds_and_removes_a_lead_in_im_and_sees_messages_arrive(
    page, login, seller_a, partner_a, creator_bronze
):
    thread = ThreadFactory(partner=partner_a, creator=creator_bronze)
    login("seller_a", PASSWORD)
    page.goto("/seller/im/")
    page.click(f"a[data-handle='{creator_bronze.handle}']")
    page.get_by_role("button", name="Add to leads").click()
    expect(page.get_by_role("button", name="Remove from leads")).to_be_visible()

    page.goto("/seller/leads/?source=instant_message")
    row = page.locator(f"tr[data-handle='{creator_bronze.handle}']")
    expect(row).to_contain_text("Instant message")

    page.goto(f"/seller/im/{thread.pk}/")
    page.get_by_role("button", name="Remove from leads").click()
    expect(page.get_by_role("button", name="Add to leads")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.click("a.bell")
    expect(page.get_by_test_id("notifications")).to_contain_text(
        "@creator_bronze was removed from the Leads Pool by seller_a"
    )

    # The creator writes from the below-Silver page's IM button; the seller's open
    # conversation shows it without a reload.
    page.goto(f"/seller/im/{thread.pk}/")
    creator_context = page.context.browser.new_context(base_url=page.url.split("/seller")[0])
    creator_page = creator_context.new_page()
    creator_page.goto("/accounts/login/")
    creator_page.fill("#id_username", "creator_bronze")
    creator_page.fill("#id_password", PASSWORD)
    creator_page.click("button[type=submit]")
    creator_page.goto(f"/ec/partners/{partner_a.slug}/request/")
    creator_page.get_by_role("button", name=re.compile("Chat with .* in IM")).click()
    creator_page.fill("#body", "Hello from creator_bronze!")
    creator_page.get_by_role("button", name="Send").click()
    expect(creator_page.locator("#messages")).to_contain_text("Hello from creator_bronze!")
    creator_context.close()

    expect(page.locator("#messages")).to_contain_text("Hello from creator_bronze!", timeout=10_000)
    assert page.js_errors == []
