"""Creator journeys in real Chromium: a Silver request, and a Bronze creator sent to IM."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_silver_creator_requests_to_collaborate(page, login, creator_silver, partner_a):
    login("creator_silver", PASSWORD)
    expect(page).to_have_url(re.compile(r"/ec/partners/$"))
    expect(page.locator("h1")).to_have_text("Top LIVE Partner")
    page.get_by_role("link", name="Alpha LIVE Agency").click()
    page.get_by_role("link", name="Request to Collaborate").click()
    page.fill("textarea[name=message]", "I host beauty LIVEs twice a week.")
    page.check("#id_consent")
    page.get_by_role("button", name="Send request").click()

    expect(page.locator("h1")).to_have_text("Request submitted")
    expect(page.get_by_test_id("expires")).to_contain_text("(7 days)")
    expect(page.get_by_test_id("request-status")).to_have_text("Submitted")
    page.locator("#main").get_by_role("link", name="My requests").click()
    expect(page.get_by_test_id("my-request")).to_contain_text("Alpha LIVE Agency")
    assert page.js_errors == []


def test_bronze_creator_sees_the_silver_rule_and_can_chat(page, login, creator_bronze, partner_a):
    login("creator_bronze", PASSWORD)
    page.get_by_role("link", name="Alpha LIVE Agency").click()
    page.get_by_role("link", name="Request to Collaborate").click()

    expect(page.locator("h1")).to_have_text("Formal requests need Silver tier")
    expect(page.get_by_test_id("silver-rule")).to_contain_text("30-day LIVE GMV ≥ $1,000")
    expect(page.get_by_test_id("gap")).to_contain_text("$580.00 more")
    page.get_by_role("button", name="Chat with Alpha LIVE Agency in IM").click()
    expect(page).to_have_url(re.compile(r"/ec/messages/\d+/$"))
    page.fill("#body", "Hi, can we talk?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages")).to_contain_text("Hi, can we talk?")
    assert page.js_errors == []
