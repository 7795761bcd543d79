"""Shared OpenAPI pieces: the one error shape every endpoint answers with."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import serializers


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Token …` (core.auth.ExpiringTokenAuthentication)."""

    target_class = "core.auth.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages by field name (query parameter or body field).",
    )


def add_error_responses(result, generator, request, public):
    """Spectacular postprocessing hook: document the error shape on every operation."""
    error_ref = {"$ref": "#/components/schemas/Error"}
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["detail"],
    }
    descriptions = {
        "400": "Invalid input; `errors` names each field.",
        "401": "Not signed in.",
        "403": "Not allowed for this user.",
        "404": "Not found (or another partner's object).",
        "405": "Method not allowed.",
        "429": "Too many requests.",
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = dict(descriptions)
            if "requestBody" in operation:
                codes["413"] = "Request body too large (over DATA_UPLOAD_MAX_MEMORY_SIZE)."
            for code, description in codes.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": error_ref}},
                    },
                )
    return result
