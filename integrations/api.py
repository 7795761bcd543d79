"""REST API of webhook endpoints and their delivery logs (a partner's sellers only)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.pagination import PageNumberPagination
from core.api.routers import ID_REGEX
from core.ids import is_id
from core.roles import IsSeller, seller_partner

from . import selectors, services
from .models import WebhookEndpoint
from .serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
    WebhookSecretSerializer,
)

DELIVERY_ID = OpenApiParameter(
    "delivery_id", int, OpenApiParameter.PATH, description="A delivery of this webhook."
)


@extend_schema_view(
    list=extend_schema(description="Your partner's webhook endpoints, oldest first."),
    retrieve=extend_schema(description="One endpoint; another partner's answers 404."),
    create=extend_schema(
        request=WebhookEndpointSerializer,
        responses={201: WebhookEndpointCreatedSerializer},
        description="Add an endpoint `{url, kind, events, query, active}`. The answer carries "
        "the signing `secret`, this once. A URL that is not https, or names a private, "
        "loopback or metadata address, answers 400 naming `url`; a query the pool would "
        "refuse, 400 naming `query`.",
    ),
    partial_update=extend_schema(
        description="Change some of `{url, kind, events, query, active}`, checked alike. "
        "Turning a disabled endpoint back on clears `disabled_reason`."
    ),
    destroy=extend_schema(description="Remove the endpoint; its delivery log is kept."),
)
class WebhookEndpointViewSet(viewsets.GenericViewSet):
    permission_classes = [IsSeller]
    serializer_class = WebhookEndpointSerializer
    filter_backends = []
    pagination_class = None  # at most ENDPOINTS_MAX endpoints per partner
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return selectors.webhook_endpoint_list(partner=seller_partner(self.request.user))

    def get_object(self):
        raw = str(self.kwargs.get("pk", ""))
        endpoint = None
        if is_id(raw):
            endpoint = selectors.webhook_endpoint_get(
                partner=seller_partner(self.request.user), endpoint_id=int(raw)
            )
        if endpoint is None:
            raise Http404
        return endpoint

    def list(self, request):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint, secret = services.webhook_endpoint_create(
            partner=seller_partner(request.user), user=request.user, **body.validated_data
        )
        answer = {**self.get_serializer(endpoint).data, "secret": secret}
        return Response(answer, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        body = self.get_serializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        changes = {key: value for key, value in body.validated_data.items() if key in request.data}
        endpoint = services.webhook_endpoint_update(endpoint=endpoint, user=request.user, **changes)
        return Response(self.get_serializer(endpoint).data)

    def destroy(self, request, pk=None):
        services.webhook_endpoint_remove(endpoint=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={200: WebhookSecretSerializer},
        description="Give the endpoint a new signing secret, answered this once; the next "
        "attempts are signed with it.",
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        secret = services.webhook_endpoint_secret_rotate(
            endpoint=self.get_object(), user=request.user
        )
        return Response({"secret": secret})

    @extend_schema(
        responses={200: WebhookDeliverySerializer(many=True)},
        description="The endpoint's delivery log, newest first, paginated: each delivery's "
        "status, attempts, last status code, duration and response excerpt.",
    )
    @action(detail=True, methods=["get"], pagination_class=PageNumberPagination)
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        page = self.paginate_queryset(selectors.webhook_delivery_list(endpoint=endpoint))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        request=None,
        parameters=[DELIVERY_ID],
        responses={201: WebhookDeliverySerializer},
        description="Send a delivery's event again (same `webhook-id`), queued now behind the "
        "endpoint's pending ones. It is built when sent: licensed data only while the "
        "authorization lasts.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"deliveries/(?P<delivery_id>{ID_REGEX})/replay",
        url_name="delivery-replay",
    )
    def replay(self, request, pk=None, delivery_id=None):
        endpoint = self.get_object()
        raw = str(delivery_id or "")
        delivery = None
        if is_id(raw):
            delivery = selectors.webhook_delivery_get(endpoint=endpoint, delivery_id=int(raw))
        if delivery is None:
            raise Http404
        replay = services.webhook_delivery_replay(delivery=delivery, user=request.user)
        return Response(WebhookDeliverySerializer(replay).data, status=status.HTTP_201_CREATED)
