"""The webhook worker: fan the outbox out, then send what is due; one run at a time."""

import time
from dataclasses import dataclass, field

from core.jobs import JobAlreadyRunning
from core.locks import lease_acquire, lease_release

from ..net import Sender
from .deliveries import SEND_BATCH, SendResult, deliveries_send
from .dispatch import DISPATCH_BATCH, outbox_dispatch

DELIVER_LEASE = "job:deliver_webhooks"
# How often a looping run looks for new events when it found nothing to do.
POLL_SECONDS = 0.5


@dataclass
class DeliverRun:
    """What one run of `deliver_webhooks` did."""

    events: int = 0
    sent: SendResult = field(default_factory=SendResult)

    def add(self, result: SendResult) -> None:
        for name in ("attempted", "succeeded", "failed", "disabled"):
            setattr(self.sent, name, getattr(self.sent, name) + getattr(result, name))


def webhooks_deliver(*, seconds: float = 0, batch: int = SEND_BATCH) -> DeliverRun:
    """Dispatch committed outbox events and send due deliveries, in rounds, until nothing is
    left to do now; with `seconds`, keep polling for new events until that much time has
    passed (the scheduled task runs for most of a minute, so events leave within a second or
    so of their commit). Runs never overlap: the job's lease (core.locks) is taken first,
    else JobAlreadyRunning. Idempotent: a rerun finds nothing due."""
    lease = lease_acquire(DELIVER_LEASE)
    if lease is None:
        raise JobAlreadyRunning("Webhook delivery: another run is in progress.")
    run, sender = DeliverRun(), Sender()
    until = time.monotonic() + seconds
    try:
        while not lease.lost.is_set():
            events = outbox_dispatch(limit=DISPATCH_BATCH)
            sent = deliveries_send(limit=batch, sender=sender)
            run.events += events
            run.add(sent)
            if events or sent.attempted:
                if time.monotonic() < until or not seconds:
                    continue
                break
            if time.monotonic() + POLL_SECONDS >= until:
                break
            time.sleep(POLL_SECONDS)
    finally:
        sender.close()
        lease_release(lease)
    return run
