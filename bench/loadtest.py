"""Load run: gunicorn (as docker-compose.yml runs it) on loopback, 50 clients for 60 s on the
leads API mix, with wrk. Prints requests/s, p95 latency and errors,
and writes them to bench/results-load.json.

    uv run python -m bench.loadtest      (LOAD_CLIENTS, LOAD_SECONDS, DATABASE_URL to change)

Run `make bench` first: it builds the dataset and the bench seller this uses.
"""

import datetime as dt
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

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
MIXED_LUA = """
local paths = {PATHS}
local i = 0
request = function()
  i = i + 1
  local p = paths[(i % #paths) + 1]
  return wrk.format("GET", p[1], {["Cookie"] = "sessionid=" .. p[2]})
end
done = function(summary, latency, requests)
  io.write(string.format("JSON{\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, "
    .. "\\"p95_us\\": %d, \\"non2xx\\": %d, \\"errors\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""
LUA = """
local paths = {PATHS}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["Authorization"] = "Token TOKEN"})
end
done = function(summary, latency, requests)
  io.write(string.format("JSON{\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, "
    .. "\\"p95_us\\": %d, \\"non2xx\\": %d, \\"errors\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


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


def mixed_paths(secret_key: str) -> list[tuple[str, str]]:
    """The mixed workload's (path, session key) pairs: sessions for the bench seller and
    creator, signed with the server's SECRET_KEY (as a login would make them)."""
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
    return [(path.format(poll=poll, lead=lead), sessions[role]) for path, role in MIXED]


def wrk(port: int, paths: list, token: str, clients: int, seconds: int) -> dict:
    if paths and isinstance(paths[0], tuple):  # the mixed workload: (path, session) pairs
        lua = MIXED_LUA.replace(
            "{PATHS}", "{" + ", ".join(f'{{"{p}", "{k}"}}' for p, k in paths) + "}"
        )
    else:
        lua = LUA.replace("{PATHS}", "{" + ", ".join(f'"{p}"' for p in paths) + "}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua.replace("TOKEN", token))
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(clients),
            "-d",
            f"{seconds}s",
            "--timeout",
            "30s",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    os.unlink(script.name)
    stats = json.loads(re.search(r"JSON(\{.*\})", out).group(1))
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    clients = int(os.environ.get("LOAD_CLIENTS", "50"))
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    token, deep = bench_seller()
    paths = [p.replace("page=2000", f"page={deep}") for p in LEADS_PATHS]
    port = free_port()
    secret_key = "bench-only-" + "x" * 50
    mixed = mixed_paths(secret_key)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partner_center.settings.production",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "60",
    }
    # The mixed workload renders pages: production serves their static files from the manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "partner_center.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--config", str(ROOT / "gunicorn.conf.py")]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        # A short warm-up of each mix (not counted): imports, connections, the count cache.
        wrk(port, paths, token, clients, 5)
        wrk(port, FLOOR_PATHS, token, clients, 5)
        stats = wrk(port, paths, token, clients, seconds)
        floor = wrk(port, FLOOR_PATHS, token, clients, seconds)
        for path, session in dict(mixed).items():  # a login redirect would count as success
            check = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            check.request("GET", path, headers={"Cookie": f"sessionid={session}"})
            answer = check.getresponse()
            status, where = answer.status, answer.getheader("Location")
            check.close()
            if status not in (200, 204):
                raise RuntimeError(f"the mixed workload's {path} answered {status} {where or ''}")
        wrk(port, mixed, token, clients, 5)
        mixed_stats = wrk(port, mixed, token, clients, seconds)
    finally:
        server.terminate()
        server.wait(timeout=20)
    rps, floor_rps = stats["rps"], floor["rps"]
    errors = stats["non2xx"] + stats["errors"] + floor["non2xx"] + floor["errors"]
    print(f"load_clients: {clients} clients")
    print(f"load_seconds: {seconds} s (each mix)")
    print(f"load_requests_per_s: {rps:.1f} req/s")
    print(f"load_p50_ms: {stats['p50_us'] / 1000:.1f} ms")
    print(f"load_p95_ms: {stats['p95_us'] / 1000:.1f} ms")
    print(f"load_floor_requests_per_s: {floor_rps:.1f} req/s (GET /api/v1/me/)")
    print(f"load_floor_p95_ms: {floor['p95_us'] / 1000:.1f} ms")
    print(f"load_ratio: {rps / floor_rps:.2f} x")
    print(f"load_non_2xx: {stats['non2xx'] + floor['non2xx']} responses")
    print(f"load_errors: {errors} errors")
    mixed_errors = mixed_stats["non2xx"] + mixed_stats["errors"]
    print(f"load_mixed_requests_per_s: {mixed_stats['rps']:.1f} req/s (the mixed pages)")
    print(f"load_mixed_p95_ms: {mixed_stats['p95_us'] / 1000:.1f} ms")
    print(f"load_mixed_errors: {mixed_errors} errors")
    figures = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "server": SERVER,
        "clients": clients,
        "seconds": seconds,
        "requests": stats["requests"],
        "requests_per_s": round(rps, 1),
        "p50_ms": round(stats["p50_us"] / 1000, 1),
        "p95_ms": round(stats["p95_us"] / 1000, 1),
        "floor_requests_per_s": round(floor_rps, 1),
        "floor_p95_ms": round(floor["p95_us"] / 1000, 1),
        "load_ratio": round(rps / floor_rps, 2),
        "non_2xx": stats["non2xx"] + floor["non2xx"],
        "errors": errors,
        "mixed_requests_per_s": round(mixed_stats["rps"], 1),
        "mixed_p50_ms": round(mixed_stats["p50_us"] / 1000, 1),
        "mixed_p95_ms": round(mixed_stats["p95_us"] / 1000, 1),
        "mixed_errors": mixed_errors,
    }
    out = os.environ.get("LOAD_OUT", str(ROOT / "bench" / "results-load.json"))
    Path(out).write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
