"""`make run`: the whole product on embedded defaults, in one command.

1. Prepares: collectstatic, migrate, seed_demo (idempotent: a second run changes nothing).
2. Starts three child processes, each in its own process group:
   - web: gunicorn, one process with 3 threads. It is the server production runs too. A small,
     bounded thread pool suits SQLite, which takes one writer at a time, while page loads and
     the IM's 3-second htmx polling still run side by side.
   - worker: one Celery worker with the solo pool (SQLite again: one writer).
   - beat: Celery beat, the only one (two would fire every scheduled job twice).
   - receiver: the demo's webhook receiver (scripts/demo_receiver.py) on 127.0.0.1, port
     DEMO_RECEIVER_PORT (default PORT + 1). seed_demo points Alpha's webhook at it; each event
     it gets is a line in VAR_DIR/demo-receiver.log. If it cannot start (the port is taken),
     the rest runs on without it.
3. Prints the URL and the demo logins, and stops all of them on Ctrl-C / SIGTERM, or when the
   web server dies. A worker or beat that dies is started again (a killed worker's job is
   then recovered: see docs/security.md, "Jobs and killed workers"); one that keeps dying,
   more than RESTART_LIMIT times in RESTART_WINDOW_SECONDS, stops everything instead.

Without REDIS_URL the settings give Celery a broker on the local file system (VAR_DIR/broker),
so nothing but this process tree is needed. PORT picks the port (default 8000).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_LOGINS = (
    "admin",
    "seller_a",
    "seller_a2",
    "seller_b",
    "creator_diamond",
    "creator_silver",
    "creator_bronze",
    "creator_none",
)
STOP_GRACE_SECONDS = 10
RESTARTED = ("worker", "beat")
# A child the demo can do without: when it exits it is reported, not restarted.
OPTIONAL = ("receiver",)
RESTART_LIMIT = 5
RESTART_WINDOW_SECONDS = 300


def child_commands(*, port: str, var_dir: Path, receiver_port: str) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "web": [
            python,
            "-m",
            "gunicorn",
            "partner_center.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "3",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
        ],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "partner_center",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            # A single worker has no peers to talk to over the broker.
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
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
            str(var_dir / "celerybeat-schedule"),
        ],
        "receiver": [
            python,
            "scripts/demo_receiver.py",
            "--port",
            receiver_port,
            "--var-dir",
            str(var_dir),
        ],
    }


def prepare(env: dict[str, str]) -> None:
    """Static files, schema and demo data; each step is safe to repeat."""
    for step in (
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["migrate", "--noinput", "--verbosity", "1"],
        ["seed_demo"],
    ):
        print(f"$ manage.py {' '.join(step)}", flush=True)
        subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=env, check=True)


def stop_all(children: dict[str, subprocess.Popen]) -> None:
    """SIGTERM to every child's process group, then SIGKILL whatever outlives the grace time."""
    for child in children.values():
        if child.poll() is None:
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        # The group may hold grandchildren (gunicorn's worker) even when the leader is gone.
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()


def main() -> int:
    port = os.environ.get("PORT", "8000")
    var_dir = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "partner_center.settings.local")
    # Links in the demo's mail (var/mail/) point at this server's port.
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    # seed_demo points Alpha's webhook at the receiver's port, and writes its secret.
    receiver_port = env.setdefault("DEMO_RECEIVER_PORT", str(int(port) + 1))

    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    # Ctrl-C before the servers run just ends the preparation.
    try:
        prepare(env)
    except subprocess.CalledProcessError as exc:
        print(f"Preparation failed: {exc}", file=sys.stderr)
        return exc.returncode or 1
    except KeyboardInterrupt:
        return 130

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    commands = child_commands(port=port, var_dir=var_dir, receiver_port=receiver_port)

    def start(name: str) -> subprocess.Popen:
        # Own session and process group: the terminal's Ctrl-C reaches this supervisor only,
        # which then stops each child (and its own children) in order.
        return subprocess.Popen(commands[name], cwd=ROOT, env=env, start_new_session=True)

    children: dict[str, subprocess.Popen] = {name: start(name) for name in commands}
    restarts: dict[str, list[float]] = {name: [] for name in RESTARTED}

    print(
        f"\nLIVE Partner Center: http://127.0.0.1:{port}/  (admin: http://127.0.0.1:{port}/admin/)\n"
        f"Demo logins, password 'demo': {', '.join(DEMO_LOGINS)}\n"
        "Web (gunicorn), Celery worker and Celery beat are running "
        f"(pids {', '.join(f'{n}={c.pid}' for n, c in children.items())}). "
        f"Demo webhook receiver: http://127.0.0.1:{receiver_port}/hooks "
        f"(events it gets: {var_dir / 'demo-receiver.log'}). "
        "Press Ctrl-C to stop them all.\n",
        flush=True,
    )

    exit_code = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is None:
                continue
            if name in OPTIONAL:
                print(f"{name} exited with code {child.returncode}; running on without it.")
                del children[name]
                break
            recent = [
                t for t in restarts.get(name, []) if time.monotonic() - t < RESTART_WINDOW_SECONDS
            ]
            if name in RESTARTED and len(recent) < RESTART_LIMIT:
                # A dead worker or beat must not take the web server down: start it again.
                try:
                    os.killpg(child.pid, signal.SIGKILL)  # its own children, if any are left
                except ProcessLookupError:
                    pass
                restarts[name] = [*recent, time.monotonic()]
                children[name] = start(name)
                print(
                    f"{name} exited with code {child.returncode}; started it again "
                    f"(pid {children[name].pid}).",
                    flush=True,
                )
                break
            if child.poll() is not None:
                print(f"{name} exited with code {child.returncode}; stopping the others.")
                code = child.returncode
                # Killed by a signal (negative code): exit the way a shell reports it, 128 + N.
                exit_code = 128 - code if code < 0 else (code or 1)
                stopping = True
                break
        else:
            time.sleep(0.3)
    stop_all(children)
    print("Stopped web, worker and beat.", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
