"""REST API of sheet feeds (sellers only): list, create (the secret URL answered once), revoke."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.roles import IsSeller, seller_partner

from . import feeds
from .models import SheetFeed


class SheetFeedSerializer(serializers.ModelSerializer):
    saved_view_name = serializers.CharField(source="saved_view.name", read_only=True)
    active = serializers.SerializerMethodField()

    class Meta:
        model = SheetFeed
        fields = ["id", "saved_view", "saved_view_name", "created_at", "revoked_at", "active"]
        read_only_fields = fields

    def get_active(self, feed) -> bool:
        return feed.revoked_at is None


class SheetFeedCreateSerializer(serializers.Serializer):
    saved_view = serializers.IntegerField(help_text="One of your partner's saved views you see.")


class SheetFeedCreatedSerializer(SheetFeedSerializer):
    url = serializers.SerializerMethodField()

    class Meta(SheetFeedSerializer.Meta):
        fields = [*SheetFeedSerializer.Meta.fields, "url"]
        read_only_fields = fields

    def get_url(self, feed) -> str:
        return self.context["url"]


def sheet_feed_url(request, token: str) -> str:
    """The feed's absolute URL, as the caller reached this server."""
    return request.build_absolute_uri(reverse("sheet_feed_csv", kwargs={"token": token}))


@extend_schema_view(
    list=extend_schema(
        description="Your partner's sheet feeds, newest first, revoked ones included. The "
        "secret URL is never listed: it is answered once, on creation."
    ),
    create=extend_schema(
        request=SheetFeedCreateSerializer,
        responses={201: SheetFeedCreatedSerializer},
        description="A read-only CSV URL of the pool through a saved view (`{saved_view}`: one "
        "of your partner's views that you see, your own or a shared one; any other value "
        "answers 400 naming `saved_view`). The answer's `url` carries the secret token and is "
        "shown only now; it serves the pool's CSV export for that view (licensed columns empty "
        "once an authorization has ended), at most once a minute, for Google Sheets' "
        "`IMPORTDATA` or any poller.",
    ),
    destroy=extend_schema(
        description="Revoke a feed: its URL answers 404 from now on. Another partner's feed "
        "answers 404."
    ),
)
class SheetFeedViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsSeller]
    serializer_class = SheetFeedSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SheetFeed.objects.none()
        return feeds.sheet_feed_list(partner=seller_partner(self.request.user))

    def get_object(self):
        feed = feeds.sheet_feed_get(
            partner=seller_partner(self.request.user), feed_id=self.kwargs.get("pk")
        )
        if feed is None:
            raise NotFound
        return feed

    def create(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        # The service names `saved_view` for anything that is not one of the caller's views
        # (a missing value, text, another partner's id, a teammate's private view).
        feed, token = feeds.sheet_feed_create(
            partner=seller_partner(request.user),
            user=request.user,
            saved_view=data.get("saved_view"),
        )
        feed = self.get_queryset().get(pk=feed.pk)
        body = SheetFeedCreatedSerializer(feed, context={"url": sheet_feed_url(request, token)})
        # The answer holds the secret: no cache keeps it.
        return Response(
            body.data, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"}
        )

    def destroy(self, request, *args, **kwargs):
        feeds.sheet_feed_revoke(feed=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
