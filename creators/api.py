"""REST API for creators, partners, the caller's identity, tokens and the stats feed."""

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles
from core.api.filters import CappedSearchFilter
from core.auth import ExpiringTokenAuthentication, api_token_issue
from core.replica import ReplicaReadsMixin
from core.throttles import AddressRateThrottle

from . import services
from .models import Creator
from .selectors import partner_directory
from .serializers import (
    CreatorProfileSerializer,
    CreatorStatsBatchSerializer,
    CreatorStatsImportResultSerializer,
    MeSerializer,
    PartnerSerializer,
    StatsBatchSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class TokenView(APIView):
    """Exchange a username and password for an API token; DELETE, sent with it, revokes it.

    The brute-force lockout (django-axes, keyed on username and client address) answers 429
    here as on the login pages, the right password included, until the cool-off passes.
    """

    throttle_classes = [AddressRateThrottle]  # per address, whoever is signed in
    throttle_scope = "token"

    def get_authenticators(self):
        # POST trades a password and ignores any Authorization header; DELETE needs the token.
        # (The schema generator asks before there is a request: it documents DELETE's.)
        if getattr(self.request, "method", "DELETE") == "DELETE":
            return [ExpiringTokenAuthentication()]
        return []

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
        description=(
            "Answers `{token}` for an active user: a new token for each call, valid for "
            "API_TOKEN_TTL_HOURS (7 days by default). Wrong credentials, or a deactivated user, "
            "answer 400 naming `password` (a missing field is named itself). After "
            "AXES_FAILURE_LIMIT failures for one username from one address, 429 until the "
            "cool-off passes."
        ),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = api_token_issue(user=user)
        # As a page login does: records last_login and clears the user's failed attempts.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token})

    @extend_schema(
        request=None,
        responses={204: None},
        description="Revokes the token this request is sent with; other tokens stay valid.",
    )
    def delete(self, request):
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """Who the caller is: role, and their partner (seller) or creator."""

    @extend_schema(
        responses={200: MeSerializer},
        description=(
            "`role` is seller, creator or admin; `partner` is set for a seller and `creator` "
            "(handle and tier key, null when non-tiered) for a creator."
        ),
    )
    def get(self, request):
        user = request.user
        partner = roles.seller_partner(user)
        creator = roles.creator_of(user)
        return Response(
            MeSerializer(
                {
                    "id": user.pk,
                    "username": user.get_username(),
                    "role": roles.role_of(user),
                    "partner": {"id": partner.pk, "name": partner.name} if partner else None,
                    "creator": (
                        {"handle": creator.handle, "tier": creator.tier} if creator else None
                    ),
                }
            ).data
        )


class CreatorViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A creator's public profile: refreshed tier and followers, and when each was refreshed."""

    queryset = Creator.objects.all()
    serializer_class = CreatorProfileSerializer
    lookup_field = "handle"
    lookup_value_regex = r"[^/]+"  # any text, so that a bad handle gets the JSON 404


class PartnerViewSet(ReplicaReadsMixin, viewsets.ReadOnlyModelViewSet):
    """Top LIVE Partner: the partners creators can find and contact."""

    replica_actions = frozenset({"list", "retrieve"})
    serializer_class = PartnerSerializer
    filter_backends = [CappedSearchFilter]
    search_fields = ["name", "profile", "categories"]

    def get_queryset(self):
        return partner_directory()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Name, profile or category: up to 8 words of up to 100 characters "
                "each (more answers 400 naming `search`).",
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class CreatorStatsView(APIView):
    """Bulk creator-stats feed intake for staff: all rows are applied, or none."""

    permission_classes = [roles.IsStaffUser]

    @extend_schema(
        request=CreatorStatsBatchSerializer,
        responses={201: CreatorStatsImportResultSerializer},
        description=(
            "Rows are `{handle, date, live_gmv_usd, followers}` plus optional `live_sessions`, "
            "`average_viewers`, `top_category`. A bad row answers 400 with "
            "`errors.rows` naming each row as `line N` (1-based) and nothing is written."
        ),
    )
    def post(self, request):
        batch = StatsBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        rows = services.stats_rows_parse(batch.validated_data["rows"], first_line=1)
        result = services.creator_stats_import(rows=rows)
        return Response(
            CreatorStatsImportResultSerializer(result).data, status=status.HTTP_201_CREATED
        )
