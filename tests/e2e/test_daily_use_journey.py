"""A seller's day at 1280 px and 390 px in real Chromium: the pool fits the screen, the status
control is keyboard-safe, notifications and the dashboard work, and the vendored axe-core finds
no serious or critical violation on the seller's and the creator's pages. Each view leaves a
screenshot in test-results/screens/."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from creators.models import Tier
from im.models import Side
from leads.models import Lead, LeadSource, LeadStatus
from notifications.models import Notification, NotificationKind
from tests.factories import (
    PASSWORD,
    CreatorFactory,
    LeadFactory,
    MessageFactory,
    NotificationFactory,
    SellerFactory,
    ThreadFactory,
)

SCREENS = Path(__file__).resolve().parent.parent.parent / "test-results" / "screens"
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LICENSED = {
    "live_gmv_30d": "48210.55",
    "live_sessions_30d": 27,
    "average_viewers": 1840,
    "top_categories": ["Beauty", "Skincare", "Fashion accessories"],
}


def seed_pool(partner):
    now = timezone.now()
    leads = []
    # Half the leads have an owner with a long username: the Owner column must fit too.
    owner = SellerFactory(user__username="sam_the_night_shift", partner=partner).user
    for i, tier in enumerate([Tier.DIAMOND, Tier.GOLD, Tier.SILVER, Tier.BRONZE] * 4):
        creator = CreatorFactory(
            handle=f"long_creator_handle_{i:02}",
            display_name=f"Creator With A Fairly Long Name {i:02}",
            tier=tier,
            follower_count=12_345_678 - i * 700_000,
        )
        request = i % 2 == 0
        leads.append(
            LeadFactory(
                partner=partner,
                creator=creator,
                source=LeadSource.COLLABORATION_REQUEST if request else LeadSource.INSTANT_MESSAGE,
                requested_at=now - dt.timedelta(hours=i * 7),
                licensed_data=LICENSED if request else None,
                authorization_expires_at=now + dt.timedelta(days=6, hours=-i) if request else None,
                owner=owner if i % 2 else None,
            )
        )
    return leads


def no_sideways_scroll(page):
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"page is {width[0]} px wide in a {width[1]} px window"


def axe_clean(page):
    """Run the vendored axe-core; fail on any serious or critical violation."""
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    found = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ["violations"]});
          return result.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => {
              const where = v.nodes.slice(0, 3).map((n) => n.target.join(" "));
              return `${v.impact} ${v.id}: ${where.join(", ")}`;
            });
        }"""
    )
    assert found == [], "\n".join(found)


def check(page, name):
    """Fits the window, passes axe, no console errors; a screenshot for the record."""
    page.wait_for_load_state("networkidle")
    no_sideways_scroll(page)
    axe_clean(page)
    assert page.js_errors == [], page.js_errors
    SCREENS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    # caret="initial": hiding the caret would inject a <style>, which the CSP (rightly) blocks.
    page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True, caret="initial")


