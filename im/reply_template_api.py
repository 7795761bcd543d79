"""`/api/v1/reply-templates/`: the partner's IM reply templates (its sellers only)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from core.ids import is_id
from core.roles import IsSeller, seller_partner

from . import reply_templates, selectors
from .models import MESSAGE_MAX_LENGTH, REPLY_TEMPLATE_NAME_MAX, ReplyTemplate

PLACEHOLDERS_HELP = (
    f"Plain text with the placeholders {reply_templates.PLACEHOLDER_LIST}, filled for the "
    "conversation it is used in; `{{` and `}}` are literal braces."
)


class ReplyTemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    # The lengths are the service's checks (400 naming the field), not the schema's: an answer
    # never carries a limit its request side would not.
    name = serializers.CharField(
        help_text=f"1 to {REPLY_TEMPLATE_NAME_MAX} characters, unique within your partner."
    )
    body = serializers.CharField(
        trim_whitespace=False,
        help_text=f"1 to {MESSAGE_MAX_LENGTH:,} characters. {PLACEHOLDERS_HELP}",
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


@extend_schema_view(
    list=extend_schema(description="Your partner's reply templates, by name."),
    create=extend_schema(
        description="Add a template: `{name, body}`. An unknown placeholder or a brace that "
        "does not pair up answers 400 naming `body`; a name your partner already uses, 400 "
        "naming `name`."
    ),
    partial_update=extend_schema(
        description="Change a template's name and/or body, checked alike."
    ),
    destroy=extend_schema(
        description="Remove a template (kept as removed; its name is free again). Another "
        "partner's template answers 404."
    ),
)
class ReplyTemplateViewSet(viewsets.GenericViewSet):
    permission_classes = [IsSeller]
    serializer_class = ReplyTemplateSerializer
    filter_backends = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReplyTemplate.objects.none()
        return selectors.reply_template_list(partner=seller_partner(self.request.user))

    def get_object(self):
        raw = str(self.kwargs.get("pk", ""))
        template = self.get_queryset().filter(pk=int(raw)).first() if is_id(raw) else None
        if template is None:
            raise Http404
        return template

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        template = reply_templates.reply_template_create(
            partner=seller_partner(request.user), **body.validated_data
        )
        return Response(self.get_serializer(template).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        template = self.get_object()
        body = self.get_serializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        template = reply_templates.reply_template_update(template=template, **body.validated_data)
        return Response(self.get_serializer(template).data)

    def destroy(self, request, pk=None):
        reply_templates.reply_template_remove(template=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
