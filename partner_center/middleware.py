"""A Content-Security-Policy that every page satisfies: no inline scripts, no CDN."""

from django.core.exceptions import ValidationError
from django.db import DataError

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class HealthCheckMiddleware:
    """Answers /healthz before host validation and the HTTPS redirect.

    A container healthcheck or load balancer probes by IP over plain HTTP; in production that
    request would otherwise get a 400 (host not in ALLOWED_HOSTS) or a redirect to HTTPS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            from .views import healthz

            return healthz(request)
        return self.get_response(request)


NUL = "\x00"
NUL_MESSAGE = "Null characters are not allowed."
# What the database (or Python's date arithmetic) raises for an admin filter value it cannot take.
ADMIN_BAD_FILTER_ERRORS = (DataError, OverflowError)


def bad_input_response(request, errors: dict[str, list[str]]):
    """A 400 naming each field: the API's JSON error shape, or the bad-request page."""
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse

        body = {"detail": f"Invalid input: {', '.join(errors)}.", "errors": errors}
        return JsonResponse(body, status=400)
    from django.shortcuts import render

    return render(request, "bad_request.html", {"errors": errors}, status=400)


class BadInputMiddleware:
    """Bad input at the edge answers 400 naming the field, never 500.

    - A NUL character in the path or in any query parameter is refused up front. PostgreSQL
      cannot store or compare text holding NUL, so a `?q=%00` that reached a query was a 500
      on every view reading `request.GET` by hand (searches, handles, filters). Forms refuse
      NUL themselves (Django's ProhibitNullCharactersValidator), the API's JSON parser
      refuses it in bodies, and the services that store text check it too.
    - A ValidationError that a page view lets escape (a malformed `page`, say) is a 400
      naming its field rather than a 500. (The API's views turn theirs into the JSON shape
      through the one exception handler before they get here.)
    - An admin action posted with ticked "ids" that are not ids of its model
      (`_selected_action=abc`) goes back to the list with a message (`process_view`).
    - An admin list filtered by a value its column cannot take (`?ip_address__exact=abc` on an
      address column, `?requested_at__year=` with 20 digits) goes back to the unfiltered list
      with a message, as Django's admin does for lookups it recognises as invalid (`?e=1`).
      Django's admin builds these filters from any query parameter naming a field, so the
      database, or Python's date arithmetic, is the first to refuse them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._field_with_nul(request)
        if field is not None:
            return bad_input_response(request, {field: [NUL_MESSAGE]})
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ADMIN_BAD_FILTER_ERRORS) and self._is_admin_read(request):
            return self._admin_filter_refused(request)
        if not isinstance(exception, ValidationError):
            return None
        if hasattr(exception, "error_dict"):
            return bad_input_response(request, exception.message_dict)
        return bad_input_response(request, {"non_field_errors": exception.messages})

    @staticmethod
    def _is_admin_read(request) -> bool:
        from django.urls import reverse

        return request.method in ("GET", "HEAD") and request.path_info.startswith(
            reverse("admin:index")
        )

    def process_view(self, request, view_func, view_args, view_kwargs):
        """An admin action's ticked ids must be ids of its model; Django's admin filters by them
        unchecked (`Field 'id' expected a number but got 'abc'`: a 500)."""
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None or request.method != "POST" or "action" not in request.POST:
            return None
        from django.contrib import messages
        from django.contrib.admin import helpers
        from django.shortcuts import redirect

        pk = model_admin.model._meta.pk
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                valid = NUL not in value and pk.to_python(value) not in (None, "")
            except ValidationError:
                valid = False
            if not valid:
                messages.error(request, f"{value!r} is not a valid id here; nothing was done.")
                return redirect(request.path)
        return None

    @staticmethod
    def _admin_filter_refused(request):
        from django.contrib import messages
        from django.shortcuts import redirect

        names = ", ".join(sorted(request.GET)) or "the address"
        messages.error(
            request, f"A filter value is not valid here ({names}); showing the list unfiltered."
        )
        return redirect(f"{request.path}?e=1")

    @staticmethod
    def _field_with_nul(request) -> str | None:
        if NUL in request.path_info:
            return "path"
        for key, values in request.GET.lists():
            if NUL in key or any(NUL in value for value in values):
                return key.replace(NUL, "\\0")
        return None
