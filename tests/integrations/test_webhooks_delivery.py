"""Webhook delivery against a real HTTP receiver: signature, body, retries, order, disable,
replay, rollback, pool queries, licensed data, Slack."""

import datetime as dt
import io
import json

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from core.models import OutboxEvent
from creators.models import Tier
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from integrations.services import (
    deliveries_send,
    outbox_dispatch,
    webhook_delivery_replay,
    webhook_endpoint_update,
    webhooks_deliver,
)
from integrations.signing import signature
from notifications.models import Notification, NotificationKind
from tests.factories import LeadFactory, SellerFactory

from .receiver import Receiver, Script
from .webhook_helpers import LICENSED, SignatureInvalid, endpoint, event, licensed_lead, verify

pytestmark = pytest.mark.django_db
FAST = {"WEBHOOKS_CONNECT_TIMEOUT": 1, "WEBHOOKS_READ_TIMEOUT": 0.5}


def later(seconds: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


def test_the_signer_reproduces_the_standard_webhooks_test_vector():
    # The published vector of the Standard Webhooks reference libraries.
    assert (
        signature(
            secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            message_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
            timestamp=1614265330,
            body=b'{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_a_delivery_is_signed_and_carries_type_timestamp_and_the_lead(partner_a, seller_a):
    lead = licensed_lead(partner_a, handle="glow_kim", tier=Tier.GOLD, follower_count=54_321)
    lead.owner = seller_a
    lead.save(update_fields=["owner"])
    with Receiver() as receiver:
        hook, secret = endpoint(partner_a, seller_a, receiver.url)
        happened = event(partner_a, "lead.status_changed", lead=lead, data={"status": "contacted"})
        run = webhooks_deliver()
    assert (run.events, run.sent.succeeded) == (1, 1)
    [got] = receiver.received
    verify(secret=secret, headers=got.headers, body=got.body)
    with pytest.raises(SignatureInvalid):  # the verifier does refuse a wrong secret
        verify(secret="whsec_" + "A" * 32, headers=got.headers, body=got.body)
    body = got.json
    assert body["type"] == "lead.status_changed"
    assert body["timestamp"] == happened.created_at.isoformat().replace("+00:00", "Z")
    assert body["data"]["status"] == "contacted"
    snapshot = body["data"]["lead"]
    assert snapshot["id"] == lead.pk and snapshot["url"].endswith(f"/seller/leads/{lead.pk}/")
    assert snapshot["creator"]["handle"] == "glow_kim"
    assert snapshot["creator"]["tier"] == "gold" and snapshot["creator"]["follower_count"] == 54_321
    assert snapshot["owner"]["username"] == "seller_a"
    assert snapshot["licensed_data"] == LICENSED and snapshot["authorization_active"] is True
    delivery = WebhookDelivery.objects.get()
    assert got.headers["webhook-id"] == delivery.message_id
    assert delivery.status == "succeeded" and delivery.attempts == 1
    assert delivery.last_status_code == 200 and delivery.last_response_excerpt == "ok"
    assert OutboxEvent.objects.get().dispatched_at is not None
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0


def test_only_wanted_types_of_the_own_partner_are_delivered(partner_a, seller_a, partner_b):
    lead = LeadFactory(partner=partner_a)
    with Receiver() as receiver:
        endpoint(partner_a, seller_a, receiver.url, events=["lead.created"])
        event(partner_a, "lead.created", lead=lead)
        event(partner_a, "lead.removed", lead=lead)
        event(partner_b, "lead.created", lead=LeadFactory(partner=partner_b))
        run = webhooks_deliver()
    assert [r.json["type"] for r in receiver.received] == ["lead.created"]
    assert run.events == 3 and OutboxEvent.objects.filter(dispatched_at=None).count() == 0


@override_settings(**FAST)
def test_a_500_is_retried_with_backoff_and_then_delivered(partner_a, seller_a):
    lead = LeadFactory(partner=partner_a)
    with Receiver(Script(statuses=[500, 200])) as receiver:
        hook, secret = endpoint(partner_a, seller_a, receiver.url)
        event(partner_a, lead=lead)
        first = webhooks_deliver()
        delivery = WebhookDelivery.objects.get()
        assert (first.sent.failed, delivery.status, delivery.attempts) == (1, "pending", 1)
        assert delivery.last_status_code == 500 and delivery.last_error == "HTTP 500"
        wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
        assert 8 < wait <= 10  # the first retry waits 10 s
        assert deliveries_send(now=later(5)).attempted == 0  # not yet
        assert deliveries_send(now=later(11)).succeeded == 1
    assert len(receiver.received) == 2
    first_try, second_try = receiver.received
    assert first_try.headers["webhook-id"] == second_try.headers["webhook-id"]
    verify(secret=secret, headers=second_try.headers, body=second_try.body)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)
    assert list(WebhookAttempt.objects.order_by("id").values_list("status_code", flat=True)) == [
        500,
        200,
    ]
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0 and hook.active


@override_settings(**FAST)
def test_a_timeout_is_a_failed_attempt_and_is_retried(partner_a, seller_a):
    with Receiver(Script(delays=[2.0])) as receiver:
        endpoint(partner_a, seller_a, receiver.url)
        event(partner_a, lead=LeadFactory(partner=partner_a))
        deliveries = webhooks_deliver()
        delivery = WebhookDelivery.objects.get()
        assert deliveries.sent.failed == 1
        assert delivery.last_error == "timed out" and delivery.last_status_code is None
        attempt = WebhookAttempt.objects.get()
        assert 400 <= attempt.duration_ms < 1500  # the read timeout, not the receiver's 2 s
        assert deliveries_send(now=later(11)).succeeded == 1
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 2


@override_settings(**FAST)
def test_order_per_endpoint_is_kept_behind_a_failing_delivery(partner_a, seller_a):
    lead = LeadFactory(partner=partner_a)
    with Receiver(Script(statuses=[503, 200])) as receiver:
        endpoint(partner_a, seller_a, receiver.url)
        for n in range(5):
            event(partner_a, "lead.status_changed", lead=lead, data={"n": n})
        webhooks_deliver()
        # The first failed: nothing after it went out, though the others were due.
        assert [r.json["data"]["n"] for r in receiver.received] == [0]
        assert WebhookDelivery.objects.filter(status="pending").count() == 5
        deliveries_send(now=later(11))
    assert [r.json["data"]["n"] for r in receiver.received] == [0, 0, 1, 2, 3, 4]


@override_settings(WEBHOOKS_RETRY_SCHEDULE=[10, 60], **FAST)
def test_a_delivery_out_of_retries_disables_its_endpoint_and_tells_the_staff(
    partner_a, seller_a, mailoutbox, django_capture_on_commit_callbacks
):
    other_seller = SellerFactory(partner=partner_a).user
    lead = LeadFactory(partner=partner_a)
    with Receiver(Script(statuses=[500])) as receiver:
        hook, _ = endpoint(partner_a, seller_a, receiver.url)
        event(partner_a, lead=lead)
        event(partner_a, "lead.removed", lead=lead)
        webhooks_deliver()
        deliveries_send(now=later(11))
        assert WebhookEndpoint.objects.get().active  # two failures: one retry left
        with django_capture_on_commit_callbacks(execute=True):
            result = deliveries_send(now=later(75))
    assert result.disabled == 1 and len(receiver.received) == 3
    hook.refresh_from_db()
    assert not hook.active and "failed 3 times" in hook.disabled_reason
    head, behind = WebhookDelivery.objects.order_by("id")
    assert (head.status, head.attempts, head.last_error) == ("failed", 3, "HTTP 500")
    assert (behind.status, behind.attempts) == ("failed", 0)
    assert behind.last_error == "Not sent: the endpoint was disabled."
    notice = Notification.objects.get(kind=NotificationKind.WEBHOOK_DISABLED)
    assert notice.partner == partner_a and notice.user is None  # every staff user of A
    assert notice.link == "/seller/settings/#webhooks" and receiver.url in notice.text
    assert deliveries_send(now=later(10**6)).attempted == 0  # off: nothing more is sent
    # Turned back on by staff: the reason and the count are cleared; failed ones stay failed.
    webhook_endpoint_update(endpoint=hook, user=seller_a, active=True)
    hook.refresh_from_db()
    assert hook.active and hook.disabled_reason == "" and hook.consecutive_failures == 0
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([seller_a.email, other_seller.email])
    assert "turned off" in mail.subject and "/seller/settings/#webhooks" in mail.body


@override_settings(WEBHOOKS_DISABLE_AFTER_FAILURES=3, **FAST)
def test_a_run_of_failed_attempts_disables_the_endpoint(partner_a, seller_a):
    with Receiver(Script(statuses=[502])) as receiver:
        hook, _ = endpoint(partner_a, seller_a, receiver.url)
        event(partner_a, lead=LeadFactory(partner=partner_a))
        webhooks_deliver()
        deliveries_send(now=later(11))
        hook.refresh_from_db()
        assert hook.active and hook.consecutive_failures == 2
        deliveries_send(now=later(75))
    hook.refresh_from_db()
    assert not hook.active and "3 delivery attempts in a row failed" in hook.disabled_reason
    assert Notification.objects.filter(kind="webhook_disabled", partner=partner_a).count() == 1


def test_a_replay_sends_the_same_message_again(partner_a, seller_a):
    lead = LeadFactory(partner=partner_a)
    with Receiver() as receiver:
        _, secret = endpoint(partner_a, seller_a, receiver.url)
        event(partner_a, lead=lead, data={"status": "new"})
        webhooks_deliver()
        original = WebhookDelivery.objects.get()
        replay = webhook_delivery_replay(delivery=original, user=seller_a)
        webhooks_deliver()
    first, again = receiver.received
    assert first.headers["webhook-id"] == again.headers["webhook-id"] == original.message_id
    assert json.loads(first.body)["data"] == json.loads(again.body)["data"]
    verify(secret=secret, headers=again.headers, body=again.body)
    replay.refresh_from_db()
    assert replay.status == "succeeded" and replay.replay_of == original
    assert replay.replayed_by == seller_a


def test_a_rolled_back_change_delivers_nothing(partner_a, seller_a):
    lead = LeadFactory(partner=partner_a)
    with Receiver() as receiver:
        endpoint(partner_a, seller_a, receiver.url)
        with pytest.raises(RuntimeError), transaction.atomic():
            event(partner_a, lead=lead, data={"which": "rolled back"})
            raise RuntimeError("the change failed")
        event(partner_a, lead=lead, data={"which": "committed"})
        webhooks_deliver()
    assert [r.json["data"]["which"] for r in receiver.received] == ["committed"]
    assert OutboxEvent.objects.count() == 1


def test_a_pool_query_sends_only_matching_leads_with_one_query_per_endpoint(
    partner_a, seller_a, django_assert_max_num_queries
):
    gold = [LeadFactory(partner=partner_a, creator_tier=Tier.GOLD) for _ in range(3)]
    bronze = [LeadFactory(partner=partner_a, creator_tier=Tier.BRONZE) for _ in range(3)]
    with Receiver() as receiver:
        endpoint(partner_a, seller_a, receiver.url, query="tier=gold&tier=platinum")
        endpoint(partner_a, seller_a, receiver.url + "/all")
        for lead in gold + bronze:
            event(partner_a, lead=lead)
        event(partner_a, "message.received", data={"thread_id": 1})  # no lead: not matched
        # A lock, the stamp, the events, the endpoints, one lead query (the filtered
        # endpoint), the insert, the stamp of the batch (and savepoints).
        with django_assert_max_num_queries(9):
            outbox_dispatch()
        deliveries_send()
    filtered = [r.json["data"]["lead"]["id"] for r in receiver.received if r.path == "/hook"]
    everything = [r for r in receiver.received if r.path == "/hook/all"]
    assert filtered == [lead.pk for lead in gold]
    assert len(everything) == 7


def test_licensed_data_is_sent_only_while_the_authorization_lasts(partner_a, seller_a):
    lead = licensed_lead(partner_a, hours=1)
    with Receiver() as receiver:
        endpoint(partner_a, seller_a, receiver.url)
        event(partner_a, lead=lead)
        webhooks_deliver()
        original = WebhookDelivery.objects.get()
        lead.authorization_expires_at = timezone.now() - dt.timedelta(seconds=1)
        lead.save(update_fields=["authorization_expires_at"])  # ended; not yet purged
        webhook_delivery_replay(delivery=original, user=seller_a)
        event(partner_a, "lead.authorization_expired", lead=lead)
        webhooks_deliver()
    live, replayed, expired = (r.json["data"]["lead"] for r in receiver.received)
    assert live["licensed_data"] == LICENSED
    for after in (replayed, expired):
        assert after["licensed_data"] is None and after["authorization_active"] is False
    for got in receiver.received[1:]:
        assert b"1500.00" not in got.body and b"Beauty" not in got.body


def test_a_slack_endpoint_gets_a_readable_message(partner_a, seller_a):
    lead = licensed_lead(
        partner_a, handle="glow_kim", display_name="Kim <Glow>", tier=Tier.GOLD,
        follower_count=54_321,
    )  # fmt: skip
    with Receiver() as receiver:
        endpoint(partner_a, seller_a, receiver.url, kind="slack", events=["lead.created"])
        event(partner_a, lead=lead)
        webhooks_deliver()
    [got] = receiver.received
    text = got.json["text"]
    assert set(got.json) == {"text"}
    assert "*New lead*: @glow_kim (Kim &lt;Glow&gt;)" in text
    assert "Tier: Gold" in text and "Followers: 54,321" in text
    assert "Source: Collaboration request" in text
    assert f"/seller/leads/{lead.pk}/|Open the lead>" in text
    assert "1500" not in text


def test_keep_alive_many_events_in_one_run(partner_a, seller_a):
    leads = [LeadFactory(partner=partner_a) for _ in range(3)]
    with Receiver() as receiver:
        endpoint(partner_a, seller_a, receiver.url)
        for n in range(60):
            event(partner_a, "lead.status_changed", lead=leads[n % 3], data={"n": n})
        run = webhooks_deliver()
    assert run.sent.succeeded == 60
    assert [r.json["data"]["n"] for r in receiver.received] == list(range(60))
    assert WebhookDelivery.objects.filter(status="succeeded").count() == 60


def test_the_command_and_the_task_run_the_worker_once_at_a_time(partner_a, seller_a):
    from django.core.management import CommandError, call_command

    from core.locks import lease_acquire, lease_release
    from integrations.tasks import deliver_webhooks_task

    with Receiver() as receiver:
        endpoint(partner_a, seller_a, receiver.url)
        event(partner_a, lead=LeadFactory(partner=partner_a))
        out = io.StringIO()
        call_command("deliver_webhooks", stdout=out)
        assert "1 event dispatched, 1 attempt (1 delivered, 0 failed)" in out.getvalue()
        event(partner_a, lead=LeadFactory(partner=partner_a))
        held = lease_acquire("job:deliver_webhooks", renew=False)
        try:
            assert "skipped" in deliver_webhooks_task(seconds=0)
            with pytest.raises(CommandError, match="another run is in progress"):
                call_command("deliver_webhooks")
        finally:
            lease_release(held)
        assert deliver_webhooks_task(seconds=0)["succeeded"] == 1
    assert len(receiver.received) == 2
