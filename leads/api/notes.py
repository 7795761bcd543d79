"""REST API for staff notes on a lead: every staff user of the partner reads and writes;
only a note's author edits or deletes it."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from core.ids import is_id
from core.roles import IsSeller, seller_partner

from .. import selectors, services
from ..models import Lead, LeadNote
from ..serializers import LeadNoteSerializer


@extend_schema_view(
    list=extend_schema(description="The lead's notes, newest first (deleted ones are gone)."),
    create=extend_schema(
        description="Add a note `{body}` (1–5,000 characters) to one of your partner's leads."
    ),
    partial_update=extend_schema(
        description="Rewrite your own note `{body}`; another staff user's note answers 403, "
        "another partner's 404."
    ),
    destroy=extend_schema(
        description="Delete your own note; the lead's history keeps a `note_deleted` event. "
        "Another staff user's note answers 403, another partner's 404."
    ),
)
class LeadNoteViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Notes on `/api/v1/leads/{lead_id}/notes/`; visible to the lead's partner's staff only."""

    permission_classes = [IsSeller]
    serializer_class = LeadNoteSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = []

    def _lead(self) -> Lead:
        if not hasattr(self, "_lead_obj"):
            raw = str(self.kwargs.get("lead_pk", ""))
            lead = None
            if is_id(raw):
                lead = (
                    Lead.objects.filter(partner=seller_partner(self.request.user), pk=int(raw))
                    .select_related("creator")
                    .first()
                )
            if lead is None:
                raise Http404
            self._lead_obj = lead
        return self._lead_obj

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LeadNote.objects.none()
        return selectors.lead_notes(lead=self._lead())

    def get_object(self):
        raw = str(self.kwargs.get("pk", ""))
        if not is_id(raw):
            raise Http404
        try:
            return self.get_queryset().get(pk=int(raw))
        except LeadNote.DoesNotExist:
            raise Http404 from None

    def create(self, request, *args, **kwargs):
        lead = self._lead()  # another partner's lead is a 404 before the body is read
        body = LeadNoteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        note = services.note_create(
            lead=lead, author=request.user, body=body.validated_data["body"]
        )
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        note = self.get_object()
        body = LeadNoteSerializer(
            note, data=request.data, partial=True, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        if "body" in body.validated_data:
            note = services.note_update(
                note=note, user=request.user, body=body.validated_data["body"]
            )
        else:
            services.note_update(note=note, user=request.user, body=note.body)
        return Response(self.get_serializer(note).data)

    def destroy(self, request, *args, **kwargs):
        services.note_delete(note=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
