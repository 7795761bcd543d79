"""REST API for creators, partners and the stats feed."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles
from core.api.filters import CappedSearchFilter
from core.replica import ReplicaReadsMixin

from . import services
from .models import Creator
from .selectors import DIRECTORY_ORDERINGS, partner_directory
from .serializers import (
    CreatorProfileSerializer,
    CreatorStatsBatchSerializer,
    CreatorStatsImportResultSerializer,
    PartnerSerializer,
    StatsBatchSerializer,
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
        ordering = self.request.query_params.get("ordering") or "name"
        if ordering not in DIRECTORY_ORDERINGS:
            raise ValidationError({"ordering": [f"Use one of {', '.join(DIRECTORY_ORDERINGS)}."]})
        return partner_directory(ordering=ordering)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Name, profile or category: up to 8 words of up to 100 characters "
                "each (more answers 400 naming `search`).",
            ),
            OpenApiParameter(
                "ordering",
                str,
                enum=list(DIRECTORY_ORDERINGS),
                description="name (default) or responsiveness: the most responsive first "
                "(answer rate, then typical reply time; new partners last).",
            ),
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
