"""@mentions in notes, and the hourly first-response escalation job."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from leads.models import CollaborationRequest, Lead
from leads.services import collaboration_request_submit, lead_assign, note_create, note_update
from leads.services.escalation import unanswered_requests_escalate
from notifications.models import Notification, NotificationKind
from tests.factories import LeadFactory, SellerFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


@pytest.fixture
def seller_a2(partner_a):
    return SellerFactory(user__username="seller_a2", partner=partner_a).user


def mentions():
    return list(
        Notification.objects.filter(kind=NotificationKind.MENTIONED)
        .order_by("id")
        .values_list("user__username", "link")
    )


def test_a_mention_notifies_the_colleague_once_never_the_author_nor_an_outsider(
    partner_a, seller_a, seller_a2, seller_b, creator_silver
):
    lead = LeadFactory(partner=partner_a, creator=creator_silver)
    note = note_create(
        lead=lead,
        author=seller_a,
        body="@seller_a2, call them. cc @seller_a @seller_b @nobody mail@seller_a2.",
    )
    assert mentions() == [("seller_a2", f"/seller/leads/{lead.pk}/#note-{note.pk}")]
    text = Notification.objects.get(kind=NotificationKind.MENTIONED).text
    assert text == "seller_a mentioned you in a note on @creator_silver."
    # An edit tells only the newly mentioned: seller_a2 is not told again.
    colleague = SellerFactory(user__username="seller_a3", partner=partner_a).user
    note_update(note=note, user=seller_a, body="@seller_a2 and @seller_a3 please")
    assert [u for u, _ in mentions()] == ["seller_a2", "seller_a3"]
    note_update(note=note, user=seller_a, body="@seller_a2 and @seller_a3 please!")
    assert len(mentions()) == 2
    assert colleague.pk


def test_mentions_through_the_api_and_the_page(
    api_as, client, partner_a, seller_a, seller_a2, creator_silver
):
    lead = LeadFactory(partner=partner_a, creator=creator_silver)
    answer = api_as(seller_a).post(
        f"/api/v1/leads/{lead.pk}/notes/", {"body": "over to you @seller_a2"}, format="json"
    )
    assert answer.status_code == 201
    client.force_login(seller_a2)
    client.post(f"/seller/leads/{lead.pk}/notes/", {"body": "thanks @seller_a"})
    assert [u for u, _ in mentions()] == ["seller_a2", "seller_a"]
    # The mention links to the note in the lead's one timeline (served beside the detail).
    html = client.get(f"/seller/im/leads/{lead.pk}/timeline/").content.decode()
    note_id = mentions()[0][1].split("#note-")[1]
    assert f'id="note-{note_id}"' in html


def _request(creator, partner, at):
    with time_machine.travel(at, tick=False):
        collaboration_request_submit(creator=creator, partner=partner, message="hi")
    return Lead.objects.get(creator=creator, partner=partner)


def escalations():
    return sorted(
        Notification.objects.filter(
            kind__in=[NotificationKind.RESPONSE_DUE, NotificationKind.RESPONSE_OVERDUE]
        ).values_list("kind", "user__username")
    )


def test_escalation_notifies_once_near_the_deadline_and_once_past_it(
    partner_a, seller_a, seller_a2, creator_silver
):
    partner_a.response_target_hours = 24
    partner_a.save()
    lead = _request(creator_silver, partner_a, T0)
    # 17 hours in: 7 h left of 24, more than a quarter. Nothing.
    assert unanswered_requests_escalate(now=T0 + 17 * H).rows_changed == 0
    # 19 hours in: 5 h left, within the last 25%: every staff user (no owner), once.
    assert unanswered_requests_escalate(now=T0 + 19 * H).rows_changed == 1
    assert escalations() == [("response_due", "seller_a"), ("response_due", "seller_a2")]
    assert unanswered_requests_escalate(now=T0 + 20 * H).rows_changed == 0
    # Past the deadline: the owner only, once.
    lead_assign(lead=lead, owner=seller_a2, user=seller_a)
    with time_machine.travel(T0 + 25 * H, tick=False):
        call_command("escalate_unanswered_requests")
        call_command("escalate_unanswered_requests")
    assert escalations() == [
        ("response_due", "seller_a"),
        ("response_due", "seller_a2"),
        ("response_overdue", "seller_a2"),
    ]
    request = CollaborationRequest.objects.get(lead=lead)
    assert request.response_due_notified_at == T0 + 19 * H
    assert request.response_overdue_notified_at == T0 + 25 * H


def test_an_answered_request_is_never_escalated(partner_a, seller_a, creator_silver):
    lead = _request(creator_silver, partner_a, T0)
    Lead.objects.filter(pk=lead.pk).update(first_response_at=T0 + H)
    CollaborationRequest.objects.filter(lead=lead).update(first_response_at=T0 + H)
    assert unanswered_requests_escalate(now=T0 + 30 * H).rows_changed == 0
    assert escalations() == []


def test_response_figures_in_stats_and_dashboard(api_as, client, partner_a, seller_a):
    from tests.factories import CreatorFactory

    def lead(handle, **fields):
        return LeadFactory(
            partner=partner_a, creator=CreatorFactory(handle=handle), requested_at=T0, **fields
        )

    with time_machine.travel(T0 + 30 * H, tick=False):
        lead("fast", response_due_at=T0 + 24 * H, first_response_at=T0 + 2 * H, owner=seller_a)
        lead("slow", response_due_at=T0 + 24 * H, first_response_at=T0 + 26 * H)
        lead("late", response_due_at=T0 + 24 * H)
        lead("waiting", response_due_at=T0 + 48 * H)
        lead("im")
        figures = api_as(seller_a).get("/api/v1/leads/stats/").json()["response"]
        assert figures["median_first_response_hours"] == 14.0
        assert figures["answered_within_target"] == round(1 / 3, 4)
        assert figures["overdue"] == 1
        assert figures["by_owner"]["seller_a"]["median_first_response_hours"] == 2.0
        assert figures["by_owner"]["none"]["overdue"] == 1
        assert figures["by_source"]["instant_message"]["overdue"] == 1
        filtered = api_as(seller_a).get("/api/v1/leads/stats/?owner=me").json()["response"]
        assert filtered["overdue"] == 0 and filtered["answered_within_target"] == 1.0
        client.force_login(seller_a)
        html = client.get("/seller/dashboard/").content.decode()
        assert 'data-testid="response-figures"' in html and "14.0 h" in html
