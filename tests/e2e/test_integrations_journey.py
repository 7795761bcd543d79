"""Webhooks in real Chromium (issue 23): seller_a adds a webhook on the settings page pointing
at a real receiver on loopback, copies the secret shown once, changes a lead's status on the
lead page; the delivery job runs, the receiver gets a correctly signed `lead.status_changed`,
and the delivery log shows it "Delivered"; "Replay" sends it again. Then a sheet feed is made
from a saved view and its address serves the CSV."""

import json
import urllib.request

from playwright.sync_api import expect

from creators.models import Tier
from integrations.services import webhooks_deliver
from leads.models import LeadStatus
from leads.services import saved_view_create
from tests.factories import PASSWORD, CreatorFactory, LeadFactory
from tests.integrations.receiver import Receiver
from tests.integrations.webhook_helpers import verify


def test_a_seller_connects_a_webhook_and_sees_the_delivery(page, login, seller_a, partner_a):
    creator = CreatorFactory(handle="journey_star", tier=Tier.GOLD, follower_count=50_000)
    lead = LeadFactory(partner=partner_a, creator=creator, status=LeadStatus.NEW)
    saved_view_create(owner=seller_a, partner=partner_a, name="Gold leads", query="tier=gold")

    with Receiver() as receiver:
        # 1. The settings page loads the webhooks section; add one for status changes.
        login("seller_a", PASSWORD)
        page.goto("/seller/settings/")
        section = page.get_by_test_id("webhooks")
        expect(section.get_by_test_id("no-endpoints")).to_be_visible()
        form = page.get_by_test_id("endpoint-new")
        form.get_by_label("URL").fill("http://10.0.0.1/hook")
        form.get_by_role("button", name="Add webhook").click()
        expect(page.get_by_test_id("endpoint-errors")).to_contain_text("url:")

        form = page.get_by_test_id("endpoint-new")
        form.get_by_label("URL").fill(receiver.url)
        for box in form.locator("input[name=events]").all():
            box.uncheck()
        form.get_by_label("Lead status changed").check()
        form.get_by_label("…or take a saved view's filters").select_option(label="Gold leads")
        expect(form.get_by_label("Only leads matching")).to_have_value("tier=gold")
        form.get_by_role("button", name="Add webhook").click()

        # 2. The secret is shown this once, with a copy button.
        shown = page.get_by_test_id("webhook-secret")
        expect(shown).to_contain_text("Copy it now: it is not shown again.")
        secret = page.get_by_test_id("webhook-secret-value").input_value()
        assert secret.startswith("whsec_")
        expect(shown.get_by_role("button", name="Copy")).to_be_visible()
        endpoint_row = page.get_by_test_id("endpoint")
        expect(endpoint_row).to_contain_text(receiver.url)
        expect(endpoint_row.get_by_test_id("endpoint-last")).to_contain_text("none yet")
        page.reload()
        expect(page.get_by_test_id("endpoint")).to_be_visible()
        expect(page.get_by_test_id("webhook-secret")).to_have_count(0)
        assert secret not in page.content()

        # 3. Change the lead's status on its page.
        page.goto(f"/seller/leads/{lead.pk}/")
        page.select_option(f"#detail-status-{lead.pk}", "contacted")
        page.get_by_test_id("set-status").click()
        page.wait_for_load_state("networkidle")
        lead.refresh_from_db()
        assert lead.status == LeadStatus.CONTACTED

        # 4. The delivery job (what beat starts every minute) sends it.
        run = webhooks_deliver()
        assert run.sent.succeeded == 1, run
        (received,) = receiver.received
        verify(secret=secret, headers=received.headers, body=received.body)
        body = json.loads(received.body)
        assert body["type"] == "lead.status_changed"
        assert body["data"]["lead"]["creator"]["handle"] == "journey_star"

        # 5. The log says so; "Replay" sends the same message again.
        page.goto("/seller/settings/")
        row = page.get_by_test_id("endpoint")
        expect(row.get_by_test_id("endpoint-last")).to_contain_text("Delivered")
        row.get_by_test_id("endpoint-log").click()
        expect(page.locator("h1")).to_have_text("Delivery log")
        delivery = page.get_by_test_id("delivery")
        expect(delivery).to_have_count(1)
        expect(delivery.get_by_test_id("delivery-status")).to_have_text("Delivered")
        expect(delivery).to_contain_text("lead.status_changed")
        expect(delivery).to_contain_text("200")
        delivery.get_by_test_id("delivery-replay").click()
        expect(page.locator(".flash")).to_contain_text("Queued a replay")
        expect(page.get_by_test_id("delivery")).to_have_count(2)
        webhooks_deliver()
        page.reload()
        expect(page.get_by_test_id("delivery-status").first).to_have_text("Delivered")
        assert len(receiver.received) == 2
        assert receiver.received[1].headers["webhook-id"] == received.headers["webhook-id"]

    # 6. A sheet feed of the saved view: its address and formula, shown once, serve the CSV.
    page.goto("/seller/settings/")
    feeds = page.get_by_test_id("sheet-feeds")
    feeds.get_by_label("Make a feed of the saved view").select_option(label="Gold leads")
    feeds.get_by_role("button", name="Make feed").click()
    url = page.get_by_test_id("feed-url").input_value()
    expect(page.get_by_test_id("feed-formula")).to_have_value(f'=IMPORTDATA("{url}")')
    with urllib.request.urlopen(url, timeout=10) as answer:  # no session, as a sheet asks
        assert answer.headers["Content-Type"].startswith("text/csv")
        assert b"journey_star" in answer.read()
    feeds = page.get_by_test_id("sheet-feeds")
    expect(feeds.get_by_test_id("feed-state")).to_have_text("Live")
    page.on("dialog", lambda dialog: dialog.accept())
    feeds.get_by_test_id("feed-revoke").click()
    expect(page.get_by_test_id("feed-state")).to_contain_text("Revoked")
    assert page.js_errors == []
