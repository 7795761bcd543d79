from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

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


# The probes moved to partner_center/probes.py; `healthz` stays importable from here.
from .probes import healthz  # noqa: E402,F401


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
