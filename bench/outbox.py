"""Issue 23's outbox figure: what the transactional outbox adds to the bulk status change of
every lead of the big bench partner (100,000 at full size). Target: at most 10%.

The same bulk action (`leads_bulk_apply`, set_status to closed, `filters: {}`) runs with the
outbox, and with the outbox paused (`core.outbox.outbox_paused`: the statement is the same
but its outbox branch inserts nothing), alternately, each in a transaction that is rolled
back (the dataset stays as built), after a VACUUM so neither run pays for the other's dead
rows. Medians of `repeats` runs each. `outbox_overhead` is the figure the issue sets (the whole
bulk action); `outbox_statement_overhead` is the same on the set-based statement alone
(`sets._set_status_pg`), the outbox's share without the action's other work.

From bench/run.py, once the dataset is present (django set up):

    from bench import outbox
    figures.update(outbox.measure(creators))

On its own, on the `bench` database (it builds nothing: run `python -m bench.prepare` first):

    BENCH_CREATORS=1000000 uv run --frozen python -m bench.outbox
"""

import os
import statistics
import sys
import time
from pathlib import Path

TARGETS = {"outbox_overhead": 0.10}
# Each figure's name: bulk_status_outbox_s, bulk_status_no_outbox_s, outbox_overhead (ratio-1),
# and the same for the statement alone (bulk_status_statement_*, outbox_statement_overhead).


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("leads_lead", "leads_leadevent", "leads_collaborationrequest"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("VACUUM ANALYZE core_outboxevent")


def _bulk_close_all(*, partner, user, paused: bool) -> tuple[float, int]:
    """One bulk status change of every lead of `partner`, rolled back: (seconds, events)."""
    from django.db import transaction

    from core.models import OutboxEvent
    from core.outbox import outbox_paused
    from leads.services import leads_bulk_apply

    before = OutboxEvent.objects.count()
    with transaction.atomic():
        started = time.perf_counter()
        if paused:
            with outbox_paused():
                result = leads_bulk_apply(
                    partner=partner, user=user, action="set_status", status="closed", filters={}
                )
        else:
            result = leads_bulk_apply(
                partner=partner, user=user, action="set_status", status="closed", filters={}
            )
        took = time.perf_counter() - started
        written = OutboxEvent.objects.count() - before
        assert written == (0 if paused else result.updated), (written, result.updated)
        transaction.set_rollback(True)
    return took, result.updated


def _statement_close_all(*, partner, user, paused: bool) -> tuple[float, int]:
    """The set-based statement alone (sets.py's data-modifying CTE), rolled back: the outbox's
    share of the statement, without the bulk action's other work (locks, counts, notices)."""
    from django.db import transaction
    from django.utils import timezone

    from core.outbox import outbox_paused
    from leads.models import Lead, LeadStatus
    from leads.services import sets

    target = Lead.objects.in_pool().filter(partner=partner)
    sources = sets.status_sources(LeadStatus.CLOSED)
    with transaction.atomic():
        started = time.perf_counter()
        if paused:
            with outbox_paused():
                moved = sets._set_status_pg(
                    target, status="closed", sources=sources, user=user, now=timezone.now()
                )
        else:
            moved = sets._set_status_pg(
                target, status="closed", sources=sources, user=user, now=timezone.now()
            )
        took = time.perf_counter() - started
        transaction.set_rollback(True)
    return took, moved


def measure(size: int, repeats: int = 3, log=print) -> dict:
    """Time the big partner's bulk status change with and without the outbox; `size` is the
    dataset's BENCH_CREATORS (its big partner has min(100,000, size / 10) leads)."""
    from django.contrib.auth.models import User

    from creators.models import Partner, PartnerStaff

    partner = Partner.objects.get(slug="bench-big")
    user, _ = User.objects.get_or_create(username="bench_seller")
    PartnerStaff.objects.get_or_create(user=user, defaults={"partner": partner})
    _vacuum()
    _bulk_close_all(partner=partner, user=user, paused=True)  # warm the caches
    figures = {}
    for name, run in (
        ("bulk_status", _bulk_close_all),
        ("bulk_status_statement", _statement_close_all),
    ):
        timings: dict[bool, list[float]] = {True: [], False: []}
        moved = 0
        for _ in range(repeats):
            for paused in (True, False):
                _vacuum()
                took, moved = run(partner=partner, user=user, paused=paused)
                timings[paused].append(took)
                log(f"{name} {'without' if paused else 'with'} outbox: {took:.3f}s, {moved} leads")
        with_outbox = statistics.median(timings[False])
        without = statistics.median(timings[True])
        figures[f"{name}_outbox_s"] = round(with_outbox, 3)
        figures[f"{name}_no_outbox_s"] = round(without, 3)
        figures[f"{name}_leads"] = moved
        overhead = "outbox_overhead" if name == "bulk_status" else "outbox_statement_overhead"
        figures[overhead] = round(with_outbox / without - 1, 3)
    _vacuum()
    return figures


def main() -> int:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partner_center.settings.test")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from bench import dataset

    creators = int(os.environ.get("BENCH_CREATORS", "1000000"))
    if not dataset.present(creators):
        print("# no bench dataset of this size: run `python -m bench.prepare` first")
        return 1
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    figures = measure(creators, repeats=repeats, log=lambda m: print(f"# {m}", flush=True))
    for name, value in figures.items():
        verdict = ""
        if name in TARGETS:
            verdict = f"  [{'PASS' if value <= TARGETS[name] else 'MISS'} <= {TARGETS[name]}]"
        print(f"{name}: {value}{verdict}")
    return 0 if figures["outbox_overhead"] <= TARGETS["outbox_overhead"] else 1


if __name__ == "__main__":
    sys.exit(main())
