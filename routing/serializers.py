"""The API's shapes of assignment rules, their preview and the partner's settings."""

from rest_framework import serializers

from .models import Strategy

ID_MAX = 10**18 - 1


class AssignmentRuleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=80)
    query = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        required=False,
        default="",
        trim_whitespace=True,
        help_text="A pool query string, e.g. `tier=gold&tier=platinum`; empty matches every lead.",
    )
    strategy = serializers.ChoiceField(choices=Strategy.choices)
    members = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        help_text="User ids of your partner's active staff.",
    )
    active = serializers.BooleanField(default=True)
    position = serializers.IntegerField(min_value=0, max_value=10**6, required=False)

    def to_representation(self, rule):
        return {
            "id": rule.pk,
            "name": rule.name,
            "query": rule.query,
            "strategy": rule.strategy,
            "members": sorted(member.pk for member in rule.members.all()),
            "active": rule.active,
            "position": rule.position,
        }


class RulePreviewSerializer(serializers.Serializer):
    matching_open = serializers.IntegerField(
        help_text="Your open leads (new or contacted, in the pool) the rule's query matches."
    )
    next_member = serializers.CharField(
        allow_null=True, help_text="Username of who would get the next lead, or null."
    )


class PartnerSettingsSerializer(serializers.Serializer):
    response_target_hours = serializers.IntegerField(min_value=1, max_value=168)
