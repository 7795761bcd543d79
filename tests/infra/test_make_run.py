"""`make run`'s processes: the server answers, worker and beat run, and Ctrl-C stops all."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def demo_env(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="partner_center.settings.local")
    for step in (["migrate", "--noinput", "-v0"], ["seed_demo", "--creators", "200"]):
        subprocess.run(
            [sys.executable, "manage.py", *step],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return env


def test_the_demo_serves_the_login_page_with_worker_and_beat(demo_env):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "scripts/run_demo.py"],
        cwd=ROOT,
        env={**demo_env, "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body, deadline = "", time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as page:
                    body = page.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert 'name="username"' in body and "Log in" in body
        children = subprocess.run(
            ["pgrep", "-f", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout
        assert len(children.split()) == 3  # web, worker, beat
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in output and "creator_silver" in output
    assert "Stopped." in output
    leftover = subprocess.run(
        ["pgrep", "-f", f"VAR_DIR={demo_env['VAR_DIR']}"], capture_output=True, text=True
    ).stdout
    assert leftover.strip() == ""
