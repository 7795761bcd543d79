from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creators.models import Tier
from creators.serializers import TIER_KEYS

from .models import NOTE_MAX_LENGTH, CloseReason, Lead, LeadEvent, LeadNote, LeadStatus, SavedView
from .services.bulk import ACTIONS


class UserRefSerializer(serializers.Serializer):
    """A staff user as the workspace shows them: `{id, username, name}`."""

    id = serializers.IntegerField(source="pk")
    username = serializers.CharField(source="get_username")
    name = serializers.SerializerMethodField(help_text="Full name, or the username if none.")

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


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


# Formats datetimes as the declared fields do (ISO 8601 in the current time zone).
_DATETIME = serializers.DateTimeField()


def _datetime_or_none(value):
    return None if value is None else _DATETIME.to_representation(value)


class CloseReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=CloseReason.choices)
    text = serializers.CharField(allow_blank=True)


def close_reason_data(obj) -> dict | None:
    """A lead's or request's close reason as the API gives it: {code, text}, or null."""
    return {"code": obj.close_reason, "text": obj.close_reason_text} if obj.close_reason else None


class LeadSerializer(serializers.ModelSerializer):
    creator = LeadCreatorSerializer(source="*", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    status = serializers.ChoiceField(choices=LeadStatus.choices)
    authorization_active = serializers.SerializerMethodField()
    licensed_data = serializers.SerializerMethodField()
    message = serializers.CharField(
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The creator's latest request message, or null.",
    )
    owner = UserRefSerializer(read_only=True, allow_null=True)
    notes_count = serializers.IntegerField(read_only=True, default=0)
    close_reason = serializers.SerializerMethodField(
        help_text="Why the lead was closed or removed: {code, text}, or null."
    )

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
            "message",
            "owner",
            "notes_count",
            "response_due_at",
            "first_response_at",
            "next_task_due_at",
            "close_reason",
        ]
        read_only_fields = [f for f in fields if f != "status"]

    def _now(self):
        return self.context.setdefault("now", timezone.now())

    def to_representation(self, lead):
        """The declared fields above (they make the schema), written out by hand: DRF's field
        by field walk costs several times more, and the pool lists 25 to 100 of these per
        request. tests/leads/test_pool_serializer.py holds it equal to the generic walk."""
        now = self._now()
        datetime = _DATETIME.to_representation
        expires = lead.authorization_expires_at
        authorized = expires is not None and expires > now
        creator = lead.creator
        avatar = creator.avatar
        avatar_url = None
        if avatar:
            request = self.context.get("request")
            avatar_url = request.build_absolute_uri(avatar.url) if request else avatar.url
        tier = Tier(lead.creator_tier)
        owner = lead.owner if lead.owner_id is not None else None
        message = getattr(lead, "message", None)
        return {
            "id": lead.pk,
            "creator": {
                "handle": creator.handle,
                "display_name": creator.name,
                "tier": tier.key,
                "tier_label": tier.label,
                "follower_count": int(lead.creator_follower_count),
                "avatar_url": avatar_url,
            },
            "source": lead.source,
            "source_label": lead.get_source_display(),
            "status": lead.status,
            "requested_at": datetime(lead.requested_at),
            "authorization_expires_at": None if expires is None else datetime(expires),
            "authorization_active": authorized,
            "licensed_data": lead.licensed_data if authorized else None,
            "message": None if message is None else str(message),
            "owner": None
            if owner is None
            else {
                "id": owner.pk,
                "username": owner.get_username(),
                "name": owner.get_full_name() or owner.get_username(),
            },
            "notes_count": int(getattr(lead, "notes_count", 0)),
            "response_due_at": _datetime_or_none(lead.response_due_at),
            "first_response_at": _datetime_or_none(lead.first_response_at),
            "next_task_due_at": _datetime_or_none(lead.next_task_due_at),
            "close_reason": close_reason_data(lead),
        }

    def get_authorization_active(self, lead) -> bool:
        return lead.is_authorized(self._now())

    @extend_schema_field(CloseReasonSerializer(allow_null=True))
    def get_close_reason(self, lead):
        return close_reason_data(lead)

    @extend_schema_field(LicensedDataSerializer(allow_null=True))
    def get_licensed_data(self, lead):
        """Checked at read time: null once `authorization_expires_at` has passed."""
        return lead.visible_licensed_data(self._now())


class LeadStatusSerializer(serializers.Serializer):
    """The body of `PATCH /api/v1/leads/{id}/`: `status` and/or `owner` may change."""

    status = serializers.ChoiceField(choices=LeadStatus.choices, required=False)
    owner = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text="A user id of your partner's staff, or null for no owner.",
    )


class LeadEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    at = serializers.DateTimeField(source="created_at")
    actor = serializers.SerializerMethodField(help_text="Username, or null for a job.")
    from_owner = UserRefSerializer(allow_null=True)
    to_owner = UserRefSerializer(allow_null=True)
    text = serializers.CharField(
        help_text="A creator's request message (kinds requested, "
        "renewed and message); empty otherwise."
    )

    class Meta:
        model = LeadEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "at",
            "actor",
            "from_status",
            "to_status",
            "from_owner",
            "to_owner",
            "text",
        ]
        read_only_fields = fields

    def get_actor(self, event) -> str | None:
        return event.actor.get_username() if event.actor_id else None


class LeadNoteSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True, allow_null=True)
    body = serializers.CharField(max_length=NOTE_MAX_LENGTH, trim_whitespace=True)
    is_mine = serializers.SerializerMethodField(help_text="Whether you wrote it (and may edit).")

    class Meta:
        model = LeadNote
        fields = ["id", "body", "author", "created_at", "updated_at", "is_mine"]
        read_only_fields = ["id", "author", "created_at", "updated_at", "is_mine"]

    def get_is_mine(self, note) -> bool:
        request = self.context.get("request")
        return bool(request and note.author_id == request.user.pk)


class SavedViewSerializer(serializers.ModelSerializer):
    owner = UserRefSerializer(read_only=True)
    query = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        trim_whitespace=True,
        help_text="The pool's query string, e.g. `tier=gold&followers=100k-1m&status=new`.",
    )
    shared = serializers.BooleanField(default=False)
    is_mine = serializers.SerializerMethodField()

    class Meta:
        model = SavedView
        fields = ["id", "name", "query", "shared", "owner", "is_mine", "created_at"]
        read_only_fields = ["id", "owner", "is_mine", "created_at"]

    def get_is_mine(self, view) -> bool:
        request = self.context.get("request")
        return bool(request and view.owner_id == request.user.pk)


@extend_schema_field({"type": "object", "additionalProperties": True})
class PoolFiltersField(serializers.Field):
    """The pool's query parameters as an object. A form-encoded body's `filters=…` text is
    refused by name (a DictField would read it as `{}`: every lead). The pool's own
    validation runs in the service (unknown keys are refused)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            return data
        raise serializers.ValidationError(
            'Send the pool\'s query parameters as a JSON object, e.g. {"status": "new"}.'
        )

    def to_representation(self, value):
        return value


class LeadBulkSerializer(serializers.Serializer):
    """`{action, ids}` or `{action, filters}`; `status` for set_status, `owner` for assign."""

    action = serializers.ChoiceField(choices=ACTIONS)
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        help_text="Lead ids in your pool (at most 10,000); any other id fails the request.",
    )
    filters = PoolFiltersField(
        required=False,
        help_text="The pool's query parameters as an object, e.g. "
        '`{"status": "new", "tier": ["gold", "platinum"]}`: every matching lead.',
    )
    status = serializers.ChoiceField(choices=LeadStatus.choices, required=False)
    owner = serializers.IntegerField(
        allow_null=True, required=False, help_text="For assign: a staff user id, or null."
    )
    close_reason = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="For set_status to closed, or remove: {code, text} (text optional).",
    )

    def validate(self, attrs):
        if ("ids" in attrs) == ("filters" in attrs):
            raise serializers.ValidationError({"ids": ["Send either `ids` or `filters`."]})
        if attrs["action"] == "set_status" and "status" not in attrs:
            raise serializers.ValidationError({"status": ["set_status needs a status."]})
        if attrs["action"] == "assign" and "owner" not in attrs:
            raise serializers.ValidationError(
                {"owner": ["assign needs an owner (a staff user id, or null)."]}
            )
        return attrs


class LeadBulkResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="How many leads changed.")
    skipped = serializers.IntegerField(
        help_text="set_status only: leads whose status cannot move to the target (left as "
        "they were)."
    )


class DayCountField(serializers.ListField):
    """`[date, count]`."""

    child = serializers.JSONField()


class ResponseFiguresSerializer(serializers.Serializer):
    median_first_response_hours = serializers.FloatField(allow_null=True)
    answered_within_target = serializers.FloatField(
        allow_null=True, help_text="Share answered by the deadline (0..1) of answered + overdue."
    )
    overdue = serializers.IntegerField(help_text="Awaiting a first reply past the deadline.")


class ResponseStatsSerializer(ResponseFiguresSerializer):
    """The first-response figures (leads/response_figures.py), overall and grouped."""

    by_owner = serializers.DictField(
        child=ResponseFiguresSerializer(), help_text="username or none"
    )
    by_source = serializers.DictField(child=ResponseFiguresSerializer())


class LeadStatsSerializer(serializers.Serializer):
    """`GET /api/v1/leads/stats/`: figures over the filtered pool (see `lead_stats`)."""

    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_source = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="source -> {status: count}",
    )
    by_tier = serializers.DictField(
        child=serializers.IntegerField(), help_text="tier key, or `none` -> count"
    )
    conversion = serializers.DictField(
        child=serializers.FloatField(),
        help_text="source -> share of its leads that reached collaborating (0..1)",
    )
    conversion_by_tier = serializers.DictField(
        child=serializers.FloatField(),
        help_text="tier key or `none` -> share that reached collaborating (0..1)",
    )
    requests_per_day = serializers.ListField(
        child=DayCountField(), help_text="The last 30 UTC days as [date, count], oldest first."
    )
    expiring_per_day = serializers.ListField(
        child=DayCountField(),
        help_text="Today and the next 6 UTC days as [date, count] of live authorizations ending.",
    )
    response = ResponseStatsSerializer()
