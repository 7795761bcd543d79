"""Lead workspace in real Chromium: seller_a works a request lead in the pool's side panel and
hands it to seller_a2, who sees the assignment, closes three leads in bulk and saves a view."""

import re

from playwright.sync_api import expect

from creators.models import Tier
from leads.models import Lead, LeadNote, LeadStatus
from leads.services import collaboration_request_submit
from tests.factories import PASSWORD, CreatorFactory, CreatorUserFactory, LeadFactory, SellerFactory


def test_sellers_work_a_lead_together_then_the_pool_in_bulk_and_views(
    page, login, seller_a, partner_a
):
    seller_a2 = SellerFactory(user__username="seller_a2", partner=partner_a).user
    creator = CreatorUserFactory(handle="glow_gold", display_name="Glow Gold", tier=Tier.GOLD)
    collaboration_request_submit(
        creator=creator, partner=partner_a, message="Hi! Beauty LIVE four nights a week."
    )
    lead = Lead.objects.get(creator=creator)
    for n in range(3):
        LeadFactory(
            partner=partner_a, creator=CreatorFactory(handle=f"stale_{n}", tier=Tier.SILVER)
        )

    # 1. seller_a opens the request lead in the side panel and reads the creator's message.
    login("seller_a", PASSWORD)
    page.goto("/seller/leads/")
    row = page.locator("tr[data-handle='glow_gold']")
    expect(row.get_by_test_id("message-preview")).to_contain_text("Beauty LIVE four nights")
    row.get_by_test_id("open-lead").click()
    panel = page.locator("#lead-panel")
    expect(panel.get_by_test_id("lead-detail")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/seller/leads/{lead.pk}/$"))
    expect(panel.get_by_test_id("request-messages")).to_contain_text(
        "Hi! Beauty LIVE four nights a week."
    )
    expect(panel.get_by_test_id("countdown")).to_contain_text("expires in 6 days 23 h")

    # ... assigns it to seller_a2, adds a note and moves the status.
    panel.get_by_label("Owner").select_option(label="seller_a2")
    panel.get_by_test_id("set-owner").click()
    expect(panel.get_by_test_id("lead-owner")).to_have_text("seller_a2")
    # The pool's row follows (its inline owner picker shows the new owner).
    expect(row.locator("select[name=owner] option:checked")).to_have_text("seller_a2")
    panel.get_by_label("New note").fill("Asked for her LIVE schedule; samples on Monday.")
    panel.get_by_test_id("add-note").dblclick()  # an impatient double click adds one note
    expect(panel.get_by_test_id("note")).to_contain_text("samples on Monday")
    expect(panel.get_by_test_id("note")).to_have_count(1)
    panel.get_by_label("Status").select_option("contacted")
    panel.get_by_test_id("set-status").click()
    expect(panel.get_by_test_id("lead-status")).to_have_text("Contacted")
    # One timeline: the history, with the note itself in its place.
    history = panel.get_by_test_id("history")
    expect(history).to_contain_text("Owner changed by seller_a: from no one to seller_a2")
    expect(history.get_by_test_id("note")).to_contain_text("samples on Monday")
    expect(history).to_contain_text("Status changed by seller_a: from New to Contacted")
    expect(row.locator("select[name=status]")).to_have_value("contacted")

    # The back button closes the panel and brings back the pool's URL.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/seller/leads/$"))
    expect(page.locator("#lead-panel [data-testid=lead-detail]")).to_have_count(0)
    lead.refresh_from_db()
    assert (lead.owner, lead.status) == (seller_a2, LeadStatus.CONTACTED)
    assert LeadNote.objects.get().author == seller_a

    # 2. seller_a2 sees the assignment.
    page.get_by_role("button", name="Log out").click()
    login("seller_a2", PASSWORD)
    page.goto("/seller/leads/")
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    page.click("a.bell")
    expect(page.get_by_test_id("notifications")).to_contain_text(
        "seller_a assigned @glow_gold to you."
    )
    # The notification opens the lead within "your leads" (Previous / Next walk seller_a2's
    # own), where seller_a's note is there for the team.
    page.get_by_test_id("notifications").get_by_role("link", name="Open lead").first.click()
    expect(page).to_have_url(
        re.compile(rf"/seller/leads/{lead.pk}/\?pool=%2Fseller%2Fleads%2F%3Fowner%3Dme$")
    )
    expect(page.get_by_test_id("note")).to_contain_text("samples on Monday")

    # 3. ... closes three leads in one go, after confirming the count.
    page.goto("/seller/leads/?tier=silver")
    expect(page.locator("tr[data-handle]")).to_have_count(3)
    for n in range(3):
        page.get_by_label(f"Select @stale_{n}").check()
    expect(page.locator("[data-bulk-selected]")).to_have_text("3")
    page.locator("#bulk-action").select_option("set_status")
    page.locator("#bulk-status").select_option("closed")
    page.get_by_test_id("bulk-submit").click()
    expect(page.get_by_test_id("bulk-confirm")).to_contain_text(
        "Set the status to Closed: 3 leads?"
    )
    page.get_by_test_id("bulk-apply").click()
    expect(page).to_have_url(re.compile(r"/seller/leads/\?tier=silver$"))
    expect(page.locator(".flash")).to_contain_text("Set the status to Closed: 3 leads changed.")
    for n in range(3):
        expect(page.locator(f"tr[data-handle='stale_{n}'] select[name=status]")).to_have_value(
            "closed"
        )
    assert Lead.objects.filter(status=LeadStatus.CLOSED).count() == 3

    # 4. ... saves a view and reopens it.
    page.locator(".save-view summary").click()
    page.get_by_label("Name").fill("Silver to chase")
    page.get_by_label("Share with my team").check()
    page.get_by_test_id("save-view").click()
    tabs = page.get_by_test_id("saved-views")
    expect(tabs.get_by_role("link", name="Silver to chase")).to_have_attribute(
        "aria-current", "page"
    )
    tabs.get_by_role("link", name="All leads").click()
    expect(page.locator("tr[data-handle]")).to_have_count(4)
    page.get_by_test_id("saved-views").get_by_role("link", name="Silver to chase").click()
    expect(page).to_have_url(re.compile(r"/seller/leads/\?tier=silver$"))
    expect(page.locator("tr[data-handle]")).to_have_count(3)
    expect(page.locator("#tier-silver")).to_be_checked()  # in the (closed) filter panel
    assert page.js_errors == []
