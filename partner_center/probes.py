"""Probes and metrics, answered before the host check and the HTTPS redirect.

- `/healthz/live` (and `/livez`): liveness. The process answers; nothing else is asked, so a
  database or Redis outage never gets a healthy web process restarted.
- `/healthz` (and `/readyz`): readiness, the answer `/healthz` always gave, and more: 200
  when the database answers, the broker is reachable and the static files' manifest is there
  (without it every page is a 500); 503 naming what failed otherwise. The replica is
  reported but never fails readiness: when it is down or lagging, reads fall back to the
  primary (core/replica.py), so the process can still serve.
- `/metrics`: Prometheus text (core/metrics.py), for the addresses in METRICS_ALLOWED_IPS or a
  request with `Authorization: Bearer <METRICS_TOKEN>`; anyone else gets 403.

A container healthcheck, a load balancer or Prometheus reaches these by IP over plain HTTP;
in production such a request would otherwise get a 400 (host not in ALLOWED_HOSTS) or a
redirect to HTTPS.
"""

import hmac
import ipaddress
import os

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from kombu import Connection


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return f"error: {type(exc).__name__}"
    return "ok"


def _broker_status() -> str:
    """Redis must answer a ping; the file-system broker's folders must be there and writable."""
    url = settings.CELERY_BROKER_URL
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
    if url.startswith("filesystem:"):
        for key in ("data_folder_in", "data_folder_out"):
            folder = options.get(key)
            if not folder or not os.path.isdir(folder) or not os.access(folder, os.R_OK | os.W_OK):
                return f"error: {key} is not a writable folder"
        return "ok"
    try:
        # Opening a Redis channel pings the server; one quick try, no back-off.
        with Connection(url, transport_options=options, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    return "ok"


def _static_status() -> str:
    """With hashed static names (production), the manifest collectstatic writes must exist."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return "ok"
    try:
        if storage.exists(storage.manifest_name):
            return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    return "error: no manifest (run manage.py collectstatic)"


def _replica_status() -> str:
    from core.replica import replica_configured, replica_state

    if not replica_configured():
        return "not configured"
    state = replica_state()
    if state.usable:
        return "ok"
    return f"fallback to primary: {state.reason}"


def healthz(request):
    """Readiness: ready when the database, the broker and the static files are; else 503.
    The replica's state is reported, not required."""
    checks = {
        "database": _database_status(),
        "broker": _broker_status(),
        "static": _static_status(),
    }
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "error", **checks, "replica": _replica_status()}
    return JsonResponse(body, status=200 if healthy else 503)


def liveness(request):
    """Liveness: the process answers. Asks nothing of the database, the broker or the replica."""
    return JsonResponse({"status": "ok"})


def _metrics_allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        if hmac.compare_digest(header[7:].strip().encode(), token.encode()):
            return True
    try:
        # The connection's own address: scrape the app directly, not through the proxy.
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for allowed in getattr(settings, "METRICS_ALLOWED_IPS", []):
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def metrics(request):
    """Prometheus text for an allowed address or the bearer token; 403 for anyone else."""
    if not _metrics_allowed(request):
        return HttpResponse("Forbidden.\n", status=403, content_type="text/plain")
    from core.metrics import metrics_text

    body, content_type = metrics_text()
    return HttpResponse(body, content_type=content_type)


PROBES = {
    "/healthz": healthz,
    "/readyz": healthz,
    "/healthz/live": liveness,
    "/livez": liveness,
    "/metrics": metrics,
}


class ProbeMiddleware:
    """Answers the probes and /metrics first of all (before host validation and the HTTPS
    redirect), for GET and HEAD; other methods fall through to the ordinary 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = PROBES.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
