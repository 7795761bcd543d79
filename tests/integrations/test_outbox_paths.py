"""The transactional outbox covers every write path (issue 23): each change writes its event
in its own transaction, the set-based statements one per changed lead, the jobs once; a
rolled-back change writes nothing; no event carries licensed creator data.

Run on SQLite (the chunked writes) and on PostgreSQL (the data-modifying CTEs):
DATABASE_URL=postgres://postgres@127.0.0.1:5432/test uv run --frozen pytest <this file>
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from core.models import OutboxEvent
from core.outbox import EVENT_TYPES, outbox_datetime
from creators.models import Creator, Tier
from followup.services import due_tasks_remind, task_create, task_update
from im.models import Side
from integrations.models import EventType
from leads import services
from leads.models import Lead, LeadSource, LeadStatus
from leads.pool_version import pool_version_bump
from leads.services.renewal import collaboration_request_renew
from routing.services import assignment_rule_create
from tests.factories import (
    CreatorDailyStatsFactory,
    CreatorUserFactory,
    LeadFactory,
    SellerFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
REQUESTS = "/api/v1/collaboration-requests/"
LICENSED_KEYS = {
    "licensed_data",
    "live_gmv_30d",
    "live_sessions_30d",
    "average_viewers",
    "top_categories",
    "window_start",
    "window_end",
}


def events(type=None, **filters):
    qs = OutboxEvent.objects.order_by("id")
    if type:
        qs = qs.filter(type=type)
    return list(qs.filter(**filters))


def one(type, **filters):
    found = events(type, **filters)
    assert len(found) == 1, [(e.type, e.lead_id, e.data) for e in events()]
    return found[0]


def keys_of(value) -> set:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def assert_no_licensed_data():
    for event in events():
        assert not keys_of(event.data) & LICENSED_KEYS, (event.type, event.data)
        text = json.dumps(event.data)
        assert "1500.00" not in text and "Beauty" not in text, (event.type, event.data)


def many_leads(partner, count, *, status=LeadStatus.NEW):
    """`count` leads of `partner` inserted in bulk (the factory would take a minute)."""
    creators = Creator.objects.bulk_create(
        [Creator(handle=f"bulk_{partner.pk}_{i}", display_name=f"Bulk {i}") for i in range(count)]
    )
    statuses = [status] if isinstance(status, str) else status
    Lead.objects.bulk_create(
        [
            Lead(
                partner=partner,
                creator=creator,
                source=LeadSource.INSTANT_MESSAGE,
                status=statuses[i % len(statuses)],
                requested_at=timezone.now(),
            )
            for i, creator in enumerate(creators)
        ]
    )
    pool_version_bump(partner_ids=[partner.pk])
    return list(Lead.objects.filter(partner=partner).order_by("pk"))


@pytest.fixture
def silver_feed(creator_silver):
    """creator_silver with licensed figures ($1,500, Beauty) that must never be in an event."""
    CreatorDailyStatsFactory(
        creator=creator_silver,
        date=dt.date(2026, 11, 20),
        live_gmv_usd=Decimal("1500.00"),
        top_category="Beauty",
    )
    return creator_silver


def test_the_event_types_are_the_integrations_event_types():
    assert list(EVENT_TYPES) == list(EventType.values)


# --- Collaboration requests -------------------------------------------------------------------


@time_machine.travel(T0, tick=False)
def test_a_request_writes_lead_created_without_licensed_data(api_as, silver_feed, partner_a):
    response = api_as(silver_feed.user).post(
        REQUESTS, {"partner": partner_a.pk, "message": "Hi", "consent": True}, "json"
    )
    assert response.status_code == 201
    lead = Lead.objects.get(partner=partner_a, creator=silver_feed)
    assert lead.licensed_data["live_gmv_30d"] == "1500.00"  # the lead holds it; the event not
    event = one("lead.created")
    assert (event.partner_id, event.lead_id, event.dispatched_at) == (partner_a.pk, lead.pk, None)
    assert event.data == {
        "source": "collaboration_request",
        "status": "new",
        "creator_id": silver_feed.pk,
        "request_id": response.json()["id"],
        "arrival": "new",
        "actor_id": silver_feed.user_id,
    }
    # A repeat while the request is open is no new arrival (its message is an IM message).
    api_as(silver_feed.user).post(
        REQUESTS, {"partner": partner_a.pk, "message": "again", "consent": True}, "json"
    )
    assert len(events("lead.created")) == 1
    assert one("message.received").lead_id == lead.pk
    assert_no_licensed_data()


def test_a_request_after_close_and_after_removal_arrives_again(silver_feed, partner_a, seller_a):
    services.collaboration_request_submit(creator=silver_feed, partner=partner_a)
    lead = Lead.objects.get()
    services.lead_set_status(lead=lead, status=LeadStatus.CLOSED, user=seller_a)
    services.collaboration_request_submit(creator=silver_feed, partner=partner_a)
    created = events("lead.created")
    assert [e.data["arrival"] for e in created] == ["new", "request"]
    reopened = events("lead.status_changed")[-1]
    assert (reopened.data["from"], reopened.data["to"]) == ("closed", "new")
    assert reopened.data["request_id"] == created[-1].data["request_id"]

    services.lead_remove(lead=lead, user=seller_a)
    services.collaboration_request_submit(creator=silver_feed, partner=partner_a)
    assert events("lead.created")[-1].data["arrival"] == "restored"
    assert_no_licensed_data()


# --- One lead: status, owner, removal (API, pages, admin) -----------------------------------


def test_a_status_change_through_the_api_writes_one_event(api_as, partner_a, seller_a):
    lead = LeadFactory(partner=partner_a)
    response = api_as(seller_a).patch(
        f"/api/v1/leads/{lead.pk}/",
        {"status": "closed", "close_reason": {"code": "no_reply", "text": "Silent"}},
        "json",
    )
    assert response.status_code == 200
    event = one("lead.status_changed", lead_id=lead.pk)
    assert event.partner_id == partner_a.pk
    assert event.data == {
        "from": "new",
        "to": "closed",
        "close_reason": {"code": "no_reply", "text": "Silent"},
        "actor_id": seller_a.pk,
    }
    # Refused moves and no-ops write nothing.
    assert api_as(seller_a).patch(f"/api/v1/leads/{lead.pk}/", {"status": "closed"}, "json")
    assert len(events()) == 1


def test_the_pages_status_and_remove_write_their_events(client, partner_a, seller_a):
    lead = LeadFactory(partner=partner_a, status=LeadStatus.CONTACTED)
    client.force_login(seller_a)
    client.post(f"/seller/leads/{lead.pk}/status/", {"status": "collaborating"})
    event = one("lead.status_changed", lead_id=lead.pk)
    assert (event.data["from"], event.data["to"]) == ("contacted", "collaborating")
    client.post(f"/seller/leads/{lead.pk}/remove/", {"close_reason": "not_a_fit"})
    removed = one("lead.removed", lead_id=lead.pk)
    assert removed.data == {
        "close_reason": {"code": "not_a_fit", "text": ""},
        "actor_id": seller_a.pk,
    }
    assert removed.pk > event.pk


def test_an_assignment_names_the_owner_and_the_previous_one(api_as, partner_a, seller_a):
    colleague = SellerFactory(
        user__username="ana", user__first_name="Ana", user__last_name="Lopez", partner=partner_a
    ).user
    lead = LeadFactory(partner=partner_a)
    api_as(seller_a).patch(f"/api/v1/leads/{lead.pk}/", {"owner": colleague.pk}, "json")
    api_as(seller_a).patch(f"/api/v1/leads/{lead.pk}/", {"owner": None}, "json")
    first, second = events("lead.assigned", lead_id=lead.pk)
    assert first.data == {
        "owner_id": colleague.pk,
        "owner_name": "Ana Lopez",
        "from_owner_id": None,
        "by_rule": False,
        "rule": None,
        "actor_id": seller_a.pk,
    }
    assert (second.data["owner_id"], second.data["owner_name"]) == (None, None)
    assert second.data["from_owner_id"] == colleague.pk


def test_the_admin_actions_write_their_events(admin_client, partner_a):
    closing, removing = LeadFactory(partner=partner_a), LeadFactory(partner=partner_a)
    for action, lead in (("close_leads", closing), ("remove_leads", removing)):
        admin_client.post(
            "/admin/leads/lead/", {"action": action, "_selected_action": [lead.pk]}, follow=True
        )
    assert one("lead.status_changed").lead_id == closing.pk
    assert one("lead.removed").lead_id == removing.pk


# --- Bulk: one event per changed lead, in the same statement -----------------------------------


def test_a_bulk_status_change_of_1000_leads_writes_1000_events(api_as, partner_a, seller_a):
    leads = many_leads(partner_a, 1000, status=[LeadStatus.NEW, LeadStatus.CONTACTED])
    LeadFactory(partner=partner_a, status=LeadStatus.CLOSED)  # already closed: no event
    response = api_as(seller_a).post(
        "/api/v1/leads/bulk/",
        {"action": "set_status", "status": "closed", "filters": {}, "close_reason": "other"},
        "json",
    )
    assert response.json()["updated"] == 1000
    written = events("lead.status_changed")
    assert len(written) == 1000 == len(events())
    assert sorted(e.lead_id for e in written) == [lead.pk for lead in leads]
    was = {lead.pk: lead.status for lead in leads}
    assert all(e.data["from"] == was[e.lead_id] and e.data["to"] == "closed" for e in written)
    assert {e.partner_id for e in written} == {partner_a.pk}
    assert written[0].data["close_reason"] == {"code": "other", "text": ""}


def test_a_bulk_assign_and_a_bulk_remove_write_one_event_per_lead(api_as, partner_a, seller_a):
    leads = many_leads(partner_a, 1000)
    Lead.objects.filter(pk=leads[0].pk).update(owner=seller_a)  # already theirs: no event
    pool_version_bump(partner_ids=[partner_a.pk])
    api = api_as(seller_a)
    api.post(
        "/api/v1/leads/bulk/", {"action": "assign", "owner": seller_a.pk, "filters": {}}, "json"
    )
    assigned = events("lead.assigned")
    assert len(assigned) == 999 and leads[0].pk not in {e.lead_id for e in assigned}
    assert {e.data["owner_name"] for e in assigned} == {"seller_a"}

    api.post(
        "/api/v1/leads/bulk/", {"action": "remove", "ids": [lead.pk for lead in leads]}, "json"
    )
    assert len(events("lead.removed")) == 1000
    assert len({e.lead_id for e in events("lead.removed")}) == 1000


def test_a_rolled_back_bulk_change_writes_nothing(partner_a, seller_a):
    leads = many_leads(partner_a, 600)  # more than one chunk on SQLite
    with pytest.raises(RuntimeError), transaction.atomic():
        services.leads_bulk_apply(
            partner=partner_a, user=seller_a, action="set_status", status="contacted", filters={}
        )
        assert len(events("lead.status_changed")) == 600  # written, in the transaction
        raise RuntimeError("a later statement failed")
    assert OutboxEvent.objects.count() == 0
    assert not Lead.objects.filter(pk=leads[0].pk, status="contacted").exists()


def test_a_rolled_back_single_change_and_request_write_nothing(silver_feed, partner_a, seller_a):
    lead = LeadFactory(partner=partner_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.lead_set_status(lead=lead, status=LeadStatus.CONTACTED, user=seller_a)
        services.lead_assign(lead=lead, owner=seller_a, user=seller_a)
        services.lead_remove(lead=lead, user=seller_a)
        services.collaboration_request_submit(creator=silver_feed, partner=partner_a)
        assert len(events()) == 4
        raise RuntimeError
    assert OutboxEvent.objects.count() == 0


# --- IM: add, remove, restore; a creator's message --------------------------------------------


def test_im_add_remove_and_restore(api_as, partner_a, seller_a):
    thread = ThreadFactory(partner=partner_a)
    api = api_as(seller_a)
    url = f"/api/v1/im/threads/{thread.pk}/lead"
    assert api.put(url).status_code in (200, 201)
    lead = Lead.objects.get(partner=partner_a, creator=thread.creator)
    created = one("lead.created")
    assert created.lead_id == lead.pk
    assert created.data["source"] == "instant_message" and created.data["arrival"] == "new"
    api.put(url)  # already in the pool: nothing
    api.delete(url)
    assert one("lead.removed").lead_id == lead.pk
    api.put(url)
    assert [e.data["arrival"] for e in events("lead.created")] == ["new", "restored"]
    assert [e.type for e in events()] == ["lead.created", "lead.removed", "lead.created"]


def test_a_creator_message_is_received_and_a_seller_message_is_not(api_as, partner_a, seller_a):
    thread = ThreadFactory(partner=partner_a)
    url = f"/api/v1/im/threads/{thread.pk}/messages/"
    api_as(seller_a).post(url, {"body": "hello"}, "json")
    assert events() == []
    response = api_as(thread.creator.user).post(url, {"body": "hi back"}, "json")
    assert response.status_code == 201
    event = one("message.received")
    assert (event.partner_id, event.lead_id) == (partner_a.pk, None)  # not a lead (yet)
    assert event.data == {
        "thread_id": thread.pk,
        "message_id": response.json()["id"],
        "lead_id": None,
        "creator_id": thread.creator_id,
        "actor_id": thread.creator.user_id,
    }
    assert "hi back" not in json.dumps(event.data)
    lead = LeadFactory(partner=partner_a, creator=thread.creator)
    api_as(thread.creator.user).post(url, {"body": "now a lead"}, "json")
    assert events("message.received")[-1].data["lead_id"] == lead.pk


def test_a_message_in_a_rolled_back_transaction_writes_nothing(partner_a):
    from im.services import message_send

    thread = ThreadFactory(partner=partner_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        message_send(thread=thread, sender=thread.creator.user, side=Side.CREATOR, body="hey")
        raise RuntimeError
    assert OutboxEvent.objects.count() == 0


# --- Routing --------------------------------------------------------------------------------


def test_rule_assignment_follows_the_arrival(creator_silver, partner_a, seller_a):
    rule = assignment_rule_create(
        partner=partner_a, name="Everyone", query="", strategy="round_robin", members=[seller_a.pk]
    )
    services.collaboration_request_submit(creator=creator_silver, partner=partner_a)
    created, assigned = events()
    assert (created.type, assigned.type) == ("lead.created", "lead.assigned")
    assert assigned.lead_id == created.lead_id
    assert assigned.data == {
        "owner_id": seller_a.pk,
        "owner_name": "seller_a",
        "from_owner_id": None,
        "by_rule": True,
        "rule": {"id": rule.pk, "name": "Everyone"},
        "actor_id": None,
    }


# --- Jobs: set-based, once ------------------------------------------------------------------


@pytest.fixture
def requested(partner_a):
    """Three Silver creators' requests at T0; the third lead removed from the pool."""
    creators = [CreatorUserFactory(tier=Tier.SILVER, follower_count=5000) for _ in range(3)]
    with time_machine.travel(T0, tick=False):
        for creator in creators:
            services.collaboration_request_submit(creator=creator, partner=partner_a)
    leads = list(Lead.objects.filter(partner=partner_a).order_by("pk"))
    services.lead_remove(lead=leads[2], user=None)
    OutboxEvent.objects.all().delete()
    return leads


