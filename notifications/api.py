"""REST API for notifications."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import creator_of, seller_partner

from . import selectors
from .filters import NotificationFilter
from .models import Notification, NotificationKind
from .serializers import MarkedSerializer, NotificationSerializer
from .services import notification_preferences_set, notifications_mark_read


class IsSellerOrCreator(permissions.BasePermission):
    message = "Only a partner's sellers and creators have notifications."

    def has_permission(self, request, view):
        user = request.user
        return seller_partner(user) is not None or creator_of(user) is not None


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
    """The caller's notifications (a seller's or a creator's), newest first, with the caller's
    own read state."""

    permission_classes = [IsSellerOrCreator]
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notification_list(
            partner=seller_partner(self.request.user), user=self.request.user
        )

    @extend_schema(
        description="The caller's notifications, one per event, newest first: a seller's "
        "(for all the partner's staff or for this seller) or a creator's own. Read state is "
        "the caller's own: a colleague reading them changes nothing here.",
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


def _preference_kinds(user) -> list[str]:
    return selectors.notification_preference_kinds(seller=seller_partner(user) is not None)


def _preference_choices(data, kinds: list[str]) -> dict[str, bool]:
    """`{"<kind>": {"email": bool}}` checked: an unknown kind or a non-boolean is a 400 naming
    the kind."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ['Send {"<kind>": {"email": true|false}}.']})
    errors, choices = {}, {}
    for kind, value in data.items():
        if kind not in kinds:
            errors[str(kind)[:40]] = [f"Unknown kind; use one of {', '.join(kinds)}."]
        elif not isinstance(value, dict) or not isinstance(value.get("email"), bool):
            errors[kind] = ['Use {"email": true} or {"email": false}.']
        else:
            choices[kind] = value["email"]
    if errors:
        raise ValidationError(errors)
    return choices


class NotificationPreferencesView(APIView):
    """The caller's email preferences, one entry per kind of their role."""

    permission_classes = [IsSellerOrCreator]

    @extend_schema(
        responses={200: dict},
        description='Your email preference per kind of your role: {"<kind>": {"email": '
        "true|false}}. Sellers also have `daily_digest` (the daily expiry digest).",
    )
    def get(self, request):
        kinds = _preference_kinds(request.user)
        return Response(selectors.notification_preferences(user=request.user, kinds=kinds))

    @extend_schema(
        request=dict,
        responses={200: dict},
        description="Switch email on or off for some kinds; an unknown kind or a value that "
        "is not a boolean answers 400 naming the kind, and changes nothing.",
    )
    def patch(self, request):
        kinds = _preference_kinds(request.user)
        choices = _preference_choices(request.data, kinds)
        notification_preferences_set(user=request.user, choices=choices)
        return Response(selectors.notification_preferences(user=request.user, kinds=kinds))
