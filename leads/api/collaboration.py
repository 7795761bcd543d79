"""REST API for creators' collaboration requests (Request to Collaborate)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from creators.models import Partner, Tier
from creators.serializers import TIER_KEYS
from creators.services import tier_thresholds
from partner_center.roles import IsCreator, creator_of

from .. import selectors
from ..models import CollaborationRequest
from ..serializers import LicensedDataSerializer
from ..services import SILVER_RULE, NotEligible, collaboration_request_submit


class CollaborationRequestSerializer(serializers.ModelSerializer):
    partner = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    licensed_data = LicensedDataSerializer(read_only=True)

    class Meta:
        model = CollaborationRequest
        fields = [
            "id",
            "partner",
            "status",
            "message",
            "submitted_at",
            "authorization_expires_at",
            "licensed_data",
        ]
        read_only_fields = fields

    def get_partner(self, obj) -> dict:
        return {"id": obj.partner_id, "name": obj.partner.name}

    def get_status(self, obj) -> str:
        return obj.status_for_creator(timezone.now())


class CollaborationRequestCreateSerializer(serializers.Serializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.filter(is_listed=True))
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(default=True)


class BelowSilverSerializer(serializers.Serializer):
    """403 body; the tier fields are present when a creator below Silver was refused."""

    detail = serializers.CharField()
    tier = serializers.ChoiceField(choices=TIER_KEYS, allow_null=True, required=False)
    live_gmv_30d = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    required_tier = serializers.CharField(required=False)
    required_live_gmv_30d = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False
    )


class CollaborationRequestViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A creator's own requests; Silver+ creators create them, others are told why not."""

    permission_classes = [IsCreator]
    serializer_class = CollaborationRequestSerializer

    def get_queryset(self):
        return selectors.collaboration_request_list(creator=creator_of(self.request.user))

    def get_throttles(self):
        if self.action == "create":
            self.throttle_scope = "collaboration_request"
            return [ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        request=CollaborationRequestCreateSerializer,
        responses={
            201: CollaborationRequestSerializer,
            200: OpenApiResponse(
                CollaborationRequestSerializer,
                description="The open request already sent to this partner.",
            ),
            403: OpenApiResponse(
                BelowSilverSerializer, description="Below Silver: formal requests need Silver tier."
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        body = CollaborationRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        creator = creator_of(request.user)
        if not body.validated_data["consent"]:
            raise serializers.ValidationError(
                {
                    "consent": [
                        "Consent is required: the partner sees your licensed data for 7 days."
                    ]
                }
            )
        try:
            result = collaboration_request_submit(
                creator=creator,
                partner=body.validated_data["partner"],
                message=body.validated_data["message"],
                consent=True,
            )
        except NotEligible:
            return Response(
                {
                    "detail": SILVER_RULE,
                    "tier": Tier(creator.tier).key,
                    "live_gmv_30d": str(creator.live_gmv_30d),
                    "required_tier": "silver",
                    "required_live_gmv_30d": str(tier_thresholds()[Tier.SILVER]),
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        request_obj = self.get_queryset().get(pk=result.request.pk)
        return Response(
            self.get_serializer(request_obj).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )
