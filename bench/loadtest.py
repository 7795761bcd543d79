"""Load run: gunicorn (as docker-compose.yml runs it) on loopback, 50 clients, wrk, five mixes
of 60 s each against the same server, in one sitting (bench/README.md says what each is):

1. the leads API mix (token), and its floor `GET /api/v1/me/`: `load_ratio`;
2. the same reads with one write in ten (status changes, notes, owner changes on the big
   partner's leads, through the token API): `write_mix_ratio` = its req/s over (1)'s;
3. the pages mix as browser sessions (`MIXED`), and its floor, a minimal signed-in page
   (`FLOOR_PAGE`): `pages_load_ratio`.

    uv run python -m bench.loadtest   (LOAD_CLIENTS, LOAD_SECONDS, LOAD_ROUNDS, LOAD_REDIS_URL,
                                       LOAD_APP_DIR, LOAD_OUT, DATABASE_URL to change)

Writes bench/results-load.json (LOAD_OUT): each round's figures under `rounds`, and at the top
the median of the rounds. Run `python -m bench.prepare` (or `make bench`) first: it builds the
dataset and the bench seller this uses.
"""

import datetime as dt
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.load_wrk import WRITE_EVERY, wrk

ROOT = Path(__file__).resolve().parent.parent
SERVER = "gunicorn as gunicorn.conf.py (3 workers x 4 threads)"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
# The leads mix (as bench/run.py's MIX) and the floor: `GET /api/v1/me/`, the framework and
# token authentication alone, run under the same load against the same server.
LEADS_PATHS = [
    "/api/v1/leads/",
    "/api/v1/leads/?tier=gold",
    "/api/v1/leads/?tier=silver&tier=gold&tier=platinum&followers=100k-1m",
    "/api/v1/leads/?source=instant_message",
    "/api/v1/leads/?status=contacted",
    "/api/v1/leads/?search=ava",
    "/api/v1/leads/?search=ava%2012",
    "/api/v1/leads/?page=2000",
]
FLOOR_PATHS = ["/api/v1/me/"]
# The mixed workload (browser sessions, reported beside the leads mix): the Leads Pool page,
# the Top LIVE Partner directory as a creator, IM polls that find nothing (an open tab polls
# every 3 s, so they weigh most) and the lead detail with its long history. Filled in by
# `mixed_paths()` with the bench dataset's thread, message and lead.
MIXED = [
    ("/seller/leads/", "seller"),
    ("/seller/leads/?status=contacted", "seller"),
    ("/ec/partners/", "creator"),
    ("/ec/partners/?page=2", "creator"),
    ("{poll}", "seller"),
    ("{poll}", "seller"),
    ("{poll}", "seller"),
    ("/seller/leads/{lead}/", "seller"),
]
# The pages' floor: a minimal signed-in page (the session, the user, the layout with its
# navigation and bell, and a five-line form), on the same server in the same run.
FLOOR_PAGE = "/accounts/notifications/"
# Writes per round: more than a round sends (about 1 in 10 of 65 s of requests), so no lead is
# written twice by the same kind of change.
WRITES = 6000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_seller() -> tuple[str, int]:
    """The bench seller's token, and the deep page of its pool (page 2000 at full size)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partner_center.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User

    from core.auth import api_token_issue
    from leads.models import Lead

    user = User.objects.get(username="bench_seller")
    leads = Lead.objects.in_pool().filter(partner=user.partner_staff.partner).count()
    return api_token_issue(user=user), min(2000, max(2, leads // 25 // 2))


def mixed_paths(secret_key: str) -> tuple[list[tuple[str, str]], dict]:
    """The mixed workload's (path, session key) pairs, and the sessions by role: for the bench
    seller and creator, signed with the server's SECRET_KEY (as a login would make them)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from bench import pages

    seller = User.objects.get(username="bench_seller")
    big = seller.partner_staff.partner_id
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM im_thread t WHERE partner_id = %s ORDER BY id LIMIT 1", [big]
        )
        thread = cursor.fetchone()[0]
    sessions = {}
    with override_settings(SECRET_KEY=secret_key):
        # The poll exactly as the open conversation sends it, with its signed poll token.
        client = Client()
        client.force_login(seller)
        poll = pages._poller_url(client.get(f"/seller/im/{thread}/").content.decode())
        for role, username in (("seller", "bench_seller"), ("creator", "bench_creator")):
            user = User.objects.get(username=username)
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            sessions[role] = session.session_key
    lead = pages.detail_lead_id(big)
    mixed = [(path.format(poll=poll, lead=lead), sessions[role]) for path, role in MIXED]
    return mixed, sessions


def write_requests(count: int) -> list[tuple[str, str, dict]]:
    """The write mix's writes on the big partner's leads, in turn: a status change (a new lead
    to contacted), a note, an assignment (an unowned lead to the bench seller, who is not
    notified of their own action). Leads in the state each change starts from, so every write
    changes something; never the detail page's lead."""
    from django.contrib.auth.models import User

    from bench import pages
    from leads.models import Lead, LeadStatus

    seller = User.objects.get(username="bench_seller")
    big = seller.partner_staff.partner_id
    pool = Lead.objects.in_pool().filter(partner_id=big).exclude(pk=pages.detail_lead_id(big))
    each = count // 3 + 1
    fresh = list(
        pool.filter(status=LeadStatus.NEW).order_by("-id").values_list("pk", flat=True)[:each]
    )
    unowned = list(
        pool.filter(owner__isnull=True)
        .exclude(pk__in=fresh)
        .order_by("id")
        .values_list("pk", flat=True)[:each]
    )
    noted = list(pool.order_by("-requested_at").values_list("pk", flat=True)[:each])
    writes = []
    for n in range(each):
        if n < len(fresh):
            writes.append(("PATCH", f"/api/v1/leads/{fresh[n]}/", {"status": "contacted"}))
        writes.append(
            ("POST", f"/api/v1/leads/{noted[n % len(noted)]}/notes/", {"body": f"Load note {n}"})
        )
        if n < len(unowned):
            writes.append(("PATCH", f"/api/v1/leads/{unowned[n]}/", {"owner": seller.pk}))
    return writes[:count]


