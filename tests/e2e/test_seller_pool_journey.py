"""Seller journey in real Chromium: filter the Leads Pool, share the URL, go back, export."""

import csv
import re

from playwright.sync_api import expect

from creators.models import Tier
from leads.models import LeadSource, LeadStatus
from tests.factories import PASSWORD, CreatorFactory, LeadFactory

POOL = [
    ("gold_mid", Tier.GOLD, 50_000),
    ("gold_big", Tier.GOLD, 2_000_000),
    ("silver_mid", Tier.SILVER, 10_000),  # the boundary belongs to 10K–100K
    ("silver_tiny", Tier.SILVER, 9_999),
    ("bronze_mid", Tier.BRONZE, 30_000),
    ("diamond_mid", Tier.DIAMOND, 60_000),
]


def seed(partner_a, partner_b):
    for handle, tier, followers in POOL:
        creator = CreatorFactory(handle=handle, tier=tier, follower_count=followers)
        LeadFactory(partner=partner_a, creator=creator, source=LeadSource.COLLABORATION_REQUEST)
    other = CreatorFactory(handle="gold_of_bravo", tier=Tier.GOLD, follower_count=50_000)
    LeadFactory(partner=partner_b, creator=other)


def visible_handles(page):
    return sorted(
        page.locator("tr[data-handle]").evaluate_all("rows => rows.map(r => r.dataset.handle)")
    )


def box(page, name):
    return page.get_by_role("checkbox", name=name, exact=True)


def expect_rows(page, handles):
    expect(page.get_by_test_id("lead-count")).to_have_text(
        f"{len(handles)} lead{'s' if len(handles) != 1 else ''}"
    )
    expect(page.locator("tr[data-handle]")).to_have_count(len(handles))
    assert visible_handles(page) == sorted(handles)


def test_seller_filters_goes_back_and_exports_exactly_the_filtered_rows(
    page, login, seller_a, partner_a, partner_b, tmp_path
):
    seed(partner_a, partner_b)
    login("seller_a", PASSWORD)
    page.goto("/seller/leads/")
    expect(page.get_by_role("heading", name="Leads Pool")).to_be_visible()
    expect(page.locator("nav.breadcrumbs")).to_contain_text("Seller Management > Seller leads pool")
    expect_rows(page, [handle for handle, _, _ in POOL])

    # The filter panel starts closed (a first screen of leads); the seller opens it.
    page.get_by_test_id("filters-toggle").click()
    box(page, "Gold").check()
    expect(page).to_have_url(re.compile(r"[?&]tier=gold"))
    expect_rows(page, ["gold_big", "gold_mid"])
    box(page, "Silver").check()
    expect(page).to_have_url(re.compile(r"tier=silver"))
    assert "tier=gold" in page.url
    expect_rows(page, ["gold_big", "gold_mid", "silver_mid", "silver_tiny"])
    box(page, "10K–100K").check()
    expect(page).to_have_url(re.compile(r"followers=10k-100k"))
    assert "tier=gold" in page.url and "tier=silver" in page.url
    assert "followers_min" not in page.url  # empty fields stay out of the shared URL
    expect_rows(page, ["gold_mid", "silver_mid"])
    filtered_url = page.url

    # The URL is shareable: opening it fresh shows the same rows and ticks.
    page.goto(filtered_url)
    expect_rows(page, ["gold_mid", "silver_mid"])
    expect(box(page, "10K–100K")).to_be_checked()

    page.go_back()
    expect(page).not_to_have_url(re.compile("followers="))
    expect_rows(page, ["gold_big", "gold_mid", "silver_mid", "silver_tiny"])
    expect(box(page, "10K–100K")).not_to_be_checked()
    expect(box(page, "Silver")).to_be_checked()
    page.go_forward()
    expect(page).to_have_url(filtered_url)
    expect_rows(page, ["gold_mid", "silver_mid"])

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    assert re.fullmatch(r"leads-alpha-\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename)
    path = tmp_path / "leads.csv"
    download.value.save_as(path)
    with path.open(newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert sorted(row["handle"] for row in exported) == ["gold_mid", "silver_mid"]
    assert {row["tier"] for row in exported} == {"gold", "silver"}

    # A manual range replaces the presets.
    page.fill("#followers_min", "1000000")
    page.press("#followers_min", "Enter")
    expect(page).to_have_url(re.compile(r"followers_min=1000000"))
    assert "followers=" not in page.url
    expect_rows(page, ["gold_big"])
    # Leaving the field may fire one more filter refresh; let it land before the next step.
    page.locator("#followers_min").blur()
    page.wait_for_load_state("networkidle")

    # Move the lead through the pipeline inline: pick, then Save; the row re-renders in place.
    status = page.locator("tr[data-handle=gold_big] select[name=status]")
    status.select_option(LeadStatus.CONTACTED)
    with page.expect_response(lambda response: "/status/" in response.url) as answered:
        page.locator("tr[data-handle=gold_big]").get_by_test_id("status-save").click()
    assert answered.value.status == 200
    # The server's row carries the new status's badge class.
    expect(status).to_have_class(re.compile(r"\bstatus-contacted\b"))
    expect(status).to_have_value("contacted")
    expect(page.locator("tr[data-handle=gold_big] [role=alert]")).to_have_count(0)
    page.goto("/seller/leads/?status=contacted")
    expect_rows(page, ["gold_big"])
    assert page.js_errors == []
