"""The pool's `response` and `task` filters and `ordering=next_task_due_at`: on the API list,
the CSV export, the page (with its header quick link), saved views; and the lead fields."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followup.services import task_create
from leads.services import saved_view_create
from tests.factories import CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 20, 20, 0, tzinfo=dt.UTC)  # noon in the business zone
H = dt.timedelta(hours=1)


@pytest.fixture
def pool(partner_a, partner_b, seller_a):
    def lead(handle, partner=partner_a, **fields):
        return LeadFactory(
            partner=partner, creator=CreatorFactory(handle=handle), requested_at=T0 - H, **fields
        )

    with time_machine.travel(T0, tick=False):
        leads = {
            "waiting": lead("waiting", response_due_at=T0 + 5 * H),
            "late": lead("late", response_due_at=T0 - H),
            "answered": lead("answered", response_due_at=T0 + H, first_response_at=T0 - H / 2),
            "im": lead("im"),
            "other": lead("other", partner=partner_b, response_due_at=T0 - H),
        }
        task_create(lead=leads["im"], user=seller_a, title="a", due_at=T0 - H)
        task_create(lead=leads["waiting"], user=seller_a, title="b", due_at=T0 + 2 * H)
        task_create(lead=leads["answered"], user=seller_a, title="c", due_at=T0 + 48 * H)
    return leads


def handles(api, query):
    answer = api.get(f"/api/v1/leads/?{query}")
    assert answer.status_code == 200, answer.content
    return sorted(row["creator"]["handle"] for row in answer.json()["results"])


def csv_handles(api, query):
    answer = api.get(f"/api/v1/leads/export.csv?{query}")
    text = b"".join(answer.streaming_content).decode()
    return sorted(row["handle"] for row in csv.DictReader(io.StringIO(text)))


@time_machine.travel(T0, tick=False)
def test_response_and_task_filters_on_the_api_and_csv(api_as, seller_a, pool):
    api = api_as(seller_a)
    cases = {
        "response=awaiting": ["late", "waiting"],
        "response=overdue": ["late"],
        "response=answered": ["answered"],
        "task=overdue": ["im"],
        "task=today": ["waiting"],
        "task=upcoming": ["answered"],
        "response=awaiting&task=today": ["waiting"],
    }
    for query, expected in cases.items():
        assert handles(api, query) == expected, query
        assert csv_handles(api, query) == expected, query
    for bad in ("response=late", "task=someday"):
        answer = api.get(f"/api/v1/leads/?{bad}")
        assert answer.status_code == 400 and bad.split("=")[0] in str(answer.json())


@time_machine.travel(T0, tick=False)
def test_ordering_by_next_task_puts_leads_without_one_last(api_as, seller_a, pool):
    answer = api_as(seller_a).get("/api/v1/leads/?ordering=next_task_due_at")
    order = [row["creator"]["handle"] for row in answer.json()["results"]]
    assert order[:3] == ["im", "waiting", "answered"]
    assert sorted(order[3:]) == ["late"]


@time_machine.travel(T0, tick=False)
def test_lead_fields_on_the_api(api_as, seller_a, pool):
    row = api_as(seller_a).get(f"/api/v1/leads/{pool['answered'].pk}/").json()
    assert row["response_due_at"].startswith("2026-11-20T21:00")
    assert row["first_response_at"].startswith("2026-11-20T19:30")
    assert row["next_task_due_at"].startswith("2026-11-22T20:00")


@time_machine.travel(T0, tick=False)
def test_the_page_filters_and_links_awaiting_and_overdue(client, seller_a, pool):
    client.force_login(seller_a)
    html = client.get("/seller/leads/").content.decode()
    assert "2 awaiting a first reply" in html and "1 overdue" in html
    assert "response=awaiting" in html and "response=overdue" in html
    assert 'data-testid="next-task"' in html
    filtered = client.get("/seller/leads/?response=overdue").content.decode()
    assert 'data-handle="late"' in filtered and 'data-handle="waiting"' not in filtered
    assert "First reply: First reply overdue" in filtered  # the chip
    tasks = client.get("/seller/leads/?task=overdue").content.decode()
    assert 'data-handle="im"' in tasks and 'data-handle="waiting"' not in tasks


@time_machine.travel(T0, tick=False)
def test_saved_views_take_the_new_filters(seller_a, pool):
    view = saved_view_create(
        partner=seller_a.partner_staff.partner,
        owner=seller_a,
        name="Late",
        query="response=overdue&task=today&ordering=next_task_due_at",
    )
    assert "response=overdue" in view.query


@time_machine.travel(T0, tick=False)
def test_pool_page_queries_stay_constant_with_tasks(client, partner_a, seller_a, pool):
    client.force_login(seller_a)
    url = "/seller/leads/?task=overdue&ordering=next_task_due_at"
    client.get(url)  # warm the session and the freshness cache

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(12):
        lead = LeadFactory(
            partner=partner_a,
            creator=CreatorFactory(handle=f"more_{n}"),
            response_due_at=T0 - H,
        )
        task_create(lead=lead, user=seller_a, title="t", due_at=T0 - H)
    client.get(url)  # the header's counts, once per pool version (leads.selectors)
    assert count() == few
