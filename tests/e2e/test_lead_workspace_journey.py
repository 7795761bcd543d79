"""Lead workspace in real Chromium: a seller works a request lead in the pool's side panel,
hands it to a teammate, and works the pool in bulk and through saved views."""

import re

from playwright.sync_api import expect

from creators.models import Tier
from leads.models import Lead, LeadStatus
from leads.services import collaboration_request_submit
from tests.factories import PASSWORD, CreatorUserFactory


def test_seller_works_a_request_lead_in_the_side_panel(page, login, seller_a, partner_a):
    creator = CreatorUserFactory(handle="glow_gold", display_name="Glow Gold", tier=Tier.GOLD)
    collaboration_request_submit(
        creator=creator, partner=partner_a, message="Hi! Beauty LIVE four nights a week."
    )
    lead = Lead.objects.get(creator=creator)

    login("seller_a", PASSWORD)
    page.goto("/seller/leads/?tier=gold")
    row = page.locator("tr[data-handle='glow_gold']")
    # PREVIEW expect(row.get_by_test_id("message-preview")).to_contain_text("Beauty LIVE four nights")

    row.get_by_test_id("open-lead").click()
    panel = page.locator("#lead-panel")
    expect(panel.get_by_test_id("lead-detail")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/seller/leads/{lead.pk}/$"))
    expect(panel.get_by_test_id("request-messages")).to_contain_text(
        "Hi! Beauty LIVE four nights a week."
    )
    expect(panel.get_by_test_id("countdown")).to_contain_text("expires in 6 days 23 h")

    panel.get_by_label("Status").select_option("contacted")
    panel.get_by_test_id("set-status").click()
    expect(panel.get_by_test_id("lead-status")).to_have_text("Contacted")
    expect(panel.get_by_test_id("history")).to_contain_text(
        "Status changed by seller_a: from New to Contacted"
    )
    # The pool's row follows.
    expect(row.locator("select[name=status]")).to_have_value("contacted")

    # The back button closes the panel and restores the pool's URL with its filters.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/seller/leads/\?tier=gold$"))
    expect(page.locator("#lead-panel [data-testid=lead-detail]")).to_have_count(0)
    expect(page.locator("tr[data-handle='glow_gold'] select[name=status]")).to_have_value(
        "contacted"
    )

    # A full load of the lead's URL is the whole page.
    page.goto(f"/seller/leads/{lead.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Glow Gold")
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CONTACTED
    assert page.js_errors == []
