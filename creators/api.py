"""REST API for creators, partners, the caller's identity, tokens and the stats feed."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import filters, mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core import roles

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
    """Exchange a username and password for an API token (send it as `Authorization: Token …`)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
        description=(
            "Answers `{token}` for an active user. Wrong credentials, or a deactivated user, "
            "answer 400 naming `password` (a missing field is named itself)."
        ),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


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


class PartnerViewSet(viewsets.ReadOnlyModelViewSet):
    """Top LIVE Partner: the partners creators can find and contact."""

    serializer_class = PartnerSerializer
    filter_backends = [filters.SearchFilter]
    search_fields = ["name", "profile", "categories"]

    def get_queryset(self):
        return partner_directory()

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="Name, profile or category.")]
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