@pytest.fixture
def console_errors(page):
    """Every console error (404s, CSP, scripts), not only CSP ones."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_the_pool_fits_1280_and_the_status_waits_for_save(
    page, login, seller_a, partner_a, console_errors
):
    leads = seed_pool(partner_a)
    page.set_viewport_size(WIDE)
    login("seller_a", PASSWORD)
    page.goto("/seller/leads/")
    expect(page.get_by_test_id("lead-count")).to_have_text("16 leads")
    check(page, "pool")
    fits = page.evaluate(
        """() => {
          const box = document.querySelector(".pool-scroll");
          const table = box.querySelector("table");
          return [table.scrollWidth, box.clientWidth];
        }"""
    )
    assert fits[0] <= fits[1], f"the table is {fits[0]} px in a {fits[1]} px box"
    # Every column the seller needs is on screen, licensed data and removal included.
    first = page.locator("tr[data-handle]").first
    for locator in (
        first.get_by_test_id("licensed"),
        first.get_by_role("button", name="Remove from leads"),
    ):
        box = locator.bounding_box()
        assert box and box["x"] + box["width"] <= WIDE["width"]
    expect(first.get_by_test_id("licensed")).to_contain_text("$48,210.55 GMV")

    # The skip link is the first Tab stop and lands on the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    # Arrowing through the status options changes nothing until Save.
    lead = leads[0]
    select = page.locator(f"#status-{lead.pk}")
    select.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.wait_for_timeout(600)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW
    select.select_option("contacted")
    save = page.locator(f"#lead-{lead.pk}").get_by_test_id("status-save")
    expect(save).to_be_enabled()
    with page.expect_response(lambda response: "/status/" in response.url):
        save.click()
    expect(page.locator(f"#status-{lead.pk}")).to_have_class(re.compile(r"\bstatus-contacted\b"))
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONTACTED

    # Headers sort on click; a second click reverses.
    page.get_by_test_id("sort-followers").click()
    expect(page).to_have_url(re.compile(r"ordering=-followers"))
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Followers")
    page.get_by_test_id("sort-followers").click()
    expect(page).to_have_url(re.compile(r"ordering=followers"))
    expect(page.locator("tr[data-handle]").first).to_have_attribute(
        "data-handle", "long_creator_handle_15"
    )

    # Active filters are chips; removing one widens the list again. (The filter panel starts
    # closed: the seller opens it.)
    page.locator("[data-filters-panel] > summary").click()
    page.get_by_role("checkbox", name="Gold", exact=True).check()
    expect(page.get_by_test_id("lead-count")).to_have_text("4 leads")
    page.get_by_role("link", name="Remove filter Level: Gold").click()
    expect(page.get_by_test_id("lead-count")).to_have_text("16 leads")
    expect(page).not_to_have_url(re.compile("tier="))

    # The seller picks the page size.
    page.get_by_label("Leads per page").select_option("50")
    expect(page).to_have_url(re.compile(r"page_size=50"))

    # The filter panel collapses.
    page.locator("[data-filters-panel] > summary").click()
    expect(page.locator("form.filters")).to_be_hidden()
    assert [e for e in console_errors if "favicon" in e or "404" in e] == []


def test_the_pool_is_a_card_list_at_390_with_filters_in_a_drawer(
    page, login, seller_a, partner_a, console_errors
):
    seed_pool(partner_a)
    page.set_viewport_size(PHONE)
    login("seller_a", PASSWORD)
    page.goto("/seller/leads/")
    expect(page.get_by_test_id("lead-count")).to_have_text("16 leads")
    # The header fits: the user and "Log out" are on screen.
    logout = page.get_by_role("button", name="Log out")
    box = logout.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    # The filters wait in a closed drawer; the first lead is in the first screen.
    expect(page.locator("form.filters")).to_be_hidden()
    first = page.locator("tr[data-handle]").first.bounding_box()
    assert first["y"] < PHONE["height"]
    check(page, "pool")
    page.locator("[data-filters-panel] > summary").click()
    expect(page.locator("form.filters")).to_be_visible()
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENS / "pool-filters-390.png"), caret="initial")
    page.get_by_role("checkbox", name="Diamond", exact=True).check()
    expect(page.get_by_test_id("lead-count")).to_have_text("4 leads")
    page.get_by_role("button", name="Close filters").click()
    expect(page.locator("form.filters")).to_be_hidden()
    assert console_errors == []


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_notifications_dashboard_and_detail_fit_and_pass_axe(
    page, login, seller_a, partner_a, viewport, console_errors
):
    leads = seed_pool(partner_a)
    Notification.objects.bulk_create(
        Notification(
            partner=partner_a,
            kind=NotificationKind.AUTHORIZATION_EXPIRED,
            text=f"Data authorization expired for @x{i}.",
            lead_id=leads[i].pk,
            link=f"/seller/leads/{leads[i].pk}/",
        )
        for i in range(12)
    )
    NotificationFactory(
        partner=partner_a, lead_id=leads[3].pk, text="@x was removed from the Leads Pool"
    )
    page.set_viewport_size(viewport)
    login("seller_a", PASSWORD)
    page.goto("/seller/notifications/")
    expect(page.get_by_test_id("unread-count")).to_have_text("13")
    expect(page.get_by_test_id("notification-group")).to_contain_text("12 authorizations expired")
    check(page, "notifications")
    page.get_by_test_id("notification-group").locator("summary").click()
    expect(page.get_by_test_id("notification-group").locator("li.notification")).to_have_count(10)

    page.goto("/seller/dashboard/")
    expect(page.get_by_test_id("chart")).to_have_count(4)
    expect(page.get_by_test_id("stat-total")).to_have_text("16")
    check(page, "dashboard")

    page.goto(f"/seller/leads/{leads[0].pk}/")
    check(page, "lead-detail")

    page.goto("/seller/nowhere/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    check(page, "error-404")
    assert [e for e in console_errors if "404" not in e] == []


def test_the_bell_updates_live_and_each_seller_reads_alone(page, login, seller_a, partner_a):
    colleague = SellerFactory(user__username="seller_a2", partner=partner_a).user
    page.set_viewport_size(WIDE)
    login("seller_a", PASSWORD)
    page.goto("/seller/notifications/")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    NotificationFactory(partner=partner_a, text="Something arrived while the page was open")
    # The bell polls every few seconds: no reload needed.
    expect(page.get_by_test_id("unread-count")).to_have_text("1", timeout=12_000)
    page.reload()
    page.get_by_test_id("read-all").click()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    assert Notification.objects.count() == 1
    from notifications.selectors import notification_unread_count

    assert notification_unread_count(partner=partner_a, user=colleague) == 1


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_im_on_a_phone_shows_the_message_box_first(
    page, login, seller_a, partner_a, creator_bronze, viewport
):
    for i in range(25):
        ThreadFactory(partner=partner_a, creator__handle=f"someone_{i:02}")
    thread = ThreadFactory(partner=partner_a, creator=creator_bronze)
    for i in range(30):
        MessageFactory(thread=thread, side=Side.CREATOR if i % 2 else Side.SELLER, body=f"Line {i}")
    page.set_viewport_size(viewport)
    login("seller_a", PASSWORD)
    page.goto(f"/seller/im/{thread.pk}/")
    box = page.locator("textarea").first.bounding_box()
    assert box and box["y"] + box["height"] <= viewport["height"], box
    check(page, "im")


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_the_ec_center_fits_and_passes_axe(page, login, creator_silver, partner_a, viewport):
    page.set_viewport_size(viewport)
    login("creator_silver", PASSWORD)
    page.goto("/ec/partners/")
    check(page, "ec-partners")
    page.goto(f"/ec/partners/{partner_a.slug}/")
    check(page, "ec-partner")
    page.goto("/ec/requests/")
    check(page, "ec-requests")
    assert Lead.objects.count() == 0
