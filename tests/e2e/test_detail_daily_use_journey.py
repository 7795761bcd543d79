"""Issue 22 in real Chromium, at 1280×800 and 390×844: on the lead detail (the pool's side
panel), what the seller types survives every action, a note sent 300 ms after a status change
is still sent, typing right after "Assign" loses nothing, and `j` / `k` walk the leads of the
pool's current filters (never while typing)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from creators.models import Tier
from leads.models import Lead, LeadNote, LeadStatus
from tests.factories import PASSWORD, CreatorFactory, LeadFactory, SellerFactory


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_typed_text_survives_actions_and_j_k_walk_the_filtered_pool(
    page, login, seller_a, partner_a, width, height
):
    SellerFactory(
        user__username="seller_a2", user__first_name="Sam", user__last_name="Lee", partner=partner_a
    )
    now = timezone.now()
    gold = [
        LeadFactory(
            partner=partner_a,
            creator=CreatorFactory(handle=f"gold_{n}", display_name=f"Gold {n}", tier=Tier.GOLD),
            requested_at=now - dt.timedelta(hours=10 - n),
        )
        for n in range(4)
    ]
    LeadFactory(  # newer than all of them, but not Gold: Previous / Next skip it
        partner=partner_a,
        creator=CreatorFactory(handle="silver_x", tier=Tier.SILVER),
        requested_at=now - dt.timedelta(hours=1),
    )
    page.set_viewport_size({"width": width, "height": height})
    login("seller_a", PASSWORD)
    page.goto("/seller/leads/?tier=gold")
    page.locator("tr[data-handle='gold_3']").get_by_test_id("open-lead").click()
    panel = page.locator("#lead-panel")
    expect(panel.get_by_test_id("lead-detail")).to_be_visible()
    lead = gold[3]
    note_box = panel.get_by_label("New note")

    # 1. Type a note, change the status: the note is still there.
    note_box.fill("Asked for her LIVE schedule")
    panel.get_by_label("Status", exact=True).select_option("contacted")
    panel.get_by_test_id("set-status").click()
    expect(panel.get_by_test_id("lead-status")).to_have_text("Contacted")
    expect(note_box).to_have_value("Asked for her LIVE schedule")

    # 2. Typing right after "Assign" loses no character.
    panel.get_by_label("Owner", exact=True).select_option(label="Sam Lee")
    panel.get_by_test_id("set-owner").click()
    note_box.press_sequentially("; samples Monday")
    expect(panel.get_by_test_id("lead-owner")).to_have_text("Sam Lee")
    expect(note_box).to_have_value("Asked for her LIVE schedule; samples Monday")

    # 3. "Add note" 300 ms after "Set status": both are sent; the box empties once saved.
    panel.get_by_label("Status", exact=True).select_option("collaborating")
    panel.get_by_test_id("set-status").click()
    page.wait_for_timeout(300)
    panel.get_by_test_id("add-note").click()
    expect(panel.get_by_test_id("lead-status")).to_have_text("Collaborating")
    timeline = panel.get_by_test_id("timeline")
    expect(timeline.get_by_test_id("note")).to_contain_text(
        "Asked for her LIVE schedule; samples Monday"
    )
    expect(note_box).to_have_value("")
    expect(timeline).to_contain_text("Status changed by seller_a: from Contacted to Collaborating")
    expect(timeline).to_contain_text("Owner changed by seller_a: from no one to Sam Lee")
    lead.refresh_from_db()
    assert (lead.status, lead.owner.username) == (LeadStatus.COLLABORATING, "seller_a2")
    assert list(LeadNote.objects.values_list("body", flat=True)) == [
        "Asked for her LIVE schedule; samples Monday"
    ]

    # 4. Shortcuts never fire while typing: a "j" in the note box is a letter.
    note_box.fill("")
    note_box.press_sequentially("jk")
    expect(note_box).to_have_value("jk")
    expect(panel.get_by_role("heading", name=re.compile("Gold 3"))).to_be_visible()
    note_box.fill("")

    # 5. j / k walk the Gold leads, newest first (the Silver one is not in this view).
    panel.get_by_role("heading", name=re.compile("Gold 3")).click()
    page.keyboard.press("j")
    expect(panel.get_by_role("heading", name=re.compile("Gold 2"))).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/seller/leads/{gold[2].pk}/\?pool="))
    page.keyboard.press("j")
    expect(panel.get_by_role("heading", name=re.compile("Gold 1"))).to_be_visible()
    page.keyboard.press("k")
    expect(panel.get_by_role("heading", name=re.compile("Gold 2"))).to_be_visible()
    panel.get_by_test_id("lead-next").click()  # the buttons do the same
    expect(panel.get_by_role("heading", name=re.compile("Gold 1"))).to_be_visible()
    panel.get_by_test_id("lead-next").click()
    expect(panel.get_by_role("heading", name=re.compile("Gold 0"))).to_be_visible()
    expect(panel.get_by_test_id("lead-next")).to_be_disabled()  # the last of the view

    # Closing goes back to the pool with its filters.
    panel.get_by_test_id("panel-close").click()
    expect(page).to_have_url(re.compile(r"/seller/leads/\?tier=gold$"))
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.COLLABORATING
    assert page.js_errors == []


def test_the_full_page_walks_with_j_and_keeps_a_draft(page, login, seller_a, partner_a):
    now = timezone.now()
    leads = [
        LeadFactory(
            partner=partner_a,
            creator=CreatorFactory(handle=f"page_{n}", display_name=f"Page {n}"),
            requested_at=now - dt.timedelta(hours=n),
        )
        for n in range(3)
    ]
    page.set_viewport_size({"width": 390, "height": 844})
    login("seller_a", PASSWORD)
    page.goto(f"/seller/leads/{leads[0].pk}/")
    expect(page.get_by_test_id("lead-prev")).to_be_disabled()
    page.get_by_label("New note").fill("Half a thought")
    page.get_by_role("heading", name=re.compile("Page 0")).click()
    page.keyboard.press("j")
    expect(page.get_by_role("heading", level=1, name=re.compile("Page 1"))).to_be_visible()
    page.keyboard.press("k")
    expect(page.get_by_role("heading", level=1, name=re.compile("Page 0"))).to_be_visible()
    # The draft of the note came back with the lead (this tab only).
    expect(page.get_by_label("New note")).to_have_value("Half a thought")
    assert page.js_errors == []
