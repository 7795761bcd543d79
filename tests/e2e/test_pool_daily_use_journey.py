"""The Leads Pool as a seller who works 200 leads a day uses it (issue 22), in real Chromium at
1280×800 and 390×844: a first screen of leads (10 rows, or 4 cards), the filter panel closed
and remembered, one request per search, the keyboard flow (`/`, j/k, Enter, `?`), Undo of a
removal, the phone's drawer closing on Apply, and 24×24 tap targets on the phone."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from creators.models import Tier
from leads.models import Lead, LeadEvent, LeadSource, PoolPreference
from tests.factories import PASSWORD, CreatorFactory, LeadFactory, SellerFactory

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LICENSED = {
    "live_gmv_30d": "48210.55",
    "live_sessions_30d": 27,
    "average_viewers": 1840,
    "top_categories": ["Beauty", "Skincare", "Fashion accessories"],
}


def seed_pool(partner, count=20):
    now = timezone.now()
    owner = SellerFactory(
        user__username="seller_a2", user__first_name="Sam", user__last_name="Lee", partner=partner
    ).user
    leads = []
    for i in range(count):
        request = i % 2 == 0
        creator = CreatorFactory(
            handle=f"creator_handle_{i:02}",
            display_name=f"Creator Fairly Long Name {i:02}",
            tier=[Tier.DIAMOND, Tier.GOLD, Tier.SILVER, Tier.BRONZE][i % 4],
            follower_count=12_345_678 - i * 500_000,
        )
        leads.append(
            LeadFactory(
                partner=partner,
                creator=creator,
                source=LeadSource.COLLABORATION_REQUEST if request else LeadSource.INSTANT_MESSAGE,
                requested_at=now - dt.timedelta(hours=i * 5),
                licensed_data=LICENSED if request else None,
                authorization_expires_at=now + dt.timedelta(days=6, hours=-i) if request else None,
                owner=owner if i % 3 == 0 else None,
            )
        )
    return leads


def above_the_fold(page, selector):
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter((el) => {
             const box = el.getBoundingClientRect();
             return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
           }).length""",
        selector,
    )


