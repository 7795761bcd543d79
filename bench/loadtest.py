"""Load run: gunicorn (as docker-compose.yml runs it) on loopback, 50 clients for 60 s on the
leads API mix, with wrk. Prints requests/s, p95 latency and errors,
and writes them to bench/results-load.json.

    uv run python -m bench.loadtest      (LOAD_CLIENTS, LOAD_SECONDS, DATABASE_URL to change)

Run `make bench` first: it builds the dataset and the bench seller this uses.
"""

import datetime as dt
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
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
LUA = """
local paths = {
  "/api/v1/leads/", "/api/v1/leads/?tier=gold",
  "/api/v1/leads/?tier=silver&tier=gold&tier=platinum&followers=100k-1m",
  "/api/v1/leads/?source=instant_message", "/api/v1/leads/?search=ava%2012",
  "/api/v1/leads/?page=2000",
}
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


def bench_token() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partner_center.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    user = User.objects.get(username="bench_seller")
    return Token.objects.get_or_create(user=user)[0].key


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    clients = int(os.environ.get("LOAD_CLIENTS", "50"))
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    token = bench_token()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partner_center.settings.production",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "60",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "partner_center.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
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
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA.replace("TOKEN", token))
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
    finally:
        server.terminate()
        server.wait(timeout=20)
    stats = json.loads(re.search(r"JSON(\{.*\})", out).group(1))
    rps = stats["requests"] / (stats["duration_us"] / 1e6)
    print(f"load_clients: {clients} clients")
    print(f"load_seconds: {seconds} s")
    print(f"load_requests_per_s: {rps:.1f} req/s")
    print(f"load_p50_ms: {stats['p50_us'] / 1000:.1f} ms")
    print(f"load_p95_ms: {stats['p95_us'] / 1000:.1f} ms")
    print(f"load_non_2xx: {stats['non2xx']} responses")
    print(f"load_errors: {stats['non2xx'] + stats['errors']} errors")
    figures = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "server": "gunicorn 3 workers x 4 threads (as docker-compose.yml)",
        "clients": clients,
        "seconds": seconds,
        "requests": stats["requests"],
        "requests_per_s": round(rps, 1),
        "p50_ms": round(stats["p50_us"] / 1000, 1),
        "p95_ms": round(stats["p95_us"] / 1000, 1),
        "non_2xx": stats["non2xx"],
        "errors": stats["non2xx"] + stats["errors"],
    }
    (ROOT / "bench" / "results-load.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if stats["non2xx"] + stats["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
