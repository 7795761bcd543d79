"""The pool page's row cache (leads/row_cache.py): a cached row is exactly the row a fresh
render gives, after every kind of write and as the clock moves, and its forms carry the
requesting session's CSRF token."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from creators.models import Tier
from leads import services
from leads.models import LeadStatus
from leads.row_cache import CSRF_MARK
from tests.conftest import clear_cache
from tests.factories import CreatorFactory, LeadFactory, SellerFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _rows(html: str) -> str:
    """The page's table body, CSRF tokens aside (each request masks its own)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return TOKEN.sub('name="csrfmiddlewaretoken" value="-"', body)


@pytest.fixture
def pool(partner_a, seller_a):
    colleague = SellerFactory(user__username="row_colleague", partner=partner_a).user
    now = timezone.now()
    leads = [
        LeadFactory(
            partner=partner_a,
            creator=CreatorFactory(handle=f"row_{i}", tier=Tier.GOLD),
            licensed_data={"live_gmv_30d": "12.50", "live_sessions_30d": 3},
            authorization_expires_at=now + dt.timedelta(hours=2 + i),
        )
        for i in range(4)
    ]
    client = Client()
    client.force_login(seller_a)
    return {"leads": leads, "seller": seller_a, "colleague": colleague, "client": client}


def _page(client) -> str:
    answer = client.get("/seller/leads/")
    assert answer.status_code == 200
    return answer.content.decode()


def _served_and_fresh(client) -> tuple[str, str]:
    served = _rows(_page(client))
    clear_cache()
    return served, _rows(_page(client))


def _row_keys() -> list:
    """The cached rows' keys: local memory's dict, or this process's keys in Redis (CI)."""
    if isinstance(cache._cache, dict):
        return [key for key in cache._cache if ":leads:row:" in key]
    client = cache._cache.get_client(write=False)
    return list(client.scan_iter(match=f"{cache.key_prefix}*:leads:row:*"))


def test_the_second_page_serves_its_rows_from_the_cache(pool):
    first = _page(pool["client"])
    keys = _row_keys()
    assert len(keys) == len(pool["leads"])
    second = _page(pool["client"])
    assert _rows(second) == _rows(first)
    assert CSRF_MARK not in second


def test_a_cached_row_posts_with_the_requesting_session_token(pool):
    """The row's form token is this session's: a POST with it passes the CSRF check."""
    _page(pool["client"])  # fills the cache
    client = Client(enforce_csrf_checks=True)
    client.force_login(pool["seller"])
    html = _page(client)
    lead = pool["leads"][0]
    row = html.split(f'id="lead-{lead.pk}"', 1)[1].split("</tr>", 1)[0]
    token = TOKEN.search(row).group(1)
    answer = client.post(
        f"/seller/leads/{lead.pk}/status/", {"status": "contacted", "csrfmiddlewaretoken": token}
    )
    assert answer.status_code in (200, 302)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONTACTED


@pytest.mark.parametrize(
    "write",
    [
        lambda p: services.lead_set_status(
            lead=p["leads"][0], status=LeadStatus.CONTACTED, user=p["seller"]
        ),
        lambda p: services.lead_assign(lead=p["leads"][1], owner=p["colleague"], user=p["seller"]),
        lambda p: services.note_create(lead=p["leads"][2], author=p["seller"], body="row note"),
        lambda p: services.lead_remove(lead=p["leads"][3], user=p["seller"]),
    ],
    ids=["status", "owner", "note", "remove"],
)
def test_every_write_shows_at_once(pool, write, request):
    before = _rows(_page(pool["client"]))
    write(pool)
    served, fresh = _served_and_fresh(pool["client"])
    assert served == fresh
    if "note" not in request.node.name:  # the row shows no note (the detail does)
        assert served != before


def test_a_renamed_owner_shows_at_once(pool):
    services.lead_assign(lead=pool["leads"][1], owner=pool["colleague"], user=pool["seller"])
    _page(pool["client"])
    pool["colleague"].first_name, pool["colleague"].last_name = "Row", "Renamed"
    pool["colleague"].save()
    served, fresh = _served_and_fresh(pool["client"])
    assert served == fresh
    assert "Row Renamed" in served


def test_the_countdown_moves_with_the_clock(pool):
    _page(pool["client"])
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61), tick=False):
        served, fresh = _served_and_fresh(pool["client"])
    assert served == fresh
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2, minutes=1), tick=False):
        served, fresh = _served_and_fresh(pool["client"])
    assert served == fresh


def test_the_rows_cost_no_query(pool, django_assert_max_num_queries):
    """Served from the cache or not, the page makes the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clear_cache()
    with CaptureQueriesContext(connection) as cold:
        _page(pool["client"])
    with CaptureQueriesContext(connection) as warm:
        _page(pool["client"])
    assert len(warm) <= len(cold)


@pytest.mark.parametrize(
    ("write", "walks"),
    [("note", False), ("status", False), ("remove", True)],
)
def test_the_list_rebuilds_a_page_from_its_ids_when_no_count_moved(pool, api_as, write, walks):
    """After a note (or a status change, for a question without a status) the API's page is
    loaded by its ids: no count and no walk of the ordering; after a removal it is walked."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(pool["seller"])
    url = "/api/v1/leads/?tier=gold&page_size=2&page=2"
    before = client.get(url).json()
    lead = pool["leads"][0]
    if write == "note":
        services.note_create(lead=lead, author=pool["seller"], body="ids note")
    elif write == "status":
        services.lead_set_status(lead=lead, status=LeadStatus.CONTACTED, user=pool["seller"])
    else:
        services.lead_remove(lead=pool["leads"][3], user=pool["seller"])
    with CaptureQueriesContext(connection) as captured:
        served = client.get(url).json()
    sqls = [q["sql"].upper() for q in captured.captured_queries]
    assert any(sql.startswith("SELECT COUNT(*)") for sql in sqls) is walks
    assert any("OFFSET" in sql for sql in sqls) is walks  # page 2: the ordering's walk
    clear_cache()
    assert served == client.get(url).json()
    if not walks:
        assert [row["id"] for row in served["results"]] == [r["id"] for r in before["results"]]
