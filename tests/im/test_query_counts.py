"""The thread lists run the same number of queries for 3 threads as for 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from im.models import Side
from im.services import message_send
from tests.factories import LeadFactory, PartnerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def add_threads(partner, n, *, creator=None):
    for i in range(n):
        thread = ThreadFactory(partner=partner, **({"creator": creator} if creator else {}))
        message_send(thread=thread, sender=None, side=Side.CREATOR, body=f"hello {i}")
        if i % 2:
            LeadFactory(partner=partner, creator=thread.creator)


def count_queries(fetch):
    with CaptureQueriesContext(connection) as queries:
        response = fetch()
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("url", ["/seller/im/", "/seller/im/?filter=leads", "/seller/im/?q=e"])
def test_the_seller_thread_list_page(client, seller_a, partner_a, url):
    client.force_login(seller_a)
    add_threads(partner_a, 3)
    few, _ = count_queries(lambda: client.get(url))
    add_threads(partner_a, 17)
    many, response = count_queries(lambda: client.get(url))
    assert response.content.decode().count("data-handle=") > 3
    assert many == few
    assert few <= 9  # 9th: the navigation's unread IM count


def test_the_seller_conversation_page(client, seller_a, partner_a):
    client.force_login(seller_a)
    add_threads(partner_a, 3)
    thread = ThreadFactory(partner=partner_a)
    few, _ = count_queries(lambda: client.get(f"/seller/im/{thread.pk}/"))
    add_threads(partner_a, 17)
    for i in range(20):
        message_send(thread=thread, sender=None, side=Side.CREATOR, body=f"more {i}")
    many, _ = count_queries(lambda: client.get(f"/seller/im/{thread.pk}/"))
    assert many == few


@pytest.mark.parametrize("query", ["", "?is_lead=true", "?is_lead=false"])
def test_the_thread_list_api_for_sellers(api_as, seller_a, partner_a, query):
    api = api_as(seller_a)
    add_threads(partner_a, 3)
    few, _ = count_queries(lambda: api.get(f"/api/v1/im/threads/{query}"))
    add_threads(partner_a, 17)
    many, response = count_queries(lambda: api.get(f"/api/v1/im/threads/{query}"))
    assert response.json()["count"] == {"": 20, "?is_lead=true": 9, "?is_lead=false": 11}[query]
    assert many == few


def test_the_thread_list_for_creators(api_as, client, creator_bronze, partner_a):
    def add(n):
        for _ in range(n):
            thread = ThreadFactory(partner=PartnerFactory(), creator=creator_bronze)
            message_send(thread=thread, sender=None, side=Side.SELLER, body="hi")

    api = api_as(creator_bronze.user)
    client.force_login(creator_bronze.user)
    add(3)
    api_few, _ = count_queries(lambda: api.get("/api/v1/im/threads/"))
    page_few, _ = count_queries(lambda: client.get("/ec/messages/"))
    add(17)
    api_many, response = count_queries(lambda: api.get("/api/v1/im/threads/"))
    page_many, _ = count_queries(lambda: client.get("/ec/messages/"))
    assert response.json()["count"] == 20
    assert (api_many, page_many) == (api_few, page_few)
