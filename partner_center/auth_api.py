"""API authentication: trading a password for a token, revoking it, and who the caller is."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles
from core.auth import ExpiringTokenAuthentication, api_token_issue
from core.throttles import AddressRateThrottle
from creators.serializers import CreatorRefSerializer, PartnerRefSerializer
from routing import services as routing_services


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The caller's user id.")
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=["seller", "creator", "admin"], allow_null=True)
    partner = PartnerRefSerializer(allow_null=True)
    creator = CreatorRefSerializer(allow_null=True)
    away = serializers.BooleanField(
        allow_null=True, help_text="A seller's away flag (assignment rules skip them); else null."
    )


class MeAwaySerializer(serializers.Serializer):
    away = serializers.BooleanField()


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})

    def validate(self, attrs):
        request = self.context.get("request")
        user = authenticate(
            # The Django request itself: django-axes marks it when the login is locked out.
            request=getattr(request, "_request", request),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"password": ["Unable to log in with this username and password."]}
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


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
                    "away": user.partner_staff.away if partner else None,
                }
            ).data
        )

    @extend_schema(
        request=MeAwaySerializer,
        responses={200: MeSerializer},
        description="`{away}`: a seller marks themself away (assignment rules skip them) or "
        "back. Anyone else answers 400 naming `away`.",
    )
    def patch(self, request):
        body = MeAwaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        routing_services.staff_away_set(user=request.user, away=body.validated_data["away"])
        return self.get(request)
