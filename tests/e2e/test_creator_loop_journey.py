"""The creator's side of the loop at 390 px (issue 20): creator_silver requests; seller_a
replies in IM; the creator sees "Replied" and a notification with a badge; seller_a closes
the lead with a reason; the creator sees the reason and no claim it is in the pool; then a
renewal confirmed at +6 days runs the data 7 more days."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from im.models import Thread
from leads.models import CollaborationRequest, Lead
from tests.factories import PASSWORD

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url}: {scroll}px wide at {inner}px"


def _seller_page(page, live_server):
    context = page.context.browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    seller = context.new_page()
    seller.goto("/accounts/login/")
    seller.fill("#id_username", "seller_a")
    seller.fill("#id_password", PASSWORD)
    seller.click("button[type=submit]")
    seller.wait_for_load_state("networkidle")
    return context, seller


def test_the_creator_loop_at_390_px(page, login, live_server, creator_silver, partner_a, seller_a):
    page.set_viewport_size(PHONE)
    login("creator_silver", PASSWORD)
    _fits(page)
    page.goto(f"/ec/partners/{partner_a.slug}/")
    _fits(page)
    page.get_by_role("link", name="Request to Collaborate").click()
    page.get_by_label("I allow Alpha LIVE Agency to see my licensed data").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_test_id("request-status")).to_have_text("Open")
    request = CollaborationRequest.objects.get()
    _fits(page)

    # seller_a replies in IM (their own browser).
    context, seller = _seller_page(page, live_server)
    thread = Thread.objects.get(partner=partner_a, creator=creator_silver)
    seller.goto(f"/seller/im/{thread.pk}/")
    seller.fill("#body", "Thanks! Let's set up a call.")
    seller.get_by_role("button", name="Send").click()
    expect(seller.locator("#send-error")).to_have_count(0)
    seller.wait_for_load_state("networkidle")

    # The creator sees "Replied" and a notification with a badge.
    page.goto(f"/ec/requests/{request.pk}/")
    expect(page.get_by_test_id("request-status")).to_have_text("Replied")
    expect(page.get_by_test_id("answered")).to_contain_text("by a message")
    expect(page.get_by_test_id("unread-count").first).to_have_text("1")
    page.locator("a.bell").click()
    expect(page.get_by_test_id("notifications")).to_contain_text(
        "Alpha LIVE Agency replied to your collaboration request."
    )
    _fits(page)

    # seller_a closes the lead with a reason from the lead page.
    lead = Lead.objects.get(partner=partner_a, creator=creator_silver)
    seller.goto(f"/seller/leads/{lead.pk}/")
    seller.select_option(f"#detail-status-{lead.pk}", "closed")
    seller.select_option(f"#close-reason-{lead.pk}", "no_capacity")
    seller.fill(f"#close-reason-text-{lead.pk}", "Full until January")
    seller.get_by_test_id("set-status").click()
    seller.wait_for_load_state("networkidle")
    expect(seller.locator(f"#detail-status-{lead.pk}")).to_have_value("closed")
    context.close()

    # The creator sees the reason and no claim that the request is in the pool.
    page.goto(f"/ec/requests/{request.pk}/")
    expect(page.get_by_test_id("request-status")).to_have_text("Closed")
    expect(page.get_by_test_id("close-reason")).to_have_text(
        "No capacity at the moment: “Full until January”"
    )
    expect(page.get_by_test_id("request-page")).not_to_contain_text("in their Leads Pool")
    _fits(page)
    page.goto("/ec/requests/")
    expect(page.get_by_test_id("my-request")).to_contain_text("Closed")
    _fits(page)

    # Six days on (set directly, as the other journeys do): renewing runs 7 more days.
    shift = dt.timedelta(days=6)
    request.refresh_from_db()
    CollaborationRequest.objects.filter(pk=request.pk).update(
        submitted_at=request.submitted_at - shift,
        authorization_expires_at=request.authorization_expires_at - shift,
    )
    Lead.objects.filter(pk=lead.pk).update(
        authorization_expires_at=request.authorization_expires_at - shift
    )
    page.goto(f"/ec/requests/{request.pk}/")
    page.get_by_label(re.compile("see my licensed data for 7 more days")).check()
    before = timezone.now()
    page.get_by_role("button", name="Renew for 7 days").click()
    expect(page.locator(".flash")).to_contain_text("Renewed")
    renewed = CollaborationRequest.objects.order_by("-pk").first()
    assert renewed.authorization_expires_at >= before + dt.timedelta(days=7)
    assert renewed.authorization_expires_at <= timezone.now() + dt.timedelta(days=7)
    expect(page.get_by_test_id("expires")).to_contain_text("expires in 6 days")
    _fits(page)
    assert page.js_errors == []
