"""REST API for creators' collaboration requests (Request to Collaborate)."""

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from core.api.schema import ErrorSerializer
from core.roles import IsCreator, creator_of
from creators.models import Tier
from creators.selectors import partners_listed
from creators.serializers import TIER_KEYS, PartnerRefSerializer
from creators.services import SILVER_SOURCE_THRESHOLD

from .. import selectors
from ..models import CollaborationRequest, FirstResponse, LeadStatus
from ..request_state import STATE_LABELS, request_state, with_thread_ids
from ..serializers import CloseReasonSerializer, LicensedDataSerializer
from ..services import NotEligible, collaboration_request_submit
from ..services.renewal import collaboration_request_renew

CREATOR_STATUSES = [*LeadStatus.values, "authorization_expired"]


class CollaborationRequestSerializer(serializers.ModelSerializer):
    """A creator's request as they see it; `status` follows the partner's lead pipeline."""

    partner = PartnerRefSerializer(read_only=True)
    status = serializers.SerializerMethodField(
        help_text="The lead's pipeline status (new, contacted, collaborating, closed), or "
        "authorization_expired for an unanswered request past its authorization."
    )
    status_label = serializers.SerializerMethodField()
    authorization_active = serializers.SerializerMethodField(
        help_text="Whether the partner may still see the licensed data "
        f"({settings.AUTHORIZATION_DAYS} days from submission)."
    )
    licensed_data = LicensedDataSerializer(
        read_only=True, help_text="The snapshot of your data the partner sees until the expiry."
    )
    state = serializers.SerializerMethodField(
        help_text="open (waiting for a first reply), answered, collaborating, closed (by the "
        "partner, or replaced by a newer request) or removed (from the partner's Leads Pool)."
    )
    answered_at = serializers.DateTimeField(
        source="first_response_at", read_only=True, allow_null=True
    )
    answered_by = serializers.SerializerMethodField(
        help_text="How the partner first answered: message, status (a status change), or null."
    )
    closed_at = serializers.SerializerMethodField()
    close_reason = serializers.SerializerMethodField(
        help_text="The partner's reason when closing or removing: {code, text}, or null."
    )
    licensed_data_shared = serializers.SerializerMethodField(
        help_text="Whether the partner still sees your licensed data (false once the "
        "authorization ended: no longer shared)."
    )
    renewable = serializers.SerializerMethodField(
        help_text="Whether POST …/renew/ would be accepted now (the last 48 hours or after)."
    )
    thread = serializers.IntegerField(
        source="thread_id",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Your IM conversation with the partner (/ec/messages/<thread>/), or null.",
    )

    class Meta:
        model = CollaborationRequest
        fields = [
            "id",
            "partner",
            "status",
            "status_label",
            "message",
            "submitted_at",
            "authorization_expires_at",
            "authorization_active",
            "licensed_data",
            "state",
            "answered_at",
            "answered_by",
            "closed_at",
            "close_reason",
            "licensed_data_shared",
            "renewable",
            "thread",
        ]
        read_only_fields = fields

    def _now(self):
        return self.context.get("now") or timezone.now()

    @extend_schema_field(serializers.ChoiceField(choices=CREATOR_STATUSES))
    def get_status(self, obj) -> str:
        return obj.creator_status(self._now())[0]

    def get_status_label(self, obj) -> str:
        return obj.creator_status(self._now())[1]

    def get_authorization_active(self, obj) -> bool:
        return obj.is_authorized(self._now())

    def _state(self, obj):
        cache = self.context.setdefault("states", {})
        if obj.pk not in cache:
            cache[obj.pk] = request_state(obj, self._now())
        return cache[obj.pk]

    @extend_schema_field(serializers.ChoiceField(choices=list(STATE_LABELS)))
    def get_state(self, obj) -> str:
        return self._state(obj).state

    @extend_schema_field(serializers.ChoiceField(choices=FirstResponse.values, allow_null=True))
    def get_answered_by(self, obj):
        return self._state(obj).answered_by or None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_closed_at(self, obj):
        closed = self._state(obj).closed_at
        return None if closed is None else serializers.DateTimeField().to_representation(closed)

    @extend_schema_field(CloseReasonSerializer(allow_null=True))
    def get_close_reason(self, obj):
        return self._state(obj).close_reason

    def get_licensed_data_shared(self, obj) -> bool:
        return self._state(obj).licensed_data_shared

    def get_renewable(self, obj) -> bool:
        return self._state(obj).renewable


