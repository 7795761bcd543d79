"""REST API for sellers' notifications."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.roles import IsSeller, seller_partner

from .. import selectors
from ..filters import NotificationFilter
from ..models import Notification
from ..serializers import NotificationSerializer
from ..services import notifications_mark_read


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The seller's partner's notifications, newest first."""

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
        description="The seller's partner's notifications (for all its staff or for this "
        "seller), newest first. Creators get 403.",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={200: NotificationSerializer},
        description="Mark one notification read (another partner's answers 404).",
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        notifications_mark_read(partner=notification.partner, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        responses={200: MarkedSerializer},
        description="Mark every notification this seller can see read.",
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        # Only what this seller sees: another staff member's personal notifications stay unread.
        visible = self.get_queryset().filter(read_at__isnull=True).values("pk")
        marked = notifications_mark_read(partner=seller_partner(request.user), ids=visible)
        return Response(MarkedSerializer({"marked": marked}).data)
