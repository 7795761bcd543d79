"""One error shape for the whole API: `{"detail": …, "errors": {field: [messages]}}`."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def encodable(text) -> str:
    """Text that can be sent as UTF-8: a lone surrogate (`\\ud800`, from a JSON escape) that an
    error message echoes is written as its escape, not left to fail the response's encoding."""
    text = str(text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _as_field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {
            encodable(field): [
                encodable(m) for m in (messages if isinstance(messages, list) else [messages])
            ]
            for field, messages in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [encodable(m) for m in detail]}
    return {}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE when it is read; left alone
        # that becomes Django's HTML 400 page.
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        exc = PayloadTooLarge(f"Request body too large: the limit is {limit_mb:g} MB.")
    elif isinstance(exc, SuspiciousOperation):
        # Too many form fields or files, and the like: a bad request, in the API's shape.
        exc = exceptions.ParseError(str(exc) or "Malformed request.")
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        errors = _as_field_errors(exc.detail)
        fields = ", ".join(errors)
        body = {"detail": f"Invalid input: {fields}.", "errors": errors}
        return Response(body, status=status.HTTP_400_BAD_REQUEST, headers=response.headers)

    if isinstance(response.data, dict) and "detail" in response.data:
        response.data = {**response.data, "detail": encodable(response.data["detail"])}
    return response