class CollaborationRequestCreateSerializer(serializers.Serializer):
    partner = serializers.PrimaryKeyRelatedField(
        queryset=partners_listed(), help_text="The partner's id."
    )
    message = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", trim_whitespace=True
    )
    consent = serializers.BooleanField(
        help_text="You allow the partner to see your licensed data (30-day LIVE GMV, LIVE "
        f"sessions, average viewers, top categories) for {settings.AUTHORIZATION_DAYS} days. "
        "Required, and must be true.",
    )


class BelowSilverSerializer(serializers.Serializer):
    """403 body; the tier fields are present when a creator below Silver was refused."""

    detail = serializers.CharField()
    tier = serializers.ChoiceField(choices=TIER_KEYS, allow_null=True, required=False)
    live_gmv_30d = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    required_tier = serializers.CharField(required=False)
    required_live_gmv_30d = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False
    )


class RenewSerializer(serializers.Serializer):
    consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="You allow the partner to see your licensed data for 7 more days.",
    )


def below_silver_body(refusal: NotEligible) -> dict:
    """The service's refusal of a creator below Silver, with what Silver needs."""
    return {
        "detail": refusal.message,
        "tier": Tier(refusal.creator.tier).key,
        "live_gmv_30d": f"{refusal.creator.live_gmv_30d:.2f}",
        "required_tier": Tier.SILVER.key,
        "required_live_gmv_30d": f"{refusal.required_live_gmv_30d:.2f}",
    }


@extend_schema_view(
    list=extend_schema(description="Your own collaboration requests, newest first."),
    retrieve=extend_schema(
        description="One of your own requests; another creator's request answers 404."
    ),
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
        if getattr(self, "swagger_fake_view", False):
            return CollaborationRequest.objects.none()
        return with_thread_ids(
            selectors.collaboration_request_list(creator=creator_of(self.request.user))
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def get_throttles(self):
        if self.action == "create":
            self.throttle_scope = "collaboration_request"
            return [ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        request=CollaborationRequestCreateSerializer,
        description=(
            "Request to Collaborate (Silver tier and above). The partner gets your licensed "
            f"data for {settings.AUTHORIZATION_DAYS} days and a lead with source "
            "`collaboration_request` in its Leads Pool. Sending again while a request to that "
            "partner is open returns the open request (200); its message is delivered to "
            "your IM thread with the partner (never dropped); after it expired or the partner "
            "closed it, a new request renews the authorization. Without `consent: true` it "
            "answers 400 naming `consent`."
        ),
        responses={
            201: OpenApiResponse(CollaborationRequestSerializer, description="Request submitted."),
            200: OpenApiResponse(
                CollaborationRequestSerializer,
                description="You already have an open request to this partner: here it is.",
            ),
            400: OpenApiResponse(
                ErrorSerializer,
                description="Invalid input; `errors` names the field (`partner`, `message`, "
                "`consent`).",
            ),
            403: OpenApiResponse(
                BelowSilverSerializer,
                description="Below Silver (formal requests need a 30-day LIVE GMV of "
                f"${SILVER_SOURCE_THRESHOLD:,.0f} or more), or the caller is not a creator.",
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        body = CollaborationRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        creator = creator_of(request.user)
        try:
            result = collaboration_request_submit(
                creator=creator,
                partner=body.validated_data["partner"],
                message=body.validated_data["message"],
                consent=body.validated_data["consent"],
            )
        except NotEligible as refusal:
            return Response(below_silver_body(refusal), status=status.HTTP_403_FORBIDDEN)
        request_obj = self.get_queryset().get(pk=result.request.pk)
        return Response(
            self.get_serializer(request_obj).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @extend_schema(
        request=RenewSerializer,
        responses={
            200: OpenApiResponse(
                CollaborationRequestSerializer, description="Renewed for 7 days from now."
            ),
            400: OpenApiResponse(
                ErrorSerializer,
                description="`renew`: outside the last 48 hours of the authorization; "
                "`consent`: consent: true is required.",
            ),
            403: OpenApiResponse(BelowSilverSerializer, description="Below Silver."),
        },
        description="Renew your data authorization for 7 days from now, within its last 48 "
        "hours or after its end. The partner sees your licensed data as of now and is told. "
        "After the end (or a close) it works as a new request.",
    )
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        collaboration = self.get_object()
        body = RenewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            renewed = collaboration_request_renew(
                request=collaboration,
                creator=creator_of(request.user),
                consent=body.validated_data.get("consent", False),
            )
        except NotEligible as refusal:
            return Response(below_silver_body(refusal), status=status.HTTP_403_FORBIDDEN)
        return Response(self.get_serializer(self.get_queryset().get(pk=renewed.pk)).data)
