"""Bad input at the edge answers 400 naming the field, never 500.

The API's views turn their own errors into the JSON shape through the one exception handler
before they get here; these catch what reaches the edge anyway.
"""

from django.core.exceptions import ValidationError

NUL = "\x00"
NUL_MESSAGE = "Null characters are not allowed."


def bad_input_response(request, errors: dict[str, list[str]]):
    """A 400 naming each field: the API's JSON error shape, or the bad-request page."""
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse

        body = {"detail": f"Invalid input: {', '.join(errors)}.", "errors": errors}
        return JsonResponse(body, status=400)
    from django.shortcuts import render

    return render(request, "bad_request.html", {"errors": errors}, status=400)


class NullCharacterRefusalMiddleware:
    """A NUL character in the path or in any query parameter is refused up front.

    PostgreSQL cannot store or compare text holding NUL, so a `?q=%00` that reached a query
    was a 500 on every view reading `request.GET` by hand (searches, handles, filters). Forms
    refuse NUL themselves (Django's ProhibitNullCharactersValidator), the API's JSON parser
    refuses it in bodies, and the services that store text check it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._field_with_nul(request)
        if field is not None:
            return bad_input_response(request, {field: [NUL_MESSAGE]})
        return self.get_response(request)

    @staticmethod
    def _field_with_nul(request) -> str | None:
        if NUL in request.path_info:
            return "path"
        for key, values in request.GET.lists():
            if NUL in key or any(NUL in value for value in values):
                return key.replace(NUL, "\\0")
        return None


class ValidationErrorBadRequestMiddleware:
    """A ValidationError that a page view lets escape (a malformed `page`, say) is a 400
    naming its field rather than a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ValidationError):
            return None
        if hasattr(exception, "error_dict"):
            return bad_input_response(request, exception.message_dict)
        return bad_input_response(request, {"non_field_errors": exception.messages})
