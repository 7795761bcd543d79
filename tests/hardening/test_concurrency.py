"""Races that real users cause: double submits from two tabs, add/remove clicked at once.

They need a database with real row locks and concurrent connections, so they run on
PostgreSQL (CI sets DATABASE_URL) and are skipped on SQLite.
"""

import random
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from creators.models import Tier
from im.models import Message, Side, Thread
from im.services import message_send
from leads.models import CollaborationRequest, Lead, LeadEvent
from leads.services import collaboration_request_submit, lead_add, lead_remove
from notifications.models import Notification, NotificationKind
from tests.factories import CreatorUserFactory, PartnerFactory, SellerFactory, ThreadFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL: set DATABASE_URL (CI does)")


def run_together(count: int, work) -> list:
    """Start `count` threads that call work(i) at the same moment; return results/errors."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_simultaneous_requests_make_one_request_and_one_lead():
    partner = PartnerFactory()
    creator = CreatorUserFactory(tier=Tier.GOLD)

    results = run_together(
        20,
        lambda i: collaboration_request_submit(
            creator=creator, partner=partner, message=f"tab {i}"
        ),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert sum(1 for r in results if r.created) == 1
    assert len({r.request.pk for r in results}) == 1
    assert CollaborationRequest.objects.filter(creator=creator, partner=partner).count() == 1
    assert Lead.objects.filter(creator=creator, partner=partner).count() == 1
    assert Notification.objects.filter(kind=NotificationKind.NEW_REQUEST).count() == 1


def test_fifty_simultaneous_toggles_leave_one_consistent_lead():
    seller = SellerFactory()
    creator = CreatorUserFactory(tier=Tier.BRONZE)
    rng = random.Random(7)
    plan = [rng.choice(["add", "remove"]) for _ in range(50)]
    plan[0] = "add"

    def toggle(i):
        if plan[i] == "add":
            return lead_add(partner=seller.partner, creator=creator, user=seller.user)[1]
        lead = Lead.objects.filter(partner=seller.partner, creator=creator).first()
        return lead_remove(lead=lead, user=seller.user) if lead else False

    results = run_together(50, toggle)

    assert [r for r in results if isinstance(r, Exception)] == []
    leads = Lead.objects.filter(partner=seller.partner, creator=creator)
    assert leads.count() == 1
    lead = leads.get()
    removals = LeadEvent.objects.filter(lead=lead, kind=LeadEvent.Kind.REMOVED).count()
    assert removals == sum(1 for i, r in enumerate(results) if plan[i] == "remove" and r)
    assert Notification.objects.filter(
        kind=NotificationKind.LEAD_REMOVED, lead_id=lead.pk
    ).count() == (removals)
    # Events are written under the lead's row lock, so their ids follow commit order.
    last = LeadEvent.objects.filter(lead=lead).order_by("-id").first()
    assert (lead.removed_at is not None) == (last.kind == LeadEvent.Kind.REMOVED)


def test_a_send_takes_its_id_and_time_only_once_it_holds_the_thread():
    """While another transaction holds the thread (a send or a mark-read in flight), a new send
    waits before it takes its id and time. So sends in one thread commit in id order, a poll
    for "messages after id N" cannot skip one committed late, and a mark-read never covers a
    message it did not see."""
    thread = ThreadFactory()
    holding = threading.Event()
    released_at = []

    def hold_the_thread():
        try:
            with transaction.atomic():
                Thread.objects.select_for_update().get(pk=thread.pk)
                holding.set()
                time.sleep(0.5)
                released_at.append(timezone.now())
        finally:
            connections.close_all()

    def send():
        try:
            holding.wait(timeout=10)
            message_send(thread=thread, sender=None, side=Side.CREATOR, body="hello")
        finally:
            connections.close_all()

    workers = [threading.Thread(target=hold_the_thread), threading.Thread(target=send)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=20)
    message = Message.objects.get(thread=thread)
    assert message.created_at >= released_at[0]
