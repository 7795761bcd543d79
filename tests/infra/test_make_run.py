"""`make run` after its install step: `scripts/run_demo.py` on the embedded defaults.

It prepares (collectstatic, migrate, seed_demo) and starts gunicorn, a Celery worker and Celery
beat with the file-system broker. The test checks what a person would: the login page answers,
the demo logins are printed, a queued job is really consumed by the worker, and Ctrl-C stops
everything. It takes about half a minute.
"""

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_LOGINS = [
    "admin",
    "seller_a",
    "seller_a2",
    "seller_b",
    "creator_diamond",
    "creator_silver",
    "creator_bronze",
    "creator_none",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}; output:\n{log.read_text()[-6000:]}")


def get(url: str) -> tuple[int, str] | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return None


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def follower_runs(database: Path) -> list[str]:
    with sqlite3.connect(database, timeout=20) as db:
        rows = db.execute(
            "SELECT status FROM creators_jobrun WHERE job = 'refresh_followers' ORDER BY id"
        ).fetchall()
    return [status for (status,) in rows]


@pytest.fixture
def demo(tmp_path):
    """The supervisor as `make run` starts it, in a private VAR_DIR on a free port."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {
            "DATABASE_URL",
            "DATABASE_REPLICA_URL",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    port = free_port()
    env.update(VAR_DIR=str(tmp_path / "var"), PORT=str(port))
    log = tmp_path / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "scripts/run_demo.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield {"process": process, "port": port, "env": env, "log": log, "var": tmp_path / "var"}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_make_run_serves_the_demo_runs_jobs_and_stops_on_ctrl_c(demo):
    process, port, log = demo["process"], demo["port"], demo["log"]
    base = f"http://127.0.0.1:{port}"

    login = wait_for(
        lambda: (answer := get(f"{base}/accounts/login/")) and answer[0] == 200 and answer,
        timeout=120,
        what="the login page",
        log=log,
    )
    assert 'name="username"' in login[1] and 'name="password"' in login[1]
    assert "csrfmiddlewaretoken" in login[1]

    output = log.read_text()
    assert f"{base}/" in output
    for name in DEMO_LOGINS:
        assert name in output
    assert "password 'demo'" in output
    pids = dict((name, int(pid)) for name, pid in re.findall(r"\b(web|worker|beat)=(\d+)", output))
    assert set(pids) == {"web", "worker", "beat"}
    assert "gunicorn" in cmdline(pids["web"])
    assert "celery -A partner_center worker" in cmdline(pids["worker"])
    assert "celery -A partner_center beat" in cmdline(pids["beat"])

    health = get(f"{base}/healthz")
    assert health and health[0] == 200
    assert json.loads(health[1]) == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "static": "ok",
        "replica": "not configured",
    }
    live = get(f"{base}/healthz/live")
    assert live and json.loads(live[1]) == {"status": "ok"}

    # A job queued from outside through the file-system broker is consumed by the worker.
    database = demo["var"] / "partner_center.sqlite3"
    before = follower_runs(database)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "partner_center",
            "call",
            "creators.tasks.refresh_followers_task",
        ],
        cwd=ROOT,
        env=demo["env"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    runs = wait_for(
        lambda: (
            (runs := follower_runs(database))
            and len(runs) > len(before)
            and runs[-1] == "succeeded"
            and runs
        ),
        timeout=60,
        what="the worker to run the queued follower refresh",
        log=log,
    )
    assert runs[-1] == "succeeded"
    assert (demo["var"] / "celerybeat-schedule").exists() or any(
        demo["var"].glob("celerybeat-schedule*")
    )
    assert process.poll() is None, "the supervisor is still running"

    # A killed worker is started again; the web server keeps serving meanwhile.
    os.killpg(pids["worker"], signal.SIGKILL)
    restarted = wait_for(
        lambda: re.search(
            r"worker exited with code -9; started it again \(pid (\d+)\)", log.read_text()
        ),
        timeout=30,
        what="the supervisor to restart the killed worker",
        log=log,
    )
    pids["worker"] = int(restarted.group(1))
    assert get(f"{base}/accounts/login/")[0] == 200
    assert process.poll() is None

    # Ctrl-C: the supervisor stops web, worker and beat, with their own children.
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert "Stopped web, worker and beat." in log.read_text()
    wait_for(
        lambda: not any(group_alive(pid) for pid in pids.values()),
        timeout=10,
        what="every child process group to exit",
        log=log,
    )
    assert get(f"{base}/accounts/login/") is None
