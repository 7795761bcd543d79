from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creators.models import Tier
from creators.serializers import TIER_KEYS

from .models import Lead, LeadStatus, Notification


class LicensedDataSerializer(serializers.Serializer):
    live_gmv_30d = serializers.DecimalField(max_digits=14, decimal_places=2)
    live_sessions_30d = serializers.IntegerField()
    average_viewers = serializers.IntegerField()
    top_categories = serializers.ListField(child=serializers.CharField())
    window_start = serializers.DateField()
    window_end = serializers.DateField()


class LeadCreatorSerializer(serializers.Serializer):
    """The creator as the pool shows them: refreshed tier and followers.

    Tier and followers are the lead's own copies (kept in step by the refresh jobs), so a page
    of leads costs no extra query.
    """

    handle = serializers.CharField(source="creator.handle")
    display_name = serializers.CharField(source="creator.name")
    tier = serializers.SerializerMethodField()
    tier_label = serializers.SerializerMethodField()
    follower_count = serializers.IntegerField(source="creator_follower_count")
    avatar_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=TIER_KEYS, allow_null=True))
    def get_tier(self, lead) -> str | None:
        return Tier(lead.creator_tier).key

    def get_tier_label(self, lead) -> str:
        return Tier(lead.creator_tier).label

    def get_avatar_url(self, lead) -> str | None:
        avatar = lead.creator.avatar
        if not avatar:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(avatar.url) if request else avatar.url


class LeadSerializer(serializers.ModelSerializer):
    creator = LeadCreatorSerializer(source="*", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    status = serializers.ChoiceField(choices=LeadStatus.choices)
    authorization_active = serializers.SerializerMethodField()
    licensed_data = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = [
            "id",
            "creator",
            "source",
            "source_label",
            "status",
            "requested_at",
            "authorization_expires_at",
            "authorization_active",
            "licensed_data",
        ]
        read_only_fields = [f for f in fields if f != "status"]

    def _now(self):
        return self.context.setdefault("now", timezone.now())

    def get_authorization_active(self, lead) -> bool:
        return lead.is_authorized(self._now())

    @extend_schema_field(LicensedDataSerializer(allow_null=True))
    def get_licensed_data(self, lead):
        """Checked at read time: null once `authorization_expires_at` has passed."""
        return lead.visible_licensed_data(self._now())


class LeadStatusSerializer(serializers.Serializer):
    """The body of `PATCH /api/v1/leads/{id}/`: only `status` may change."""

    status = serializers.ChoiceField(choices=LeadStatus.choices)


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "lead", "created_at", "read_at", "is_read"]
        read_only_fields = fields
