"""Follow-up tasks: services, API, pages, isolation, the due-task job, query counts."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followup.models import LeadTask
from followup.services import due_tasks_remind, task_create, task_update
from leads.models import Lead, LeadEvent
from notifications.models import Notification, NotificationKind
from tests.factories import LeadFactory, SellerFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 20, 20, 0, tzinfo=dt.UTC)  # 12:00 in the business zone (Pacific)


@pytest.fixture
def lead(partner_a, creator_silver):
    return LeadFactory(partner=partner_a, creator=creator_silver)


@pytest.fixture
def seller_a2(partner_a):
    return SellerFactory(user__username="seller_a2", partner=partner_a).user


def _next_due(lead):
    return Lead.objects.get(pk=lead.pk).next_task_due_at


@time_machine.travel(T0, tick=False)
def test_writes_keep_the_leads_next_task_and_history(lead, seller_a, seller_a2):
    first = task_create(lead=lead, user=seller_a, title="Call", due_at=T0 + dt.timedelta(hours=5))
    assert first.assignee_id == seller_a.pk
    assert _next_due(lead) == T0 + dt.timedelta(hours=5)
    second = task_create(
        lead=lead,
        user=seller_a,
        title="Send deck",
        due_at=T0 + dt.timedelta(hours=1),
        assignee_id=seller_a2.pk,
    )
    assert _next_due(lead) == T0 + dt.timedelta(hours=1)
    task_update(task=second, user=seller_a, done=True)
    assert _next_due(lead) == T0 + dt.timedelta(hours=5)
    task_update(task=first, user=seller_a, done=True)
    assert _next_due(lead) is None
    task_update(task=second, user=seller_a, done=False)
    assert _next_due(lead) == T0 + dt.timedelta(hours=1)
    kinds = list(
        LeadEvent.objects.filter(lead=lead, kind__startswith="task_")
        .order_by("id")
        .values_list("kind", "text")
    )
    assert kinds == [
        ("task_completed", "Send deck"),
        ("task_completed", "Call"),
        ("task_reopened", "Send deck"),
    ]


@time_machine.travel(T0, tick=False)
def test_api_create_list_patch(api_as, lead, seller_a, seller_a2):
    api = api_as(seller_a)
    url = f"/api/v1/leads/{lead.pk}/tasks/"
    answer = api.post(
        url,
        {"title": "Call", "due_at": "2026-11-21T18:00:00Z", "assignee": seller_a2.pk},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    task_id = answer.json()["id"]
    assert answer.json()["assignee"]["username"] == "seller_a2"
    listed = api.get(url).json()
    assert [row["id"] for row in listed["results"]] == [task_id]
    lead_row = api.get(f"/api/v1/leads/{lead.pk}/").json()
    assert lead_row["next_task_due_at"].startswith("2026-11-21")
    patched = api.patch(f"/api/v1/tasks/{task_id}/", {"done": True}, format="json")
    assert patched.status_code == 200 and patched.json()["done"] is True
    assert api.get(f"/api/v1/leads/{lead.pk}/").json()["next_task_due_at"] is None
    bad = api.patch(f"/api/v1/tasks/{task_id}/", {"title": "x" * 201}, format="json")
    assert bad.status_code == 400 and "title" in str(bad.json())


@time_machine.travel(T0, tick=False)
def test_api_isolation(api_as, lead, seller_a, seller_b, partner_b, creator_bronze):
    task = task_create(lead=lead, user=seller_a, title="Call", due_at=T0)
    other = api_as(seller_b)
    assert other.get(f"/api/v1/leads/{lead.pk}/tasks/").status_code == 404
    assert (
        other.patch(f"/api/v1/tasks/{task.pk}/", {"done": True}, format="json").status_code == 404
    )
    assert other.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert other.get("/api/v1/tasks/").json()["count"] == 0
    # An assignee from another partner: 400 naming `assignee`, nothing written.
    answer = api_as(seller_a).post(
        f"/api/v1/leads/{lead.pk}/tasks/",
        {"title": "Call", "due_at": "2026-11-21T18:00:00Z", "assignee": seller_b.pk},
        format="json",
    )
    assert answer.status_code == 400 and "assignee" in str(answer.json())
    patch = api_as(seller_a).patch(
        f"/api/v1/tasks/{task.pk}/", {"assignee": seller_b.pk}, format="json"
    )
    assert patch.status_code == 400 and "assignee" in str(patch.json())
    assert LeadTask.objects.count() == 1
    assert LeadTask.objects.get().assignee_id == seller_a.pk


@time_machine.travel(T0, tick=False)
def test_api_list_filters(api_as, lead, seller_a, seller_a2):
    overdue = task_create(lead=lead, user=seller_a, title="a", due_at=T0 - dt.timedelta(hours=1))
    today = task_create(lead=lead, user=seller_a, title="b", due_at=T0 + dt.timedelta(hours=3))
    upcoming = task_create(lead=lead, user=seller_a, title="c", due_at=T0 + dt.timedelta(days=2))
    theirs = task_create(lead=lead, user=seller_a, title="d", due_at=T0, assignee_id=seller_a2.pk)
    task_update(task=upcoming, user=seller_a, done=True)
    api = api_as(seller_a)

    def ids(query):
        answer = api.get(f"/api/v1/tasks/?{query}")
        assert answer.status_code == 200, answer.content
        return [row["id"] for row in answer.json()["results"]]

    assert ids("due=overdue&assignee=me") == [overdue.pk]
    assert ids("due=today") == [today.pk]
    assert ids("due=upcoming") == [upcoming.pk]
    assert ids("done=false&assignee=me") == [overdue.pk, today.pk]
    assert ids("done=true") == [upcoming.pk]
    assert ids(f"assignee={seller_a2.pk}") == [theirs.pk]
    for bad in ("due=soon", "done=maybe", "assignee=x"):
        answer = api.get(f"/api/v1/tasks/?{bad}")
        assert answer.status_code == 400 and bad.split("=")[0] in str(answer.json())


@time_machine.travel(T0, tick=False)
def test_remind_due_tasks_once(lead, seller_a, seller_a2):
    due = task_create(
        lead=lead,
        user=seller_a,
        title="Call back",
        due_at=T0 - dt.timedelta(minutes=5),
        assignee_id=seller_a2.pk,
    )
    task_create(lead=lead, user=seller_a, title="Later", due_at=T0 + dt.timedelta(hours=2))
    done = task_create(lead=lead, user=seller_a, title="Done", due_at=T0 - dt.timedelta(hours=1))
    task_update(task=done, user=seller_a, done=True)
    run = due_tasks_remind()
    assert run.rows_changed == 1
    notes = list(Notification.objects.filter(kind=NotificationKind.TASK_DUE))
    assert [(n.user_id, n.text, n.link, n.lead_id) for n in notes] == [
        (seller_a2.pk, "Task due: Call back", f"/seller/leads/{lead.pk}/", lead.pk)
    ]
    call_command("remind_due_tasks")
    assert Notification.objects.filter(kind=NotificationKind.TASK_DUE).count() == 1
    assert LeadTask.objects.get(pk=due.pk).due_notified_at == T0


@time_machine.travel(T0, tick=False)
def test_tasks_page_tabs_and_done_toggle(client, lead, seller_a, django_assert_max_num_queries):
    for hours in (-2, -1, 3, 48):
        task_create(
            lead=lead, user=seller_a, title=f"T{hours}", due_at=T0 + dt.timedelta(hours=hours)
        )
    client.force_login(seller_a)
    with django_assert_max_num_queries(12):
        page = client.get("/seller/tasks/")
    html = page.content.decode()
    assert "T-2" in html and "T-1" in html and "T3" not in html
    assert "@creator_silver" in html and f"/seller/leads/{lead.pk}/" in html
    assert "T3" in client.get("/seller/tasks/?due=today").content.decode()
    assert "T48" in client.get("/seller/tasks/?due=upcoming").content.decode()
    for hours in range(10):
        task_create(
            lead=lead, user=seller_a, title=f"More{hours}", due_at=T0 - dt.timedelta(hours=10)
        )
    with django_assert_max_num_queries(12):
        client.get("/seller/tasks/")
    task = LeadTask.objects.get(title="T-2")
    answer = client.post(f"/seller/tasks/{task.pk}/done/", {"next": "/seller/tasks/"})
    assert answer.status_code == 302 and answer["Location"] == "/seller/tasks/"
    assert LeadTask.objects.get(pk=task.pk).done_at == T0


@time_machine.travel(T0, tick=False)
def test_lead_detail_lists_tasks_and_adds_one(client, lead, seller_a, seller_a2, seller_b):
    client.force_login(seller_a)
    answer = client.post(
        f"/seller/tasks/lead/{lead.pk}/add/",
        {"title": "Send rates", "due_at": "2026-11-21T10:00", "assignee": str(seller_a2.pk)},
    )
    assert answer.status_code == 302
    task = LeadTask.objects.get()
    assert (task.title, task.assignee_id) == ("Send rates", seller_a2.pk)
    html = client.get(f"/seller/leads/{lead.pk}/").content.decode()
    assert 'data-testid="lead-tasks"' in html and "Send rates" in html
    # Another partner's lead or task: 404, nothing written.
    client.force_login(seller_b)
    assert client.post(f"/seller/tasks/lead/{lead.pk}/add/", {"title": "x"}).status_code == 404
    assert client.post(f"/seller/tasks/{task.pk}/done/").status_code == 404
    assert LeadTask.objects.get().done_at is None


@time_machine.travel(T0, tick=False)
def test_lead_detail_queries_constant(client, lead, seller_a):
    client.force_login(seller_a)
    task_create(lead=lead, user=seller_a, title="one", due_at=T0)
    client.get(f"/seller/leads/{lead.pk}/")  # warm: the session's first touch
    cache.clear()  # both rendered afresh: a served detail would cost fewer
    with CaptureQueriesContext(connection) as few:
        client.get(f"/seller/leads/{lead.pk}/")
    for n in range(8):
        task_create(lead=lead, user=seller_a, title=f"more {n}", due_at=T0)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(f"/seller/leads/{lead.pk}/")
    assert len(many) == len(few)


def test_the_daily_digest_lists_the_days_open_tasks(
    lead, seller_a, seller_a2, mailoutbox, django_capture_on_commit_callbacks
):
    from leads.services import expiry_digest_send

    with time_machine.travel(T0, tick=False):
        task_create(lead=lead, user=seller_a, title="Call back", due_at=T0 + dt.timedelta(hours=2))
        task_create(lead=lead, user=seller_a, title="Tomorrow", due_at=T0 + dt.timedelta(days=1))
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            expiry_digest_send()
            expiry_digest_send()  # once a day
    assert [m.to for m in mailoutbox] == [[seller_a.email]]  # nothing expiring, a task today
    body = mailoutbox[0].body
    assert "Call back (@creator_silver)" in body and "Tomorrow" not in body
    assert f"/seller/leads/{lead.pk}/" in body