def test_the_expiry_job_writes_one_expired_event_per_lead_once(requested, partner_a):
    after = T0 + dt.timedelta(days=7, seconds=1)
    with time_machine.travel(after, tick=False):
        run = services.authorizations_expire()
        assert run.rows_changed == 3
        assert services.authorizations_expire().rows_changed == 0  # the rerun
    written = events("lead.authorization_expired")
    assert sorted(e.lead_id for e in written) == [requested[0].pk, requested[1].pk]  # in pool
    assert len(events()) == 2
    assert written[0].data["expired_at"] == outbox_datetime(after)
    assert (
        written[0].data["request_id"]
        == Lead.objects.get(pk=written[0].lead_id).collaboration_requests.get().pk
    )


def test_the_expiry_job_in_a_rolled_back_transaction_writes_nothing(requested):
    with time_machine.travel(T0 + dt.timedelta(days=8), tick=False):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.authorizations_expire()
            assert len(events("lead.authorization_expired")) == 2
            raise RuntimeError
    assert OutboxEvent.objects.count() == 0


def test_the_expiring_reminder_writes_once_per_authorization(requested, creator_silver, partner_a):
    with time_machine.travel(T0 + dt.timedelta(days=6, hours=1), tick=False):
        services.expiring_authorizations_remind()
        services.expiring_authorizations_remind()  # the rerun adds nothing
    written = events("lead.authorization_expiring")
    assert sorted(e.lead_id for e in written) == [requested[0].pk, requested[1].pk]
    expires = T0 + dt.timedelta(days=7)
    assert {e.data["expires_at"] for e in written} == {outbox_datetime(expires)}
    assert len(events()) == 2

    # A renewal changes no status, owner or pool: no event; its new authorization is reminded
    # once more when it nears its end.
    lead = requested[0]
    request = lead.collaboration_requests.get()
    with time_machine.travel(T0 + dt.timedelta(days=6, hours=2), tick=False):
        collaboration_request_renew(request=request, creator=lead.creator, consent=True)
    assert len(events()) == 2
    with time_machine.travel(T0 + dt.timedelta(days=12, hours=3), tick=False):
        services.expiring_authorizations_remind()
    assert [e.lead_id for e in events("lead.authorization_expiring")][-1] == lead.pk
    assert len(events("lead.authorization_expiring")) == 3


