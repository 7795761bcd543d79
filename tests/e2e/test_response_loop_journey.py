"""The response loop in real Chromium (issue 19): seller_a routes new requests to seller_a2 by
a rule; creator_silver's request lands on seller_a2, who answers in IM (the lead leaves
"awaiting"), adds a task the hourly job then reminds them of, and mentions seller_a in a
note, which reaches seller_a's notifications."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from leads.models import Lead, LeadEvent
from tests.factories import PASSWORD, SellerFactory


def sign_in(browser, live_server, username: str):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_a_request_is_routed_answered_followed_up_and_mentioned(
    browser, live_server, page, login, seller_a, partner_a, creator_silver
):
    seller_a2 = SellerFactory(user__username="seller_a2", partner=partner_a).user

    # 1. seller_a creates a round-robin rule for requests, with seller_a2 as its member.
    login("seller_a", PASSWORD)
    page.goto("/seller/settings/")
    page.get_by_text("Add a rule").click()
    new_rule = page.get_by_test_id("rule-new")
    new_rule.get_by_label("Name").fill("Requests")
    new_rule.get_by_label("Pool query").fill("source=collaboration_request")
    new_rule.get_by_label("Strategy").select_option("round_robin")
    new_rule.get_by_label("seller_a2").check()
    new_rule.get_by_role("button", name="Add rule").click()
    rule = page.get_by_test_id("rule")
    expect(rule).to_contain_text("Requests")
    expect(rule.get_by_test_id("rule-preview")).to_contain_text("next in turn: seller_a2")

    # 2. creator_silver sends a Request to Collaborate from the EC Center.
    creator = sign_in(browser, live_server, "creator_silver")
    creator.goto(f"/ec/partners/{partner_a.slug}/request/")
    creator.fill("textarea[name=message]", "Beauty LIVEs on weekends.")
    creator.get_by_label("I allow Alpha LIVE Agency to see my licensed data").check()
    creator.get_by_role("button", name="Send request").click()
    expect(creator.locator("h1")).to_have_text("Your request to Alpha LIVE Agency")
    lead = Lead.objects.get(partner=partner_a, creator=creator_silver)
    assert lead.owner_id == seller_a2.pk
    assert lead.response_due_at == lead.requested_at + dt.timedelta(hours=24)
    assigned = LeadEvent.objects.get(lead=lead, kind=LeadEvent.Kind.ASSIGNED)
    assert assigned.actor_id is None and assigned.text == "Requests"

    # 3. seller_a2 sees the assignment, answers in IM, and the lead leaves "awaiting".
    second = sign_in(browser, live_server, "seller_a2")
    second.goto("/seller/notifications/")
    expect(second.get_by_test_id("notifications")).to_contain_text(
        "assigned @creator_silver to you"
    )
    second.goto("/seller/leads/?response=awaiting")
    expect(second.locator(f"tr[data-handle='{creator_silver.handle}']")).to_have_count(1)
    second.goto(f"/seller/leads/{lead.pk}/")
    expect(second.get_by_test_id("history")).to_contain_text("by rule Requests")
    second.get_by_test_id("chat").click()
    second.fill("#body", "Thanks! Free for a call tomorrow?")
    second.get_by_role("button", name="Send").click()
    expect(second.locator("#messages")).to_contain_text("Free for a call tomorrow?")
    lead.refresh_from_db()
    assert lead.first_response_at is not None
    second.goto("/seller/leads/?response=awaiting")
    expect(second.locator(f"tr[data-handle='{creator_silver.handle}']")).to_have_count(0)
    second.goto("/seller/leads/?response=answered")
    expect(second.locator(f"tr[data-handle='{creator_silver.handle}']")).to_have_count(1)

    # 4. seller_a2 adds a task due now; the hourly job reminds them once.
    second.goto(f"/seller/leads/{lead.pk}/")
    tasks = second.get_by_test_id("lead-tasks")
    tasks.get_by_label("Task").fill("Send the rate card")
    due = timezone.now().astimezone(dt.UTC) - dt.timedelta(minutes=1)
    tasks.get_by_label("Due (UTC)").fill(due.strftime("%Y-%m-%dT%H:%M"))
    tasks.get_by_test_id("add-task").click()
    expect(second.get_by_test_id("lead-task")).to_contain_text("Send the rate card")
    call_command("remind_due_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    second.goto("/seller/notifications/")
    expect(second.get_by_test_id("notifications")).to_contain_text("Send the rate card")
    second.goto("/seller/tasks/")
    expect(second.locator("main")).to_contain_text("Send the rate card")

    # 5. seller_a2 mentions seller_a in a note; seller_a sees the mention.
    second.goto(f"/seller/leads/{lead.pk}/")
    second.get_by_label("New note").fill("@seller_a she wants the rate card in USD.")
    second.get_by_test_id("add-note").click()
    expect(second.get_by_test_id("note")).to_contain_text("rate card in USD")
    page.goto("/seller/notifications/")
    notes = page.get_by_test_id("notifications")
    expect(notes).to_contain_text("seller_a2 mentioned you")
    notes.get_by_role("link", name="Open lead").first.click()
    expect(page.get_by_test_id("note").first).to_contain_text("rate card in USD")
    assert page.js_errors == [] and second.js_errors == [] and creator.js_errors == []
