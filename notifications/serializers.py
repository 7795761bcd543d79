from rest_framework import serializers

from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    """One event; `is_read` and `read_at` are the caller's own (from `notification_list`)."""

    is_read = serializers.BooleanField(read_only=True)
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)
    lead = serializers.IntegerField(
        source="lead_id", read_only=True, allow_null=True, help_text="The lead it is about."
    )
    link = serializers.CharField(read_only=True, help_text="Where it leads: a path on this site.")
    for_everyone = serializers.SerializerMethodField(
        help_text="True when it went to all the partner's staff, false when only to the caller."
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "text",
            "lead",
            "link",
            "created_at",
            "read_at",
            "is_read",
            "for_everyone",
        ]
        read_only_fields = fields

    def get_for_everyone(self, notification) -> bool:
        return notification.user_id is None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")
