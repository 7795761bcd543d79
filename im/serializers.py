from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creators.models import Tier
from creators.serializers import TIER_KEYS

from .models import MESSAGE_MAX_LENGTH, Message, Thread


class ThreadCreatorSerializer(serializers.Serializer):
    handle = serializers.CharField()
    display_name = serializers.CharField(source="name")
    tier = serializers.SerializerMethodField()
    follower_count = serializers.IntegerField()

    @extend_schema_field(serializers.ChoiceField(choices=TIER_KEYS, allow_null=True))
    def get_tier(self, creator):
        return Tier(creator.tier).key


class ThreadPartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ThreadSerializer(serializers.ModelSerializer):
    partner = ThreadPartnerSerializer(read_only=True)
    creator = ThreadCreatorSerializer(read_only=True)
    unread_count = serializers.IntegerField(read_only=True)
    is_lead = serializers.BooleanField(read_only=True)

    class Meta:
        model = Thread
        fields = [
            "id",
            "partner",
            "creator",
            "last_message_at",
            "last_message_body",
            "unread_count",
            "is_lead",
        ]
        read_only_fields = fields


class ThreadOpenSerializer(serializers.Serializer):
    partner = serializers.IntegerField(required=False, help_text="Creators: the partner's id.")
    creator = serializers.CharField(
        required=False, max_length=64, help_text="Sellers: the creator's handle."
    )


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = ["id", "side", "body", "created_at"]
        read_only_fields = ["id", "side", "created_at"]


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH, trim_whitespace=True)


class ThreadLeadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField()
    status = serializers.CharField()
    in_pool = serializers.BooleanField()


class LeadRemovedSerializer(serializers.Serializer):
    removed = serializers.BooleanField()
