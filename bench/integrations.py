"""Issue 23's delivery figure: how many events a webhook worker run delivers per second to a
receiver on loopback (target: at least 200/s).

A partner of its own ("bench-webhooks", made here and deleted after, with its leads and
creators) gets one generic endpoint pointing at a small receiver started in another process
(http.server, keep-alive, answering 200 at once), and EVENTS committed outbox events about
its leads. One `webhooks_deliver()` run then fans them out and sends them: the figure is the
events delivered over the run's wall time, dispatch, signing, the leads' snapshots, the
HTTP round trips and the log writes included. Each run's events are new; medians of
`repeats` runs.

`webhook_delivery_cpu_ms_per_event` is the worker process's own CPU time per event: each
delivery is a round trip to another process, so on a loaded machine the wall-clock figure
mostly measures how soon the scheduler runs the receiver, not the worker.

`webhook_delivery_ms_per_event` is the wall-clock figure inverted, so that bench/run.py's targets
(upper bounds) can hold it: at most 5 ms per event is at least 200 events/s. The outbox's own
figure (what it adds to a bulk change) is bench/outbox.py's, which bench/run.py runs too.

From bench/run.py (django set up, on the bench database):

    from bench import integrations
    figures.update(integrations.measure(creators=…, repeats=…, log=…))

On its own (any database; PostgreSQL by default):

    uv run --frozen python -m bench.integrations
"""

import http.server
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

EVENTS = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "2000"))
LEADS = 200
ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"webhook_delivery_ms_per_event": 5.0}


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def serve() -> None:
    """The receiver's process: print the port, then answer until killed."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def _receiver():
    """A receiver in its own process (its own interpreter: no GIL shared with the worker)."""
    process = subprocess.Popen(
        [sys.executable, "-c", "from bench.integrations import serve; serve()"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, int(process.stdout.readline())


def _world(url: str):
    """The bench partner, its seller, leads and the endpoint."""
    from django.contrib.auth.models import User

    from creators.models import Creator, Partner, PartnerStaff
    from integrations.services import webhook_endpoint_create
    from leads.models import Lead
    from leads.pool_version import pool_version_bump

    _cleanup()
    partner = Partner.objects.create(name="Bench webhooks", slug="bench-webhooks")
    user, _ = User.objects.get_or_create(username="bench_webhooks_seller")
    PartnerStaff.objects.update_or_create(user=user, defaults={"partner": partner})
    creators = Creator.objects.bulk_create(
        Creator(handle=f"bench_wh_{n}", display_name=f"Bench {n}", follower_count=1000 + n)
        for n in range(LEADS)
    )
    leads = Lead.objects.bulk_create(
        Lead(partner=partner, creator=creator, source="instant_message") for creator in creators
    )
    pool_version_bump(partner_ids=[partner.pk])
    endpoint, _ = webhook_endpoint_create(
        partner=partner,
        user=user,
        url=url,
        kind="generic",
        events=["lead.status_changed"],
    )
    return partner, [lead.pk for lead in leads], endpoint


def _cleanup() -> None:
    from core.models import OutboxEvent
    from creators.models import Creator, Partner

    for partner in Partner.objects.filter(slug="bench-webhooks"):
        OutboxEvent.objects.filter(partner_id=partner.pk).delete()
        partner.delete()
    Creator.objects.filter(handle__startswith="bench_wh_").delete()


def _one_run(*, partner, lead_ids) -> tuple[float, float, int]:
    from django.db import transaction

    from core.models import OutboxEvent
    from integrations.services import webhooks_deliver

    with transaction.atomic():
        OutboxEvent.objects.bulk_create(
            (
                OutboxEvent(
                    partner_id=partner.pk,
                    type="lead.status_changed",
                    lead_id=lead_ids[n % len(lead_ids)],
                    data={"from": "new", "to": "contacted", "n": n},
                )
                for n in range(EVENTS)
            ),
            batch_size=1000,
        )
    started, cpu = time.perf_counter(), time.process_time()
    run = webhooks_deliver()
    return time.perf_counter() - started, time.process_time() - cpu, run.sent.succeeded


def measure(size: int | None = None, *, creators=None, repeats: int = 3, log=print) -> dict:
    """Deliver EVENTS events per run to a loopback receiver; events per second (median)."""
    from django.test import override_settings

    process, port = _receiver()
    try:
        # The receiver is on loopback: allowed for the bench only (production refuses it).
        with override_settings(WEBHOOKS_ALLOW_LOOPBACK=True, WEBHOOKS_ALLOW_HTTP=True):
            partner, lead_ids, _endpoint = _world(f"http://127.0.0.1:{port}/hook")
            rates, cpu_ms = [], []
            for _ in range(max(1, min(repeats, 5))):
                took, cpu, delivered = _one_run(partner=partner, lead_ids=lead_ids)
                if delivered != EVENTS:
                    raise RuntimeError(f"delivered {delivered} of {EVENTS} events")
                rates.append(delivered / took)
                cpu_ms.append(1000 * cpu / delivered)
                log(f"webhooks: {delivered} events delivered in {took:.2f}s ({cpu:.2f}s CPU)")
    finally:
        process.kill()
        process.wait()
        _cleanup()
    rate = statistics.median(rates)
    return {
        "webhook_delivery_events": EVENTS,
        "webhook_delivery_events_per_s": round(rate, 1),
        "webhook_delivery_ms_per_event": round(1000 / rate, 2),
        # The worker's own CPU per event: what the machine's load does not change.
        "webhook_delivery_cpu_ms_per_event": round(statistics.median(cpu_ms), 2),
    }


def main() -> int:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partner_center.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures = measure(repeats=int(os.environ.get("BENCH_REPEATS", "3")))
    for name, value in figures.items():
        verdict = ""
        if name in TARGETS:
            verdict = f"  [{'PASS' if value <= TARGETS[name] else 'MISS'} <= {TARGETS[name]}]"
        print(f"{name}: {value}{verdict}")
    return (
        0
        if figures["webhook_delivery_ms_per_event"] <= TARGETS["webhook_delivery_ms_per_event"]
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
