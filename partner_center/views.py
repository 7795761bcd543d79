from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from . import roles


@login_required
def home(request):
    """Send each user to where their work is."""
    role = roles.role_of(request.user)
    if role == roles.SELLER:
        return redirect("leads:pool")
    if role == roles.CREATOR:
        return redirect("creators:partner_list")
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "home.html")


def healthz(request):
    """Liveness for the load balancer: the database answers and the broker is reachable."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        from .celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"error: {type(exc).__name__}"
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
