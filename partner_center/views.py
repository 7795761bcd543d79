import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
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


def favicon(request):
    """/favicon.ico for pages without a <link rel="icon"> (JSON, the API docs). The static URL
    is resolved per request: with hashed static names it exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def _error_page(request, status: int, title: str, text: str):
    """A branded error page with a way back; the API answers in its JSON error shape."""
    if request.path.startswith("/api/"):
        detail = {400: "Bad request.", 403: "Forbidden.", 404: "Not found.", 500: "Server error."}[
            status
        ]
        return JsonResponse({"detail": detail}, status=status)
    back = "/"
    user = getattr(request, "user", None)
    role = roles.role_of(user) if user is not None else None
    if role == roles.SELLER:
        back = "/seller/leads/"
    elif role == roles.CREATOR:
        back = "/ec/partners/"
    context = {"status": status, "title": title, "text": text, "back": back}
    try:
        return render(request, "errors/error.html", context, status=status)
    except Exception:  # noqa: BLE001 - a broken template or database must still answer
        return HttpResponse(
            f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{text}</p>"
            '<p><a href="/">Back to LIVE Partner Center</a></p>',
            status=status,
        )


def not_found(request, exception=None):
    """404s under /api/ answer in the API's JSON error shape; pages get the branded page."""
    return _error_page(
        request,
        404,
        "Page not found",
        "This page does not exist, or it belongs to another account. Check the address, or go "
        "back to your workspace.",
    )


def bad_request(request, exception=None):
    """What Django itself refuses before any view (a Host header not in ALLOWED_HOSTS, too many
    fields, a body over the limit): the API's JSON error shape, or the branded page."""
    return _error_page(
        request,
        400,
        "Bad request",
        "The request could not be read: check the address, or go back to your workspace.",
    )


def forbidden(request, exception=None):
    return _error_page(
        request,
        403,
        "You can't open this page",
        "Your account does not have access to it. Sellers work in the Leads Pool, creators in "
        "the EC Center; sign in with the right account or go back.",
    )


def server_error(request):
    # No database reads here: the error may be the database. The role lookup uses the
    # request's user only if it is already loaded.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    try:
        return render(
            request,
            "errors/error.html",
            {
                "status": 500,
                "title": "Something went wrong",
                "text": "The server hit an error and has logged it. Try again in a moment; "
                "if it keeps happening, tell your administrator.",
                "back": "/",
                "minimal": True,
            },
            status=500,
        )
    except Exception:  # noqa: BLE001
        return HttpResponse(
            "<!doctype html><title>Server error</title><h1>Something went wrong</h1>"
            '<p><a href="/">Back to LIVE Partner Center</a></p>',
            status=500,
        )
