from rest_framework import serializers

from .models import MAX_FOLLOWERS, Creator, Partner, Tier

TIER_KEYS = [tier.key for tier in Tier.ranked()]


class TierKeyField(serializers.ChoiceField):
    """A tier as its lower-case key (`silver`), or null for a non-tiered creator."""

    def __init__(self, **kwargs):
        super().__init__(choices=TIER_KEYS, allow_null=True, **kwargs)

    def to_representation(self, value):
        return Tier(value).key


class CreatorProfileSerializer(serializers.ModelSerializer):
    tier = TierKeyField(read_only=True)
    tier_label = serializers.CharField(read_only=True)

    class Meta:
        model = Creator
        fields = [
            "handle",
            "display_name",
            "tier",
            "tier_label",
            "follower_count",
            "tier_as_of",
            "tier_refreshed_at",
            "followers_as_of",
            "followers_refreshed_at",
        ]
        read_only_fields = fields


class PartnerSerializer(serializers.ModelSerializer):
    categories = serializers.ListField(source="category_list", child=serializers.CharField())
    creator_count = serializers.IntegerField(
        read_only=True, help_text="Creators collaborating with this partner."
    )
    response_rate = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Share of collaboration requests answered (0-1) over 90 days; null under 10.",
    )
    typical_response_hours = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Median hours to a first response over 90 days; null under 10 requests.",
    )
    responsiveness_sample = serializers.IntegerField(
        read_only=True, help_text="Collaboration requests in the last 90 days."
    )

    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "slug",
            "partner_type",
            "profile",
            "categories",
            "creator_count",
            "response_rate",
            "typical_response_hours",
            "responsiveness_sample",
        ]
        read_only_fields = fields


class PartnerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CreatorRefSerializer(serializers.Serializer):
    handle = serializers.CharField()
    tier = TierKeyField()


class CreatorStatsRowSerializer(serializers.Serializer):
    """One day of one creator in the creator-stats feed (documents the request schema)."""

    handle = serializers.RegexField(r"^@?[A-Za-z0-9_.]{2,64}$")
    date = serializers.DateField(help_text="The feed day, YYYY-MM-DD.")
    live_gmv_usd = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, help_text="That day's LIVE GMV in USD."
    )
    followers = serializers.IntegerField(
        min_value=0, max_value=MAX_FOLLOWERS, help_text="Followers at the end of the day."
    )
    live_sessions = serializers.IntegerField(min_value=0, required=False)
    average_viewers = serializers.IntegerField(min_value=0, required=False)
    top_category = serializers.CharField(max_length=64, required=False, allow_blank=True)


MAX_STATS_ROWS = 10_000


class StatsBatchSerializer(serializers.Serializer):
    """The bulk feed: only the list is checked here; `stats_rows_parse` checks each row so
    that every error names its row as `line N`."""

    rows = serializers.ListField(max_length=MAX_STATS_ROWS)


class CreatorStatsBatchSerializer(serializers.Serializer):
    """The request body as documented: up to 10,000 rows, applied all or nothing."""

    rows = serializers.ListField(child=CreatorStatsRowSerializer(), max_length=MAX_STATS_ROWS)


class CreatorStatsImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    creators_created = serializers.IntegerField()
    rows_created = serializers.IntegerField()
    rows_updated = serializers.IntegerField()
    rows_unchanged = serializers.IntegerField()
