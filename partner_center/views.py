import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from kombu import Connection

from core import roles


@login_required
def home(request):
    """Send each user to where their work is."""
    role = roles.role_of(request.user)
    if role == roles.SELLER:
        return redirect("leads:pool")
    if role == roles.CREATOR:
        return redirect("ec:partner_list")
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "home.html")


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


def healthz(request):
    """Healthy when the database answers and the Celery broker is reachable; else 503."""
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def not_found(request, exception=None):
    """404s under /api/ answer in the API's JSON error shape; pages get the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request)
