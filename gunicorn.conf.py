"""gunicorn's settings for production (docker-compose.yml) and the load bench.

3 processes x 4 threads: see bench/README.md for what was measured. The access log is the
app's own (one JSON line per request with its duration: partner_center/request_log.py), so
gunicorn writes none.
"""

import os
import shutil

workers = 3
threads = 4
timeout = 60
graceful_timeout = 60


def on_starting(server):
    """Prometheus counters of all processes live in PROMETHEUS_MULTIPROC_DIR: start empty."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    """A worker process that exited: its gauges no longer count."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# gunicorn's own lines (start, worker timeouts) in the app's JSON shape when the app's are.
if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
