"""Admin journey in real Chromium: find a creator, run a tier refresh, see the job run."""

import datetime as dt
from decimal import Decimal

from playwright.sync_api import expect

from creators.models import Creator, Tier
from tests.factories import PASSWORD, CreatorDailyStatsFactory, CreatorFactory


def test_admin_finds_a_creator_and_runs_the_tier_refresh(page, admin_user):
    creator = CreatorFactory(handle="admin_target", tier=Tier.NON_TIERED)
    CreatorDailyStatsFactory(
        creator=creator,
        date=dt.date.today() - dt.timedelta(days=3),
        live_gmv_usd=Decimal("6000.00"),
    )

    page.goto("/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/creators/creator/")
    page.fill("#searchbar", "admin_target")
    page.keyboard.press("Enter")
    expect(page.locator("#result_list")).to_contain_text("admin_target")

    page.goto("/admin/core/jobrun/")
    page.get_by_role("button", name="Run tier refresh now").click()
    expect(page.locator(".messagelist")).to_contain_text("Tier refresh queued")
    expect(page.locator("#result_list")).to_contain_text("Tier refresh")
    creator = Creator.objects.get(pk=creator.pk)
    assert creator.tier == Tier.GOLD