def _answers(port: int, method: str, path: str, headers: dict, body: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    payload = json.dumps(body) if body is not None else None
    if payload:
        headers = {**headers, "Content-Type": "application/json"}
    connection.request(method, path, body=payload, headers=headers)
    answer = connection.getresponse()
    status, where = answer.status, answer.getheader("Location")
    answer.read()
    connection.close()
    return status, where


def _check(port: int, requests: list) -> None:
    """Every path of a mix answers 2xx before it is timed: wrk counts a login redirect as a
    success."""
    for method, path, headers, body in requests:
        status, where = _answers(port, method, path, headers, body)
        if not 200 <= status < 300:
            raise RuntimeError(f"the load run's {method} {path} answered {status} {where or ''}")


def _round(
    port: int, token: str, paths: list, mixed: list, floor_page: list, clients: int, seconds: int
) -> dict:
    """One round of the five mixes, each after 5 untimed seconds (imports, connections, caches)."""
    auth = {"Authorization": f"Token {token}"}
    _check(port, [("GET", path, auth, None) for path in paths + FLOOR_PATHS])
    pages = dict(mixed + floor_page)
    _check(port, [("GET", p, {"Cookie": f"sessionid={k}"}, None) for p, k in pages.items()])
    writes = write_requests(WRITES)
    _check(port, [(m, p, auth, b) for m, p, b in writes[:3]])  # each kind of write answers 2xx
    writes = writes[3:]
    results = {}
    for name, mix, extra in (
        ("leads", paths, None),
        ("floor", FLOOR_PATHS, None),
        ("writes", paths, writes),
        ("pages", mixed, None),
        ("pages_floor", floor_page, None),
    ):
        wrk(port, mix, token, clients, 5, writes=extra)
        results[name] = wrk(port, mix, token, clients, seconds, writes=extra)
    return _figures(results)


def _figures(r: dict) -> dict:
    def ms(stats, key):
        return round(stats[key] / 1000, 1)

    errors = sum(r[name]["non2xx"] + r[name]["errors"] for name in r)
    return {
        "requests": r["leads"]["requests"],
        "requests_per_s": round(r["leads"]["rps"], 1),
        "p50_ms": ms(r["leads"], "p50_us"),
        "p95_ms": ms(r["leads"], "p95_us"),
        "floor_requests_per_s": round(r["floor"]["rps"], 1),
        "floor_p95_ms": ms(r["floor"], "p95_us"),
        "load_ratio": round(r["leads"]["rps"] / r["floor"]["rps"], 2),
        "write_mix_requests_per_s": round(r["writes"]["rps"], 1),
        "write_mix_p50_ms": ms(r["writes"], "p50_us"),
        "write_mix_p95_ms": ms(r["writes"], "p95_us"),
        "write_mix_writes": r["writes"]["requests"] // WRITE_EVERY,
        "write_mix_ratio": round(r["writes"]["rps"] / r["leads"]["rps"], 2),
        "mixed_requests_per_s": round(r["pages"]["rps"], 1),
        "mixed_p50_ms": ms(r["pages"], "p50_us"),
        "mixed_p95_ms": ms(r["pages"], "p95_us"),
        "pages_floor_requests_per_s": round(r["pages_floor"]["rps"], 1),
        "pages_floor_p95_ms": ms(r["pages_floor"], "p95_us"),
        "pages_load_ratio": round(r["pages"]["rps"] / r["pages_floor"]["rps"], 2),
        "non_2xx": sum(r[name]["non2xx"] for name in r),
        "errors": errors,
        "mixed_errors": r["pages"]["non2xx"] + r["pages"]["errors"],
    }


def _analyze() -> None:
    """Fresh planner statistics for the tables the writes grow, as autovacuum keeps them on a
    live database: the dataset was analyzed when built with a few dozen notes, and a round
    adds hundreds, after which a stale estimate chose a sequential scan of the notes for
    each row's count (3.7 ms of SQL a page instead of 1.5)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("leads_lead", "leads_leadnote", "leads_leadevent", "leads_leadpoolversion"):
            cursor.execute(f"ANALYZE {table}")


def _redis_flush(url: str) -> None:
    """The load run's Redis database holds only its cache (and the broker's queue of the mail
    the writes send, which no worker reads here): empty before and after."""
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()


TARGETS = {  # issue 22: pages at >= 200 req/s, p95 <= 400 ms; writes at half the reads
    "mixed_requests_per_s": (">=", 200),
    "mixed_p95_ms": ("<=", 400),
    "pages_load_ratio": (">=", 0.5),
    "write_mix_ratio": (">=", 0.5),
    "write_mix_p95_ms": ("<=", 500),
    "load_ratio": (">=", 0.5),
}


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    clients = int(os.environ.get("LOAD_CLIENTS", "50"))
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    rounds = int(os.environ.get("LOAD_ROUNDS", "1"))
    # Redis as the cache, as in production (a dedicated database: it is emptied); "" = each
    # gunicorn process's local memory.
    redis_url = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
    token, deep = bench_seller()
    paths = [p.replace("page=2000", f"page={deep}") for p in LEADS_PATHS]
    port = free_port()
    secret_key = "bench-only-" + "x" * 50
    mixed, sessions = mixed_paths(secret_key)
    floor_page = [(FLOOR_PAGE, sessions["seller"])]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partner_center.settings.production",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "60",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "bench-load",
    }
    # LOAD_APP_DIR: serve another checkout of the project (a "before" for a before/after
    # comparison, e.g. `git archive HEAD | tar -x -C /tmp/before`), on the same dataset.
    app = Path(os.environ.get("LOAD_APP_DIR") or ROOT)
    # The mixed workload renders pages: production serves their static files from the manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=app,
        env=env,
        check=True,
    )
    _redis_flush(redis_url)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "partner_center.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--config", str(app / "gunicorn.conf.py")]
        + ["--log-level", "warning"],
        cwd=app,
        env=env,
    )
    each = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        for n in range(rounds):
            _analyze()
            each.append(_round(port, token, paths, mixed, floor_page, clients, seconds))
            print(f"# round {n + 1}: {json.dumps(each[-1])}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)
        _redis_flush(redis_url)
    # With several rounds, each figure is the median of the rounds (counts: the sum).
    summed = {"requests", "non_2xx", "errors", "mixed_errors", "write_mix_writes"}
    figures = {
        name: sum(r[name] for r in each)
        if name in summed
        else round(statistics.median(r[name] for r in each), 2)
        for name in each[0]
    }
    missed = []
    for name, (sense, target) in TARGETS.items():
        value = figures[name]
        ok = value >= target if sense == ">=" else value <= target
        missed += [] if ok else [name]
        print(f"load_{name}: {value}  [{'PASS' if ok else 'MISS'} {sense} {target}]")
    for name in sorted(set(figures) - set(TARGETS)):
        print(f"load_{name}: {figures[name]}")
    results = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "server": SERVER,
        "cache": "redis" if redis_url else "local memory per process",
        "app": "this checkout" if app == ROOT else str(app),
        "clients": clients,
        "seconds": seconds,
        "write_every": WRITE_EVERY,
        **figures,
        "missed": missed,
        "rounds": each,
    }
    out = os.environ.get("LOAD_OUT", str(ROOT / "bench" / "results-load.json"))
    Path(out).write_text(json.dumps(results, indent=2) + "\n")
    return 0 if figures["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
