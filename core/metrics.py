"""Prometheus metrics (prometheus_client): what the operator's alerts read (docs/operations.md).

Counters and histograms here are incremented by the code that knows the event (the request
middleware, the replica's fallback, the pool-count cache). Under gunicorn's several processes
they are aggregated through PROMETHEUS_MULTIPROC_DIR (docker-compose.yml sets it; gunicorn.conf
marks exited workers dead). Figures that live in shared stores are read at scrape time
instead, so every process answers the same: job runs from the JobRun table, the queue depth
from the broker.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

REQUESTS = Counter(
    "pc_http_requests_total", "HTTP requests answered, by route and status", ["route", "status"]
)
REQUEST_SECONDS = Histogram(
    "pc_http_request_duration_seconds",
    "Time to answer an HTTP request, by route",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REPLICA_FALLBACKS = Counter(
    "pc_replica_fallbacks_total",
    "Reads meant for the replica that went to the primary, by reason",
    ["reason"],
)
# The Leads Pool's cached filtered counts: `result` is hit or miss. Incremented by the code
# that reads the cache (leads), so the hit ratio shows whether the cache earns its keep.
POOL_COUNT_CACHE = Counter(
    "pc_pool_count_cache_total", "Leads Pool count cache lookups, by result", ["result"]
)
JOB_LEASE_LOST = Counter(
    "pc_job_lease_lost_total", "Job leases found taken by another holder while running", ["job"]
)


class SharedStateCollector:
    """Figures read at scrape time from the database and the broker."""

    def collect(self):
        from django.db.models import Count, Max

        from .models import JobRun

        runs = CounterMetricFamily(
            "pc_job_runs", "Job runs recorded, by job and outcome", labels=["job", "status"]
        )
        last_success = GaugeMetricFamily(
            "pc_job_last_success_timestamp_seconds",
            "When the newest successful run of each job finished (Unix time)",
            labels=["job"],
        )
        running = GaugeMetricFamily(
            "pc_jobs_running", "Runs marked running now, by job", labels=["job"]
        )
        try:
            rows = JobRun.objects.order_by().values("job", "status").annotate(n=Count("id"))
            for row in rows:
                runs.add_metric([row["job"], row["status"]], row["n"])
                if row["status"] == JobRun.Status.RUNNING:
                    running.add_metric([row["job"]], row["n"])
            finished = (
                JobRun.objects.filter(status=JobRun.Status.SUCCEEDED)
                .order_by()
                .values("job")
                .annotate(at=Max("finished_at"))
            )
            for row in finished:
                if row["at"] is not None:
                    last_success.add_metric([row["job"]], row["at"].timestamp())
        except Exception:  # noqa: BLE001 - a scrape must answer while the database is away
            pass
        yield runs
        yield last_success
        yield running
        depth = GaugeMetricFamily(
            "pc_queue_depth", "Tasks waiting in the broker, by queue", labels=["queue"]
        )
        waiting = queue_depth()
        if waiting is not None:
            depth.add_metric(["celery"], waiting)
        yield depth
        durations = GaugeMetricFamily(
            "pc_job_last_duration_seconds",
            "How long the newest finished run of each job took",
            labels=["job"],
        )
        try:
            for job in JobRun.Job.values:
                run = (
                    JobRun.objects.filter(job=job, finished_at__isnull=False)
                    .exclude(status=JobRun.Status.SKIPPED)
                    .order_by("-started_at")
                    .first()
                )
                if run is not None:
                    durations.add_metric([job], run.duration_s or 0.0)
        except Exception:  # noqa: BLE001
            pass
        yield durations


def queue_depth(queue: str = "celery") -> int | None:
    """Messages waiting in the broker's queue: Redis LLEN, or the file-system broker's files."""
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith("filesystem:"):
            folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_out"]
            return sum(1 for name in os.listdir(folder) if name.endswith(".msg"))
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            return int(client.llen(queue))
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - unknown, not zero
        return None


def metrics_text() -> tuple[bytes, str]:
    """The exposition: every process's counters (multiprocess mode) and the shared figures."""
    shared = CollectorRegistry()
    shared.register(SharedStateCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        from prometheus_client import REGISTRY as processes
    return generate_latest(processes) + generate_latest(shared), CONTENT_TYPE_LATEST
