"""A separate process that runs jobs the way a worker does, for the PgBouncer tests.

    python -m tests.infra.job_runner runs N [--noise K] [--hold SECONDS]

Django is set up from the environment (the test gives it a DATABASE_URL through PgBouncer).
It runs N back-to-back runs of one job (a short body: one query and 20 ms), with K other
clients meanwhile sending short transactions through the same pool, and prints one JSON line:
each run's status and the wall-clock interval of its body. With --hold it starts one run,
prints "holding <run id>" and sleeps inside it (to be killed). FAKE_HOST pretends the process
runs on another host (its lease can only lapse, not be known dead).
"""

import argparse
import json
import os
import socket
import sys
import threading
import time

if os.environ.get("FAKE_HOST"):
    socket.gethostname = lambda: os.environ["FAKE_HOST"]

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402

from core.jobs import JobAlreadyRunning, job_run_record  # noqa: E402
from core.models import JobRun  # noqa: E402

JOB = JobRun.Job.REFRESH_FOLLOWERS


def noise(stop: threading.Event) -> None:
    """Another client of the pool: short transactions, one after another."""
    try:
        while not stop.is_set():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(0.005)")
    finally:
        connections.close_all()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", type=int)
    parser.add_argument("--noise", type=int, default=0)
    parser.add_argument("--hold", type=float, default=0)
    parser.add_argument("--lease", type=float, default=0)
    args = parser.parse_args()
    if args.lease:
        settings.JOB_LEASE_SECONDS = args.lease
        settings.JOB_LEASE_RENEW_SECONDS = args.lease / 4
    if args.hold:
        with job_run_record(job=JOB) as run:
            print(f"holding {run.pk}", flush=True)
            time.sleep(args.hold)
        return
    stop = threading.Event()
    others = [threading.Thread(target=noise, args=(stop,)) for _ in range(args.noise)]
    for other in others:
        other.start()
    results = []
    try:
        for _ in range(args.runs):
            try:
                with job_run_record(job=JOB) as run:
                    entered = time.time()
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT count(*) FROM creators_creator")
                    time.sleep(0.02)
                    left = time.time()
                results.append({"run": run.pk, "status": "ran", "body": [entered, left]})
            except JobAlreadyRunning:
                results.append({"status": "skipped"})
    finally:
        stop.set()
        for other in others:
            other.join()
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    sys.exit(main())
