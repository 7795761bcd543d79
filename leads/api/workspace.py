"""REST API of the sellers' workspace: the partner's staff (the owner picker) and saved views."""

from django.contrib.auth import get_user_model
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from core.ids import is_id
from core.roles import IsSeller, seller_partner

from .. import selectors, services
from ..models import SavedView
from ..serializers import SavedViewSerializer, UserRefSerializer


@extend_schema_view(
    list=extend_schema(
        description="Your partner's active staff as `{id, username, name}`, by username: the "
        "owner picker. Sellers only."
    )
)
class StaffViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsSeller]
    serializer_class = UserRefSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return get_user_model().objects.none()
        return selectors.staff_list(partner=seller_partner(self.request.user))


@extend_schema_view(
    list=extend_schema(
        description="Your own saved views and the views shared within your partner, by name."
    ),
    create=extend_schema(
        description="Save the pool's current filters and sort: `{name, query, shared}`, where "
        "`query` is the pool's query string. A query the pool would refuse answers 400 naming "
        "`query`; a name you already use answers 400 naming `name`."
    ),
    destroy=extend_schema(
        description="Delete your own view; a teammate's shared view answers 403, another "
        "partner's 404."
    ),
)
class SavedViewViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsSeller]
    serializer_class = SavedViewSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SavedView.objects.none()
        return selectors.saved_view_list(
            partner=seller_partner(self.request.user), user=self.request.user
        )

    def get_object(self):
        raw = str(self.kwargs.get("pk", ""))
        view = self.get_queryset().filter(pk=int(raw)).first() if is_id(raw) else None
        if view is None:
            raise Http404
        return view

    def create(self, request, *args, **kwargs):
        body = SavedViewSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        view = services.saved_view_create(
            owner=request.user,
            partner=seller_partner(request.user),
            name=body.validated_data["name"],
            query=body.validated_data["query"],
            shared=body.validated_data["shared"],
        )
        return Response(self.get_serializer(view).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.saved_view_delete(view=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
