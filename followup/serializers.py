from rest_framework import serializers

from .models import TITLE_MAX_LENGTH, LeadTask


class TaskAssigneeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField(source="get_username")


class TaskSerializer(serializers.ModelSerializer):
    """A task as the API answers it."""

    lead = serializers.IntegerField(source="lead_id", read_only=True)
    assignee = TaskAssigneeSerializer(read_only=True, allow_null=True)
    done = serializers.BooleanField(source="is_done", read_only=True)

    class Meta:
        model = LeadTask
        fields = ["id", "lead", "title", "due_at", "assignee", "done", "done_at", "created_at"]
        read_only_fields = fields


class TaskWriteSerializer(serializers.Serializer):
    """The body of POST /leads/{id}/tasks/ and PATCH /tasks/{id}/. The rules (title length,
    assignee of the partner) live in the services; here only the shapes."""

    title = serializers.CharField(max_length=TITLE_MAX_LENGTH + 1000, trim_whitespace=False)
    due_at = serializers.DateTimeField()
    assignee = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1
    )
    done = serializers.BooleanField(required=False)
