"""The IM pages: the seller's inbox and conversation, the creator's messages, polling."""

import re

import pytest
from django.test import Client

from creators.models import Tier
from im.models import Message, Side, Thread
from tests.factories import (
    CreatorUserFactory,
    LeadFactory,
    MessageFactory,
    PartnerFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


def shown_handles(html):
    return re.findall(r'data-handle="([^"]+)"', html)


def shown_messages(html):
    return re.findall(r'<li class="message[^"]*" data-id="(\d+)"', html)


@pytest.fixture
def seller(client, seller_a):
    client.force_login(seller_a)
    return client


def test_the_thread_list_shows_creator_tier_preview_and_unread(seller, partner_a, say):
    creator = CreatorUserFactory(handle="gina_live", display_name="Gina Live", tier=Tier.GOLD)
    thread = ThreadFactory(partner=partner_a, creator=creator)
    say(thread, "Do you do beauty brands?")
    say(thread, "Also home goods?")
    html = seller.get("/seller/im/").content.decode()
    assert shown_handles(html) == ["gina_live"]
    assert '<span class="avatar" aria-hidden="true">G</span>' in html
    assert "<strong>Gina Live</strong>" in html and 'class="badge tier-3">Gold<' in html
    assert "Also home goods?" in html
    assert '<span class="badge badge-count" title="unread">2</span>' in html


def test_the_leads_filter_and_search(seller, partner_a, partner_b):
    lead_thread = ThreadFactory(partner=partner_a, creator__handle="in_pool")
    LeadFactory(partner=partner_a, creator=lead_thread.creator)
    gone = ThreadFactory(partner=partner_a, creator__handle="removed_one")
    LeadFactory(partner=partner_a, creator=gone.creator, removed_at="2026-01-01T00:00Z")
    other = ThreadFactory(partner=partner_a, creator__handle="only_elsewhere")
    LeadFactory(partner=partner_b, creator=other.creator)
    ThreadFactory(partner=partner_a, creator__handle="just_chatting")
    ThreadFactory(partner=partner_b, creator__handle="not_ours")

    all_threads = seller.get("/seller/im/").content.decode()
    assert sorted(shown_handles(all_threads)) == [
        "in_pool",
        "just_chatting",
        "only_elsewhere",
        "removed_one",
    ]
    leads = seller.get("/seller/im/?filter=leads").content.decode()
    assert shown_handles(leads) == ["in_pool"]
    assert 'data-testid="filter-leads" aria-current="true"' in leads
    assert shown_handles(seller.get("/seller/im/?q=chat").content.decode()) == ["just_chatting"]
    assert shown_handles(seller.get("/seller/im/?q=@in_po").content.decode()) == ["in_pool"]
    assert shown_handles(seller.get("/seller/im/?filter=leads&q=chat").content.decode()) == []
    # An unknown filter value shows all threads rather than failing.
    assert len(shown_handles(seller.get("/seller/im/?filter=bogus").content.decode())) == 4


def test_creator_parameter_goes_to_the_thread_or_a_confirm_page(seller, partner_a, creator_silver):
    # A link (GET) never opens a thread: it lands on the start page, whose button POSTs.
    response = seller.get("/seller/im/?creator=creator_silver")
    assert response.status_code == 302
    assert response["Location"] == "/seller/im/start/creator_silver/"
    start = seller.get(response["Location"])
    assert start.status_code == 200 and "Start the chat" in start.content.decode()
    assert not Thread.objects.exists()
    opened = seller.post("/seller/im/start/creator_silver/")
    thread = Thread.objects.get(partner=partner_a, creator=creator_silver)
    assert opened.status_code == 302 and opened["Location"] == f"/seller/im/{thread.pk}/"
    again = seller.get("/seller/im/start/creator_silver/")
    assert again["Location"] == f"/seller/im/{thread.pk}/" and Thread.objects.count() == 1
    assert seller.get("/seller/im/start/nobody_here/").status_code == 404


def test_the_conversation_shows_messages_in_order_and_marks_read(
    seller, api_as, seller_a, thread, say
):
    say(thread, "first")
    say(thread, "second")
    say(thread, "from us", side=Side.SELLER)
    say(thread, "third")
    assert api_as(seller_a).get("/api/v1/im/threads/").json()["results"][0]["unread_count"] == 1
    html = seller.get(f"/seller/im/{thread.pk}/").content.decode()
    pane = html[html.index('id="messages"') :]
    order = [pane.index(text) for text in ("first", "second", "from us", "third")]
    assert order == sorted(order)
    assert pane.count('class="message mine"') == 1  # the seller's own message
    assert 'hx-trigger="every 3s"' in html
    last = Message.objects.order_by("-id").first().pk
    assert f"/seller/im/{thread.pk}/poll/?after={last}&amp;t=" in html
    # Showing the conversation writes nothing; htmx POSTs the read mark once it is shown.
    assert api_as(seller_a).get("/api/v1/im/threads/").json()["results"][0]["unread_count"] == 1
    assert f'hx-post="/seller/im/{thread.pk}/read/" hx-trigger="load"' in html
    assert seller.post(f"/seller/im/{thread.pk}/read/").status_code == 204
    assert api_as(seller_a).get("/api/v1/im/threads/").json()["results"][0]["unread_count"] == 0


def test_the_profile_panel(seller, partner_a):
    creator = CreatorUserFactory(
        handle="panel_star",
        display_name="Panel Star",
        tier=Tier.SILVER,
        follower_count=123_456,
        tier_as_of="2026-01-02",
        followers_as_of="2026-01-06",
    )
    thread = ThreadFactory(partner=partner_a, creator=creator)
    html = seller.get(f"/seller/im/{thread.pk}/").content.decode()
    panel = html[html.index('id="profile-panel"') :]
    assert "Panel Star" in panel and "@panel_star" in panel
    assert 'class="badge tier-2">Silver<' in panel and "123,456" in panel
    assert "Tier data as of Jan 2, 2026" in panel and "Followers as of Jan 6, 2026" in panel
    assert "Add to leads" in panel


def test_only_the_latest_100_messages_with_a_link_to_older_ones(seller, thread):
    for i in range(105):
        MessageFactory(thread=thread, body=f"msg-{i:03d}")
    html = seller.get(f"/seller/im/{thread.pk}/").content.decode()
    assert len(shown_messages(html)) == 100
    assert "msg-005" in html and "msg-004" not in html and "msg-104" in html
    link = re.search(r'href="\?before=(\d+)" data-testid="older-messages"', html)
    assert link is not None

    older = seller.get(f"/seller/im/{thread.pk}/?before={link.group(1)}").content.decode()
    assert len(shown_messages(older)) == 5
    assert "msg-000" in older and "msg-004" in older and "msg-005" not in older
    assert 'data-testid="older-messages"' not in older and "Latest messages" in older
    assert 'hx-trigger="every 3s"' not in older  # no polling while reading history
    # A nonsense value is ignored, not a 500.
    assert len(shown_messages(seller.get(f"/seller/im/{thread.pk}/?before=x").content.decode()))


def test_sending_from_the_page(seller, thread):
    response = seller.post(f"/seller/im/{thread.pk}/send/", {"body": "Welcome aboard"})
    assert response.status_code == 302 and response["Location"] == f"/seller/im/{thread.pk}/"
    message = Message.objects.get()
    assert message.side == Side.SELLER and message.body == "Welcome aboard"
    assert "Welcome aboard" in seller.get(response["Location"]).content.decode()


def test_sending_with_htmx_appends_the_new_messages(seller, thread, say):
    seen = say(thread, "already shown")
    missed = say(thread, "arrived meanwhile")
    html = seller.post(
        f"/seller/im/{thread.pk}/send/",
        {"body": "my reply", "after": str(seen.pk)},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "already shown" not in html
    assert html.index("arrived meanwhile") < html.index("my reply")
    assert 'hx-swap-oob="beforeend:#messages"' in html
    mine = Message.objects.get(body="my reply")
    assert f"?after={mine.pk}" in html and missed.pk < mine.pk
    assert '<textarea id="body" name="body" maxlength="2000" placeholder="Write a message"' in html


@pytest.mark.parametrize(
    ("body", "error"),
    [("", "Write a message before sending"), ("z" * 2001, "at most 2,000 characters")],
    ids=["empty", "2001-chars"],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_bad_message_shows_an_error_next_to_the_box_and_keeps_the_draft(
    client, seller_a, creator_bronze, thread, body, error, htmx
):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for user, url in (
        (seller_a, f"/seller/im/{thread.pk}/send/"),
        (creator_bronze.user, f"/ec/messages/{thread.pk}/send/"),
    ):
        client.force_login(user)
        response = client.post(url, {"body": body}, **headers)
        html = response.content.decode()
        assert response.status_code == 400
        form = html[html.index('<form id="send-form"') :]
        form = form[: form.index("</form>")]
        assert error in form and 'id="send-error"' in form
        assert f">{body}</textarea>" in form  # the draft is not lost
    assert not Message.objects.exists()


def test_messages_are_escaped_on_both_sides(client, api_as, seller_a, creator_bronze, thread):
    api_as(creator_bronze.user).post(
        f"/api/v1/im/threads/{thread.pk}/messages/", {"body": XSS}, format="json"
    )
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for user, url in (
        (seller_a, f"/seller/im/{thread.pk}/"),
        (creator_bronze.user, f"/ec/messages/{thread.pk}/"),
        (seller_a, f"/seller/im/{thread.pk}/poll/?after=0"),
        (seller_a, "/seller/im/"),
    ):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert escaped in html and XSS not in html, url


def test_polling_returns_only_newer_messages(seller, api_as, creator_bronze, thread, say):
    old = say(thread, "old news")
    assert seller.get(f"/seller/im/{thread.pk}/poll/?after={old.pk}").status_code == 204
    api_as(creator_bronze.user).post(
        f"/api/v1/im/threads/{thread.pk}/messages/", {"body": "fresh one"}, format="json"
    )
    fresh = Message.objects.get(body="fresh one")
    poll = seller.get(f"/seller/im/{thread.pk}/poll/?after={old.pk}")
    html = poll.content.decode()
    assert poll.status_code == 200
    assert shown_messages(html) == [str(fresh.pk)] and "old news" not in html
    # The poller comes back pointing past the newest message it delivered.
    assert f"/seller/im/{thread.pk}/poll/?after={fresh.pk}" in html
    assert 'hx-trigger="every 3s"' in html
    for bad in ("abc", "-5", ""):
        assert seller.get(f"/seller/im/{thread.pk}/poll/?after={bad}").status_code == 200


def test_polled_messages_post_their_read_mark(seller, api_as, seller_a, thread, say):
    say(thread, "ping")
    threads = "/api/v1/im/threads/"
    assert api_as(seller_a).get(threads).json()["results"][0]["unread_count"] == 1
    poll = seller.get(f"/seller/im/{thread.pk}/poll/?after=0").content.decode()
    assert api_as(seller_a).get(threads).json()["results"][0]["unread_count"] == 1
    assert f'hx-post="/seller/im/{thread.pk}/read/" hx-trigger="load"' in poll
    assert 'hx-swap-oob="true"' in poll
    seller.post(f"/seller/im/{thread.pk}/read/")
    assert api_as(seller_a).get(threads).json()["results"][0]["unread_count"] == 0
    assert seller.get(f"/seller/im/{thread.pk}/read/").status_code == 405


def test_marking_read_is_per_side_and_kept_to_the_thread_owners(
    seller, creator_bronze, partner_b, thread, say
):
    say(thread, "to the creator", side=Side.SELLER)
    client = Client()
    client.force_login(creator_bronze.user)
    assert 'title="unread">1<' in client.get("/ec/messages/").content.decode()
    assert client.post(f"/ec/messages/{thread.pk}/read/").status_code == 204
    assert 'title="unread"' not in client.get("/ec/messages/").content.decode()
    other = ThreadFactory(partner=partner_b)
    assert seller.post(f"/seller/im/{other.pk}/read/").status_code == 404
    assert client.post(f"/ec/messages/{other.pk}/read/").status_code == 404


def test_the_creators_inbox_and_conversation(client, creator_bronze, partner_a, partner_b, say):
    mine = ThreadFactory(partner=partner_a, creator=creator_bronze)
    ThreadFactory(partner=partner_b, creator=creator_bronze)
    ThreadFactory(partner=partner_a)  # someone else's
    say(mine, "hi from the partner", side=Side.SELLER)
    client.force_login(creator_bronze.user)
    inbox = client.get("/ec/messages/").content.decode()
    assert "Alpha LIVE Agency" in inbox and "Bravo Creators" in inbox
    assert len(re.findall(r'href="/ec/messages/\d+/"', inbox)) == 2
    assert "hi from the partner" in inbox
    assert '<span class="badge badge-count" title="unread">1</span>' in inbox

    html = client.get(f"/ec/messages/{mine.pk}/").content.decode()
    assert "hi from the partner" in html and 'hx-trigger="every 3s"' in html
    assert f"/ec/messages/{mine.pk}/poll/?after=" in html
    assert "Add to leads" not in html  # the toggle is the seller's
    assert f'hx-post="/ec/messages/{mine.pk}/read/"' in html
    client.post(f"/ec/messages/{mine.pk}/read/")
    inbox = client.get("/ec/messages/").content.decode()
    assert 'title="unread"' not in inbox

    sent = client.post(f"/ec/messages/{mine.pk}/send/", {"body": "Thanks!"})
    assert sent["Location"] == f"/ec/messages/{mine.pk}/"
    assert Message.objects.filter(side=Side.CREATOR, body="Thanks!").exists()


def test_chat_in_im_from_a_partner_page(client, partner_a, creator_none):
    client.force_login(creator_none.user)
    confirm = client.get(f"/ec/messages/start/{partner_a.pk}/")
    assert confirm.status_code == 200 and "Chat in IM" in confirm.content.decode()
    assert not Thread.objects.exists()

    response = client.post(f"/ec/messages/start/{partner_a.pk}/")
    thread = Thread.objects.get(creator=creator_none, partner=partner_a)
    assert response.status_code == 302 and response["Location"] == f"/ec/messages/{thread.pk}/"
    client.post(f"/ec/messages/start/{partner_a.pk}/")
    assert Thread.objects.count() == 1
    assert client.get(f"/ec/messages/start/{partner_a.pk}/")["Location"] == (
        f"/ec/messages/{thread.pk}/"
    )

    hidden = PartnerFactory(is_listed=False)
    assert client.post(f"/ec/messages/start/{hidden.pk}/").status_code == 404
    assert client.post("/ec/messages/start/999999/").status_code == 404
    assert Thread.objects.count() == 1


def test_the_below_silver_button_lands_in_the_conversation(client, partner_a, creator_bronze):
    client.force_login(creator_bronze.user)
    page = client.get(f"/ec/partners/{partner_a.slug}/request/").content.decode()
    assert f'action="/ec/messages/start/{partner_a.pk}/"' in page
    landed = client.post(f"/ec/messages/start/{partner_a.pk}/", follow=True)
    assert landed.status_code == 200 and 'id="send-form"' in landed.content.decode()


def test_roles_are_kept_apart(client, seller_a, creator_bronze, partner_a, thread):
    client.force_login(seller_a)
    assert client.get("/ec/messages/").status_code == 403
    assert client.post(f"/ec/messages/start/{partner_a.pk}/").status_code == 403
    client.force_login(creator_bronze.user)
    assert client.get("/seller/im/").status_code == 403
    assert client.post(f"/seller/im/{thread.pk}/lead/").status_code == 403
    assert client.get("/seller/notifications/").status_code == 403
    client.logout()
    assert client.get("/seller/im/")["Location"].startswith("/accounts/login/")


def test_the_open_thread_shows_no_unread_badge(seller, thread, say):
    say(thread, "unread until opened")
    assert 'title="unread">1<' in seller.get("/seller/im/").content.decode()
    html = seller.get(f"/seller/im/{thread.pk}/").content.decode()
    assert 'title="unread"' not in html and 'aria-current="true"' in html


def test_a_garbled_after_value_is_not_a_500(seller, thread):
    response = seller.post(
        f"/seller/im/{thread.pk}/send/", {"body": "hi", "after": "abc"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "hi" in response.content.decode()
    response = seller.post(
        f"/seller/im/{thread.pk}/send/", {"body": "", "after": "x"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400 and 'name="after" value="0"' in response.content.decode()