def test_the_due_task_job_writes_task_due_once_per_task(partner_a, seller_a):
    lead, removed = LeadFactory(partner=partner_a), LeadFactory(partner=partner_a)
    with time_machine.travel(T0, tick=False):
        due = task_create(
            lead=lead, user=seller_a, title="Call back", due_at=T0 + dt.timedelta(hours=1)
        )
        task_create(lead=lead, user=seller_a, title="Later", due_at=T0 + dt.timedelta(days=3))
        done = task_create(lead=lead, user=seller_a, title="Done", due_at=T0)
        task_update(task=done, user=seller_a, done=True)
        task_create(lead=removed, user=seller_a, title="Gone", due_at=T0)
        services.lead_remove(lead=removed, user=seller_a)
    OutboxEvent.objects.all().delete()
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        due_tasks_remind()
        due_tasks_remind()
    event = one("task.due")
    assert (event.partner_id, event.lead_id) == (partner_a.pk, lead.pk)
    assert event.data == {
        "task_id": due.pk,
        "title": "Call back",
        "due_at": outbox_datetime(T0 + dt.timedelta(hours=1)),
        "assignee_id": seller_a.pk,
    }
    assert len(events()) == 1


def test_a_whole_day_writes_no_licensed_data(api_as, silver_feed, partner_a, seller_a):
    with time_machine.travel(T0, tick=False):
        api_as(silver_feed.user).post(
            REQUESTS, {"partner": partner_a.pk, "message": "Hi", "consent": True}, "json"
        )
    lead = Lead.objects.get()
    services.lead_assign(lead=lead, owner=seller_a, user=seller_a)
    services.lead_set_status(lead=lead, status=LeadStatus.CONTACTED, user=seller_a)
    with time_machine.travel(T0 + dt.timedelta(days=6, hours=1), tick=False):
        services.expiring_authorizations_remind()
    with time_machine.travel(T0 + dt.timedelta(days=8), tick=False):
        services.authorizations_expire()
    services.lead_remove(lead=lead, user=seller_a)
    assert {e.type for e in events()} == {
        "lead.created",
        "lead.assigned",
        "lead.status_changed",
        "lead.authorization_expiring",
        "lead.authorization_expired",
        "lead.removed",
    }
    assert_no_licensed_data()
