"""Creator journeys in real Chromium: a Silver request, and a Bronze creator sent to IM."""

import re

from playwright.sync_api import expect

from leads.models import CollaborationRequest, Lead, LeadSource
from tests.factories import PASSWORD, PartnerFactory


def test_silver_creator_requests_to_collaborate(page, login, creator_silver, partner_a):
    PartnerFactory(name="Zeta Home Studio", categories="Home", profile="Kitchen LIVEs")
    login("creator_silver", PASSWORD)
    expect(page).to_have_url(re.compile(r"/ec/partners/$"))
    expect(page.locator("h1")).to_have_text("Top LIVE Partner")
    expect(page.get_by_test_id("vip")).to_contain_text(
        "Top LIVE Partner — a VIP benefit for Silver-tier+ creators"
    )
    # Live search (htmx): the cards narrow and the URL keeps the query.
    expect(page.get_by_test_id("partner-card")).to_have_count(2)
    page.fill("#q", "alpha")
    expect(page.get_by_test_id("partner-card")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/ec/partners/\?q=alpha$"))

    page.get_by_role("link", name="Alpha LIVE Agency").click()
    expect(page.locator("h1")).to_have_text("Alpha LIVE Agency")
    expect(page.get_by_role("button", name="Chat in IM")).to_be_visible()
    page.get_by_role("link", name="Request to Collaborate").click()
    page.fill("textarea[name=message]", "I host beauty LIVEs twice a week.")
    page.get_by_label("I allow Alpha LIVE Agency to see my licensed data").check()
    page.get_by_role("button", name="Send request").click()

    expect(page.locator("h1")).to_have_text("Your request to Alpha LIVE Agency")
    request = CollaborationRequest.objects.get()
    expires = f"{request.authorization_expires_at:%b} {request.authorization_expires_at.day}, "
    expect(page.get_by_test_id("expires")).to_contain_text(expires)
    expect(page.get_by_test_id("expires")).to_contain_text("(7 days)")
    expect(page.get_by_test_id("request-status")).to_have_text("Open")
    lead = Lead.objects.get(partner=partner_a, creator=creator_silver)
    assert lead.source == LeadSource.COLLABORATION_REQUEST
    assert request.message == "I host beauty LIVEs twice a week."

    page.locator("#main").get_by_role("link", name="My requests").click()
    expect(page.get_by_test_id("my-request")).to_contain_text("Alpha LIVE Agency")
    expect(page.get_by_test_id("my-request")).to_contain_text("expires in 6 days")
    assert page.js_errors == []


def test_bronze_creator_sees_the_silver_rule_and_can_chat(page, login, creator_bronze, partner_a):
    login("creator_bronze", PASSWORD)
    expect(page.locator("h1")).to_have_text("Partners")
    expect(page.get_by_test_id("silver-note")).to_contain_text(
        "Top LIVE Partner is a VIP benefit for Silver-tier+ creators"
    )
    page.get_by_role("link", name="Alpha LIVE Agency").click()
    # Issue 20: no active request button below Silver; the gap and the IM way instead.
    expect(page.get_by_role("link", name="Request to Collaborate")).to_have_count(0)
    expect(page.get_by_test_id("silver-gap")).to_contain_text("$580.00 more to reach Silver")
    page.goto(f"/ec/partners/{partner_a.slug}/request/")

    expect(page.locator("h1")).to_have_text("Formal requests need Silver tier")
    expect(page.get_by_test_id("silver-rule")).to_contain_text("30-day LIVE GMV ≥ $1,000")
    expect(page.get_by_test_id("tier")).to_have_text("Bronze")
    expect(page.get_by_test_id("gmv")).to_have_text("$420.00")
    expect(page.get_by_test_id("gap")).to_have_text("$580.00 more 30-day LIVE GMV to reach Silver")
    chat = page.get_by_role("button", name="Chat with Alpha LIVE Agency in IM")
    expect(chat).to_be_visible()
    chat.click()
    expect(page).to_have_url(re.compile(r"/ec/messages/\d+/$"))
    assert not Lead.objects.exists() and not CollaborationRequest.objects.exists()
    assert page.js_errors == []
