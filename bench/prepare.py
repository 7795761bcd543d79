"""What the load run needs, without the scale benchmark: the dataset, the page dataset (IM
threads, notifications), the bench seller and creator, and the detail lead's long history.

    BENCH_CREATORS=1000000 uv run python -m bench.prepare

`make bench` (`bench.run`) builds the same and then times the jobs on it (tier and follower
refresh over every creator, bulk actions): minutes of both cores. The load run
(`bench.loadtest`) needs only the data, so on a shared machine build it with this.
"""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partner_center.settings.test")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from bench.run import ensure_database

    creators = int(os.environ.get("BENCH_CREATORS", "1000000"))
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    from bench import dataset, pages

    def log(message):
        print(f"# {message}", flush=True)

    call_command("migrate", verbosity=0)
    if not dataset.present(creators):
        started = time.perf_counter()
        dataset.build(creators, log=log)
        log(f"dataset built in {time.perf_counter() - started:.0f}s")
    facts = pages.prepare(creators, log=log)
    seller, _ = pages._users(facts["big"])
    lead = pages._detail_lead(facts["big"], seller.pk)
    log(f"ready: big partner {facts['big']}, detail lead {lead}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
