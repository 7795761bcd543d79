"""Where a page's time goes: cProfile over the load run's pages (Django test client, the bench
dataset), printing the top functions by own time and by cumulative time.

    uv run python -m bench.profile_pages [path-substring] (PROFILE_REPEATS, PROFILE_TOP)

Warm, as under load: one untimed request per page first. The figures are the profiler's (it
slows Python down about 2x); compare pages and steps with each other, not with the load run.
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partner_center.settings.test")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    import django

    django.setup()
    import logging

    from django.contrib.auth.models import User
    from django.test import Client

    from bench import loadtest

    logging.getLogger("partner_center.request").setLevel(logging.WARNING)
    repeats = int(os.environ.get("PROFILE_REPEATS", "30"))
    top = int(os.environ.get("PROFILE_TOP", "25"))
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    from django.conf import settings

    mixed, _ = loadtest.mixed_paths(settings.SECRET_KEY)
    clients = {}
    for role, username in (("seller", "bench_seller"), ("creator", "bench_creator")):
        clients[role] = Client()
        clients[role].force_login(User.objects.get(username=username))
    pages = []
    for (path, _session), (_, role) in zip(mixed, loadtest.MIXED, strict=True):
        if path not in [p for p, _ in pages]:
            pages.append((path, role))
    pages.append((loadtest.FLOOR_PAGE, "seller"))
    for path, role in pages:
        if only and only not in path:
            continue
        client = clients[role]
        answer = client.get(path)
        assert answer.status_code in (200, 204), (path, answer.status_code)
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(repeats):
            client.get(path)
        profile.disable()
        took = (time.perf_counter() - started) / repeats * 1000
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
        print(f"===== {path} ({role}): {took:.1f} ms a request under the profiler")
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
