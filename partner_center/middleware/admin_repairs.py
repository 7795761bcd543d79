"""Repairs to Django's admin: input it would answer with a 500 goes back to the list, with a
message saying what was not valid."""

from django.core.exceptions import ValidationError
from django.db import DataError

from .bad_input import NUL

# What the database (or Python's date arithmetic) raises for an admin filter value it cannot take.
ADMIN_BAD_FILTER_ERRORS = (DataError, OverflowError)


class AdminInvalidActionIdsMiddleware:
    """An admin action posted with ticked "ids" that are not ids of its model
    (`_selected_action=abc`) goes back to the list with a message, and nothing is done.

    Django's admin filters the model by them unchecked (`Field 'id' expected a number but got
    'abc'`: a 500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
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


class AdminInvalidFilterValueMiddleware:
    """An admin list filtered by a value its column cannot take (`?ip_address__exact=abc` on
    an address column, `?requested_at__year=` with 20 digits) goes back to the unfiltered list
    with a message, as Django's admin does for lookups it recognises as invalid (`?e=1`).

    Django's admin builds these filters from any query parameter naming a field, so the
    database, or Python's date arithmetic, is the first to refuse them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, ADMIN_BAD_FILTER_ERRORS) and self._is_admin_read(request)):
            return None
        from django.contrib import messages
        from django.shortcuts import redirect

        names = ", ".join(sorted(request.GET)) or "the address"
        messages.error(
            request, f"A filter value is not valid here ({names}); showing the list unfiltered."
        )
        return redirect(f"{request.path}?e=1")

    @staticmethod
    def _is_admin_read(request) -> bool:
        from django.urls import reverse

        return request.method in ("GET", "HEAD") and request.path_info.startswith(
            reverse("admin:index")
        )