def pool_requests(page):
    """Every request the page sends to the pool itself (htmx's and the browser's)."""
    sent = []
    page.on(
        "request",
        lambda request: (
            sent.append(request.url) if re.search(r"/seller/leads/(\?|$)", request.url) else None
        ),
    )
    return sent


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_the_first_screen_keyboard_flow_one_search_and_undo_at_1280(
    page, login, seller_a, partner_a, console_errors
):
    leads = seed_pool(partner_a)
    page.on("dialog", lambda dialog: dialog.accept())  # "Remove @… from the Leads Pool?"
    page.set_viewport_size(WIDE)
    login("seller_a", PASSWORD)
    page.goto("/seller/leads/")
    expect(page.get_by_test_id("lead-count")).to_have_text("20 leads")

    # A first screen of leads: the filters wait closed, 10+ compact rows above the fold, and
    # the page scrolls (no box of its own).
    expect(page.locator("form.filters")).to_be_hidden()
    assert above_the_fold(page, "tr[data-lead-row]") >= 10
    heights = page.evaluate(
        "[...document.querySelectorAll('tr[data-lead-row]')].map((r) => r.offsetHeight)"
    )
    assert max(heights) <= 44, heights
    scroll = page.evaluate(
        "(() => { const b = document.querySelector('.pool-scroll');"
        " return [b.scrollHeight, b.clientHeight, b.scrollWidth, b.clientWidth]; })()"
    )
    assert scroll[0] <= scroll[1] + 1 and scroll[2] <= scroll[3], scroll
    # The owner column and the owner filter name a person the same way.
    assert "Sam Lee" in page.locator(f"#owner-{leads[0].pk} option:checked").inner_text()

    # The panel remembers the seller's choice, on the server: it survives a new login.
    page.get_by_test_id("filters-toggle").click()
    expect(page.locator("form.filters")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert PoolPreference.objects.get(user=seller_a).filters_open
    page.context.clear_cookies()
    login("seller_a", PASSWORD)
    page.goto("/seller/leads/")
    expect(page.locator("form.filters")).to_be_visible()
    page.get_by_test_id("filters-toggle").click()
    expect(page.locator("form.filters")).to_be_hidden()
    page.wait_for_load_state("networkidle")
    assert not PoolPreference.objects.get(user=seller_a).filters_open

    # `/` focuses the search; Enter sends exactly one request, no aborted twin.
    sent = pool_requests(page)
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.type("handle_0")  # j/k typed here move nothing
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lead-count")).to_have_text("10 leads")
    page.wait_for_load_state("networkidle")
    assert len(sent) == 1, sent
    # Apply does the same: one request.
    page.fill("#search", "handle_1")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.get_by_test_id("lead-count")).to_have_text("10 leads")
    page.wait_for_load_state("networkidle")
    assert len(sent) == 2, sent
    page.get_by_role("link", name="Clear", exact=True).click()
    expect(page.get_by_test_id("lead-count")).to_have_text("20 leads")

    # j / k move a visible row focus; Enter opens that lead in the side panel.
    page.locator("h1").click()
    for _ in range(3):
        page.keyboard.press("j")
    rows = page.locator("tr[data-lead-row]")
    third = rows.nth(2)
    expect(third).to_be_focused()
    expect(third).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("k")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("j")
    expect(third).to_be_focused()
    opened = third.get_attribute("id").removeprefix("lead-")
    page.keyboard.press("Enter")
    expect(page.locator("#lead-panel [data-testid=lead-detail]")).to_have_attribute(
        "data-lead", opened
    )
    expect(page).to_have_url(re.compile(rf"/seller/leads/{opened}/"))
    page.get_by_test_id("panel-close").click()
    expect(page.locator("#lead-panel [data-testid=lead-detail]")).to_have_count(0)

    # `?` lists the shortcuts.
    page.locator("h1").click()
    page.keyboard.press("?")
    expect(page.get_by_test_id("shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("shortcuts")).to_be_hidden()

    # Undo a removal: the lead is back, with a history event.
    victim = leads[4]
    row = page.locator(f"#lead-{victim.pk}")
    row.get_by_test_id("row-remove").click()
    expect(row).to_contain_text("was removed from the Leads Pool")
    row.get_by_test_id("undo").click()
    expect(row.get_by_test_id("open-lead")).to_be_visible()
    victim.refresh_from_db()
    assert victim.removed_at is None
    assert LeadEvent.objects.filter(lead=victim, kind="restored", actor=seller_a).exists()
    page.goto(f"/seller/leads/{victim.pk}/")
    expect(page.get_by_test_id("lead-detail")).to_contain_text("Restored to leads")
    assert [e for e in console_errors if "favicon" not in e] == []


def test_four_cards_a_screen_tap_targets_and_the_drawer_closes_on_apply_at_390(
    page, login, seller_a, partner_a, console_errors
):
    seed_pool(partner_a)
    page.set_viewport_size(PHONE)
    login("seller_a", PASSWORD)
    page.goto("/seller/leads/")
    expect(page.get_by_test_id("lead-count")).to_have_text("20 leads")
    assert above_the_fold(page, "tr[data-lead-row]") >= 4

    # Every control in the pool is at least 24×24 CSS px (WCAG 2.2 target size).
    small = page.evaluate(
        """() => [...document.querySelectorAll(
              '#pool a, #pool button, #pool input:not([type=hidden]), #pool select, #pool summary')]
            .filter((el) => el.offsetParent !== null && !el.closest('form.filters'))
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([el, box]) => box.width < 24 || box.height < 24)
            .map(([el, box]) => `${el.tagName} ${el.textContent.trim().slice(0, 20)} `
                               + `${Math.round(box.width)}x${Math.round(box.height)}`)"""
    )
    assert small == [], small

    # The drawer: tick Gold, Apply, and the results show (the drawer is closed).
    page.get_by_test_id("filters-toggle").click()
    expect(page.locator("form.filters")).to_be_visible()
    page.get_by_role("checkbox", name="Gold", exact=True).check()
    expect(page.get_by_test_id("lead-count")).to_have_text("5 leads")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.locator("tr[data-lead-row]").first).to_be_in_viewport()
    expect(page).to_have_url(re.compile(r"tier=gold"))
    # A phone's drawer is not the desktop layout: nothing was remembered.
    assert not PoolPreference.objects.filter(user=seller_a, filters_open=True).exists()
    assert Lead.objects.count() == 20
    assert console_errors == []
