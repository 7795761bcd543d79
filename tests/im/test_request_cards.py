"""A creator's Request to Collaborate appears in the IM conversation at its place in time."""

import datetime as dt
import re

import pytest
import time_machine

from im.models import Side
from leads.services import collaboration_request_submit
from tests.factories import ThreadFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def conversation(html: str) -> list[str]:
    """The conversation's items in order: `msg:<body>` or `request:<message>`."""
    pane = html[html.index('id="messages"') : html.index("</ul>", html.index('id="messages"'))]
    items = []
    for kind, body in re.findall(
        r'<li class="(message|request-card)[^"]*"[^>]*>(.*?)</li>', pane, re.S
    ):
        if kind == "message":
            items.append("msg:" + re.sub(r"<span.*?</span>", "", body).strip())
        else:
            quote = re.search(r"<blockquote>(.*?)</blockquote>", body, re.S)
            items.append("request:" + (quote.group(1).strip() if quote else ""))
    return items


@pytest.fixture
def thread(partner_a, creator_silver, say):
    thread = ThreadFactory(partner=partner_a, creator=creator_silver)
    with time_machine.travel(T0, tick=False):
        say(thread, "hi there")
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        collaboration_request_submit(
            creator=creator_silver, partner=partner_a, message="Formally: let's work together"
        )
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        say(thread, "great, talk soon", side=Side.SELLER)
    return thread


def test_the_seller_sees_the_request_card_between_the_messages(client, seller_a, thread):
    client.force_login(seller_a)
    html = client.get(f"/seller/im/{thread.pk}/").content.decode()
    assert conversation(html) == [
        "msg:hi there",
        "request:Formally: let&#x27;s work together",
        "msg:great, talk soon",
    ]
    card = html[html.index('data-testid="request-card"') :]
    assert "@creator_silver sent a Request to Collaborate" in card
    lead = thread.creator.leads.get()
    assert f'href="/seller/leads/{lead.pk}/">Open the lead</a>' in card
    assert "No messages yet" not in html


def test_the_creator_sees_their_own_request_in_the_conversation(client, thread):
    client.force_login(thread.creator.user)
    html = client.get(f"/ec/messages/{thread.pk}/").content.decode()
    assert conversation(html) == [
        "msg:hi there",
        "request:Formally: let&#x27;s work together",
        "msg:great, talk soon",
    ]
    request = thread.creator.collaboration_requests.get()
    assert "You sent a Request to Collaborate" in html
    assert f'href="/ec/requests/{request.pk}/">See the request</a>' in html


def test_a_request_shows_once_while_paging_back(client, seller_a, thread, say):
    for n in range(120):
        with time_machine.travel(T0 + dt.timedelta(hours=3, minutes=n), tick=False):
            say(thread, f"later {n}")
    client.force_login(seller_a)
    latest = client.get(f"/seller/im/{thread.pk}/").content.decode()
    assert not any(item.startswith("request:") for item in conversation(latest))
    older = re.search(r'href="\?before=(\d+)"', latest).group(1)
    archive = client.get(f"/seller/im/{thread.pk}/?before={older}").content.decode()
    items = conversation(archive)
    assert items[:3] == [
        "msg:hi there",
        "request:Formally: let&#x27;s work together",
        "msg:great, talk soon",
    ]
    assert sum(item.startswith("request:") for item in items) == 1


def test_another_partners_requests_stay_out(client, seller_b, partner_b, thread):
    other = ThreadFactory(partner=partner_b, creator=thread.creator)
    client.force_login(seller_b)
    html = client.get(f"/seller/im/{other.pk}/").content.decode()
    assert 'data-testid="request-card"' not in html and "No messages yet" in html
