"""REST API for notifications."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.roles import IsSeller, seller_partner

from . import selectors
from .filters import NotificationFilter
from .models import Notification, NotificationKind
from .serializers import MarkedSerializer, NotificationSerializer
from .services import notifications_mark_read


def _kind(request) -> str | None:
    kind = request.query_params.get("kind") or (
        request.data.get("kind") if hasattr(request.data, "get") else None
    )
    if kind in (None, ""):
        return None
    if kind not in NotificationKind.values:
        known = ", ".join(NotificationKind.values)
        raise ValidationError({"kind": [f"Unknown kind {str(kind)[:40]!r}; use one of {known}."]})
    return kind


KIND_PARAMETER = OpenApiParameter(
    "kind", str, enum=NotificationKind.values, description="Only notifications of this kind."
)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The seller's notifications, newest first, with this seller's own read state."""

    permission_classes = [IsSeller]
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notification_list(
            partner=seller_partner(self.request.user), user=self.request.user
        )

    @extend_schema(
        description="The seller's notifications (for all the partner's staff or for this "
        "seller), one per event, newest first. Read state is the caller's own: a colleague "
        "reading them changes nothing here. Creators get 403.",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={200: NotificationSerializer},
        description="Mark one notification read for the caller (another partner's, or a "
        "colleague's personal one, answers 404).",
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        notifications_mark_read(
            partner=notification.partner, user=request.user, ids=[notification.pk]
        )
        return Response(NotificationSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        request=None,
        parameters=[KIND_PARAMETER],
        responses={200: MarkedSerializer},
        description="Mark every notification the caller can see read (only of `kind` when "
        "given), for the caller only.",
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = notifications_mark_read(
            partner=seller_partner(request.user), user=request.user, kind=_kind(request)
        )
        return Response(MarkedSerializer({"marked": marked}).data)
