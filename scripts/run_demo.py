"""`make run`: web server, Celery worker and Celery beat on the embedded defaults.

Starts the three as child processes, prints where to go, and stops them all on Ctrl-C (or when
any of them dies). Without REDIS_URL, Celery uses a broker on the local file system.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    port = os.environ.get("PORT", "8000")
    var = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    var.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "partner_center.settings.local")
    python = sys.executable
    commands = {
        # runserver without the reloader: one process, static files from the app folders.
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        # One worker process: SQLite allows one writer at a time.
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "partner_center",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "partner_center",
            "beat",
            "--loglevel=INFO",
            "-s",
            str(var / "celerybeat-schedule"),
        ],
    }
    children = {
        name: subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        for name, command in commands.items()
    }
    print(
        f"\nLIVE Partner Center is starting at http://127.0.0.1:{port}/\n"
        "Demo logins (password 'demo'): admin, seller_a, seller_b, creator_diamond, "
        "creator_silver, creator_bronze, creator_none\n"
        "Web, Celery worker and Celery beat are running. Press Ctrl-C to stop all three.\n",
        flush=True,
    )

    stopping = False

    def stop(signum=None, frame=None):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with code {child.returncode}; stopping the rest.")
                exit_code = child.returncode or 1
                stopping = True
        time.sleep(0.3)
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.time() + 10
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
    print("Stopped.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
