"""An attempt's whole time is bounded (WEBHOOKS_ATTEMPT_SECONDS): a receiver that drips its
answer a byte at a time, each byte inside the read timeout, is cut at the deadline, and the
delivery is logged as failed for that reason and retried later. A prompt receiver is
unaffected, and a run leaves no watchdog thread behind."""

import socket
import threading
import time

import pytest
from django.test import override_settings

from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.services import webhooks_deliver
from tests.factories import LeadFactory

from .receiver import Receiver
from .webhook_helpers import event

pytestmark = pytest.mark.django_db


class DrippingReceiver:
    """Reads the request, then sends a 200's status line one byte every 0.1 s, for ever."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}/hook"

    def _serve(self):
        self.server.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
                    if self.stop.is_set():
                        return
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        break
                    time.sleep(0.1)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.server.close()
        self.thread.join(timeout=5)


def _endpoint(partner, url):
    return WebhookEndpoint.objects.create(
        partner=partner, url=url, events=["lead.created"], secret="whsec_" + "A" * 32
    )


def _watchdogs():
    return [t for t in threading.enumerate() if t.name == "webhook-deadline" and t.is_alive()]


@override_settings(WEBHOOKS_READ_TIMEOUT=1, WEBHOOKS_ATTEMPT_SECONDS=0.6)
def test_a_dripping_receiver_is_cut_at_the_attempts_deadline(partner_a):
    with DrippingReceiver() as receiver:
        _endpoint(partner_a, receiver.url)
        event(partner_a, lead=LeadFactory(partner=partner_a))
        started = time.monotonic()
        webhooks_deliver()
        took = time.monotonic() - started
    delivery = WebhookDelivery.objects.get()
    assert took < 3, took
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_error == "took longer than 0.6 s"
    assert delivery.last_status_code is None
    assert _watchdogs() == []


@override_settings(WEBHOOKS_ATTEMPT_SECONDS=0.6)
def test_a_prompt_receiver_is_unaffected_by_the_deadline(partner_a):
    with Receiver() as receiver:
        _endpoint(partner_a, receiver.url)
        for _ in range(3):
            event(partner_a, lead=LeadFactory(partner=partner_a))
        webhooks_deliver()
        time.sleep(0.8)  # past the deadline of every attempt: nothing is cut afterwards
    assert len(receiver.received) == 3
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
    assert _watchdogs() == []
