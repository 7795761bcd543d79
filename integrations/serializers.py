"""The API's shapes of webhook endpoints and their deliveries."""

from rest_framework import serializers

from .models import EventType, WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.CharField(
        max_length=2000,
        help_text="Where events are posted: https (a Slack incoming-webhook URL for kind `slack`).",
    )
    kind = serializers.ChoiceField(choices=WebhookEndpoint.Kind.choices, default="generic")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        min_length=1,
        max_length=len(EventType.values),
        help_text="The event types to send.",
    )
    query = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        required=False,
        default="",
        trim_whitespace=True,
        help_text="A pool query string (e.g. `tier=gold&tier=platinum`): only events about "
        "leads it matches are sent; empty sends every lead's.",
    )
    active = serializers.BooleanField(default=True)
    disabled_reason = serializers.CharField(
        read_only=True, help_text="Why the worker turned the endpoint off, or empty."
    )
    consecutive_failures = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, endpoint):
        return {
            "id": endpoint.pk,
            "url": endpoint.url,
            "kind": endpoint.kind,
            "events": list(endpoint.events),
            "query": endpoint.query,
            "active": endpoint.active,
            "disabled_reason": endpoint.disabled_reason,
            "consecutive_failures": endpoint.consecutive_failures,
            "created_at": serializers.DateTimeField().to_representation(endpoint.created_at),
        }


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret (`whsec_…`): answered this once; rotate it if lost.",
    )


class WebhookSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret, answered this once.")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    duration_ms = serializers.IntegerField(source="last_duration_ms", allow_null=True)
    response_excerpt = serializers.CharField(source="last_response_excerpt")
    error = serializers.CharField(source="last_error")
    replay_of = serializers.IntegerField(source="replay_of_id", allow_null=True)
    type = serializers.ChoiceField(choices=EventType.choices)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "type",
            "lead_id",
            "message_id",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "duration_ms",
            "response_excerpt",
            "error",
            "created_at",
            "delivered_at",
            "replay_of",
        ]
        read_only_fields = fields
