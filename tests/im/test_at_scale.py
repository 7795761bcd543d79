"""IM at scale: the thread list a page at a time, its search, the conversation's fixed query
count, and polls that answer "nothing new" without the session (docs/scaling.md)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from creators.services import creator_profile_update
from im.models import Message
from tests.factories import LeadFactory, PartnerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def handles(html):
    return re.findall(r'data-handle="([^"]+)"', html)


def older_link(html):
    found = re.search(r'href="(\?older=[^"]+)" data-testid="older-threads"', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def seller(client, seller_a):
    client.force_login(seller_a)
    return client


def test_the_inbox_pages_through_every_thread_once_newest_first(seller, partner_a, say):
    threads = [ThreadFactory(partner=partner_a) for _ in range(120)]
    for i, thread in enumerate(threads):
        if i % 3:
            say(thread, f"hello {i}")  # a third never got a message: sorted by when opened
    expected = [
        t.creator.handle
        for t in sorted(
            (
                ThreadFactory._meta.model.objects.get(pk=t.pk)
                for t in threads  # fresh from the database
            ),
            key=lambda t: (t.last_message_at or t.created_at, t.pk),
            reverse=True,
        )
    ]
    first = seller.get("/seller/im/").content.decode()
    assert handles(first) == expected[:50] and "Newest conversations" not in first
    second_url = older_link(first)
    # A thread on page 1 gets a message while the seller pages: page 2 does not shift.
    by_handle = {t.creator.handle: t for t in threads}
    say(by_handle[expected[10]], "moved up")
    second = seller.get(f"/seller/im/{second_url}").content.decode()
    assert handles(second) == expected[50:100] and "Newest conversations" in second
    third = seller.get(f"/seller/im/{older_link(second)}").content.decode()
    assert handles(third) == expected[100:] and older_link(third) is None
    # A garbled cursor is the first page, not an error.
    for bad in ("x", "1.", ".2", "99999999999999999999999.1"):
        response = seller.get(f"/seller/im/?older={bad}")
        assert response.status_code == 200 and len(handles(response.content.decode())) == 50


def test_older_pages_keep_the_filter_and_the_search(seller, partner_a):
    for i in range(55):
        thread = ThreadFactory(partner=partner_a, creator__handle=f"match_{i:02}")
        LeadFactory(partner=partner_a, creator=thread.creator)
    ThreadFactory(partner=partner_a, creator__handle="match_not_a_lead")
    html = seller.get("/seller/im/?filter=leads&q=MATCH").content.decode()
    link = older_link(html)
    assert "filter=leads" in link and "q=MATCH" in link
    rest = seller.get(f"/seller/im/{link}").content.decode()
    assert len(handles(html)) + len(handles(rest)) == 55
    assert "match_not_a_lead" not in html + rest


def test_the_search_finds_a_renamed_creator_by_the_new_name(seller, partner_a):
    thread = ThreadFactory(partner=partner_a, creator__handle="old_handle")
    creator_profile_update(creator=thread.creator, changes={"display_name": "Zelda Sparkle"})
    assert handles(seller.get("/seller/im/?q=sparkle").content.decode()) == ["old_handle"]
    assert handles(seller.get("/seller/im/?q=@OLD_h").content.decode()) == ["old_handle"]
    assert handles(seller.get("/seller/im/?q=nobody").content.decode()) == []


def test_the_creators_list_pages_too(client, creator_bronze, say):
    for _ in range(51):
        say(ThreadFactory(partner=PartnerFactory(), creator=creator_bronze), "hi", side="seller")
    client.force_login(creator_bronze.user)
    html = client.get("/ec/messages/").content.decode()
    assert len(handles(html)) == 50
    assert len(handles(client.get(f"/ec/messages/{older_link(html)}").content.decode())) == 1


def poller_url(html):
    return re.search(r'id="poller" hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")


def test_a_poll_with_its_token_and_nothing_new_skips_the_session(seller, thread, say):
    say(thread, "hello")
    url = poller_url(seller.get(f"/seller/im/{thread.pk}/").content.decode())
    with CaptureQueriesContext(connection) as queries:
        assert seller.get(url).status_code == 204
    assert len(queries) == 1 and "im_message" in queries[0]["sql"]
    # Signed out, the token still only ever says "nothing new" ...
    anonymous = Client()
    assert anonymous.get(url).status_code == 204
    # ... and once there is something, the full checks run before anything is shown.
    say(thread, "secret")
    response = anonymous.get(url)
    assert response.status_code == 302 and b"secret" not in response.content
    polled = seller.get(url)
    assert polled.status_code == 200 and "secret" in polled.content.decode()


def test_a_poll_token_is_bound_to_its_thread_and_side(
    client, seller, seller_b, partner_b, thread, say
):
    say(thread, "hello")
    url = poller_url(seller.get(f"/seller/im/{thread.pk}/").content.decode())
    token = url.split("&t=")[1]
    other = ThreadFactory(partner=partner_b)
    say(other, "for partner B only")
    # The token of A's thread on B's thread, a forged one, the creator side: full checks.
    for forged in (
        f"/seller/im/{other.pk}/poll/?after=0&t={token}",
        f"/seller/im/{other.pk}/poll/?after=0&t={other.pk}x",
        f"/ec/messages/{thread.pk}/poll/?after=0&t={token}",
    ):
        response = seller.get(forged)
        assert response.status_code in (403, 404), forged
        assert b"for partner B" not in response.content


def test_the_api_poll_answers_204_when_nothing_is_newer(api_as, seller_a, seller_b, thread, say):
    api = api_as(seller_a)
    first = say(thread, "one")
    second = say(thread, "two")
    url = f"/api/v1/im/threads/{thread.pk}/messages/"
    assert api.get(f"{url}?after={second.pk}").status_code == 204
    body = api.get(f"{url}?after={first.pk}").json()
    assert [m["body"] for m in body["results"]] == ["two"] and body["count"] == 1
    bad = api.get(f"{url}?after=x")
    assert bad.status_code == 400 and "after" in bad.json()["errors"]
    assert api_as(seller_b).get(f"{url}?after={second.pk}").status_code == 404


def test_the_long_conversation_runs_a_fixed_number_of_queries(seller, thread, say):
    for i in range(3):
        say(thread, f"m{i}")
    with CaptureQueriesContext(connection) as few:
        seller.get(f"/seller/im/{thread.pk}/")
    Message.objects.bulk_create(
        [Message(thread=thread, side="creator", body=f"x{i}") for i in range(300)]
    )
    with CaptureQueriesContext(connection) as many:
        html = seller.get(f"/seller/im/{thread.pk}/").content.decode()
    assert len(many) == len(few) <= 9  # 9th: the navigation's unread IM count
    assert html.count('<li class="message') == 100 and 'data-testid="older-messages"' in html
