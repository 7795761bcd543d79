"""TTSPC IM in real Chromium: a seller adds a creator to leads from IM, removes them, sees
the notification, and a creator's message appears in the seller's open conversation."""

import re

from playwright.sync_api import expect

from im.models import Side
from im.services import message_send
from tests.factories import PASSWORD, ThreadFactory


def test_seller_toggles_a_lead_in_im_and_sees_a_creators_message_arrive(
    page, login, live_server, seller_a, partner_a, creator_bronze
):
    # Another chat, so the Leads filter has something to leave out.
    other = ThreadFactory(partner=partner_a, creator__handle="just_browsing")
    message_send(thread=other, sender=None, side=Side.CREATOR, body="Just looking around")

    login("seller_a", PASSWORD)
    # The Leads Pool's "Chat" link lands on a confirm page when there is no thread yet.
    page.goto("/seller/im/?creator=creator_bronze")
    page.get_by_role("button", name="Start the chat").click()
    expect(page).to_have_url(re.compile(r"/seller/im/\d+/$"))
    thread_url = page.url
    panel = page.get_by_test_id("profile-panel")
    expect(panel).to_contain_text("@creator_bronze")
    expect(panel).to_contain_text("Bronze")

    panel.get_by_role("button", name="Add to leads").click()
    expect(panel.get_by_role("button", name="Remove from leads")).to_be_visible()
    expect(page.get_by_test_id("lead-source")).to_have_text("Instant message")

    # The IM list's Leads filter now shows this creator only.
    page.get_by_test_id("filter-leads").click()
    expect(page.locator("a[data-handle]")).to_have_count(1)
    expect(page.locator("a[data-handle='creator_bronze']")).to_be_visible()

    # The creator is in the Leads Pool with source "Instant message".
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Leads Pool").click()
    expect(page).to_have_url(re.compile(r"/seller/leads/"))
    row = page.locator("tr[data-handle='creator_bronze']")
    expect(row).to_contain_text("Instant message")

    page.goto(thread_url)
    page.get_by_role("button", name="Remove from leads").click()
    expect(page.get_by_role("button", name="Add to leads")).to_be_visible()

    # The removal is on the notifications page for the team, but the seller who removed the
    # lead is not alerted of their own action: already read for them, no badge.
    page.reload()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    page.click("a.bell")
    notes = page.get_by_test_id("notifications")
    expect(notes).to_contain_text("@creator_bronze was removed from the Leads Pool by seller_a")
    expect(notes.locator("li.unread")).to_have_count(0)
    # The notification opens the lead, whose "Chat in IM" goes back to the conversation.
    notes.get_by_role("link", name="Open lead").click()
    page.get_by_test_id("chat").click()
    expect(page).to_have_url(thread_url)

    # An empty message gets an error next to the box; a real one replaces it.
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#send-error")).to_contain_text("Write a message before sending")
    page.fill("#body", "Thanks for chatting with us")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages")).to_contain_text("Thanks for chatting with us")
    expect(page.locator("#send-error")).to_have_count(0)

    # The creator writes from their own conversation page in a second browser context.
    creator_context = page.context.browser.new_context(base_url=live_server.url)
    creator_page = creator_context.new_page()
    creator_errors: list[str] = []
    creator_page.on("pageerror", lambda exc: creator_errors.append(str(exc)))
    creator_page.goto("/accounts/login/")
    creator_page.fill("#id_username", "creator_bronze")
    creator_page.fill("#id_password", PASSWORD)
    creator_page.click("button[type=submit]")
    creator_page.goto("/ec/messages/")
    creator_page.get_by_role("link", name=re.compile("Alpha LIVE Agency")).click()
    expect(creator_page).to_have_url(re.compile(r"/ec/messages/\d+/$"))
    creator_page.fill("#body", "Hello from creator_bronze! <b>not bold</b>")
    creator_page.get_by_role("button", name="Send").click()
    expect(creator_page.locator("#messages")).to_contain_text("Hello from creator_bronze!")
    expect(creator_page.locator("#body")).to_have_value("")
    creator_context.close()

    # The seller's open conversation shows it without a reload (htmx polls every 3 s).
    messages = page.locator("#messages")
    expect(messages).to_contain_text("Hello from creator_bronze! <b>not bold</b>", timeout=10_000)
    expect(messages.locator("b")).to_have_count(0)  # shown as text, not markup
    expect(messages.locator("li.message")).to_have_count(2)  # no duplicates
    assert creator_errors == []
    assert page.js_errors == []


def test_a_reply_template_goes_into_the_message_box_and_the_sent_thread_moves_up(
    page, login, seller_a, partner_a, creator_bronze
):
    """Issue 22: "Templates" fills the box for this creator, editable; after sending, the
    thread is first in the list with the new snippet; the navigation counts unread threads."""
    from im.reply_templates import reply_template_create

    reply_template_create(
        partner=partner_a, name="Welcome", body="Hi {creator_name}, {partner_name} here"
    )
    thread = ThreadFactory(partner=partner_a, creator=creator_bronze)
    message_send(thread=thread, sender=None, side=Side.CREATOR, body="Hello?")
    newer = ThreadFactory(partner=partner_a, creator__handle="newer_chat")
    message_send(thread=newer, sender=None, side=Side.CREATOR, body="Me first")

    login("seller_a", PASSWORD)
    page.goto("/seller/leads/")
    expect(page.get_by_test_id("im-unread")).to_contain_text("2")
    page.goto(f"/seller/im/{thread.pk}/")
    # The read mark answers with the new figure.
    expect(page.get_by_test_id("im-unread")).to_contain_text("1")
    expect(page.locator("#thread-list li").first).to_have_attribute("id", f"thread-{newer.pk}")

    page.get_by_test_id("reply-picker").locator("summary").click()
    page.get_by_test_id("reply-choice").filter(has_text="Welcome").click()
    box = page.locator("#send-form textarea")
    name = creator_bronze.name
    expect(box).to_have_value(f"Hi {name}, Alpha LIVE Agency here")
    box.press("End")
    box.type(" :)")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages")).to_contain_text(f"Hi {name}, Alpha LIVE Agency here :)")
    first = page.locator("#thread-list li").first
    expect(first).to_have_attribute("id", f"thread-{thread.pk}")
    expect(first).to_contain_text("Alpha LIVE Agency here :)")
    expect(page.locator(f"#thread-list li#thread-{thread.pk}")).to_have_count(1)
    assert page.js_errors == []
