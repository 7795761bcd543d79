"""Seller journey in real Chromium: IM add/remove, the pool, the notification, live messages.

The Leads Pool's filters and export have their own journey (test_seller_pool_journey.py)."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, ThreadFactory


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
