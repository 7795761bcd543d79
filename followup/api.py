"""REST API for follow-up tasks: a lead's tasks, and the partner's task list."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.ids import is_id
from core.roles import IsSeller, seller_partner
from leads.models import Lead

from . import selectors, services
from .filters import TaskFilter
from .models import LeadTask
from .serializers import TaskSerializer, TaskWriteSerializer


def _service(call, **kwargs):
    try:
        return call(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict) from None


@extend_schema_view(
    list=extend_schema(description="The lead's tasks: open ones first, soonest due first."),
    create=extend_schema(
        description="Add a task `{title, due_at, assignee}`; `assignee` is a staff user of "
        "your partner (you when omitted); any other id answers 400 naming `assignee`."
    ),
)
class LeadTaskViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """`/api/v1/leads/{lead_id}/tasks/`; another partner's lead is a 404."""

    permission_classes = [IsSeller]
    serializer_class = TaskSerializer
    filter_backends = []

    def _lead(self) -> Lead:
        raw = str(self.kwargs.get("lead_pk", ""))
        lead = None
        if is_id(raw):
            partner = seller_partner(self.request.user)
            lead = Lead.objects.filter(partner=partner, pk=int(raw)).first()
        if lead is None:
            raise Http404
        return lead

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LeadTask.objects.none()
        return selectors.lead_task_list(lead=self._lead())

    @extend_schema(request=TaskWriteSerializer, responses=TaskSerializer)
    def create(self, request, *args, **kwargs):
        lead = self._lead()
        body = TaskWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        task = _service(
            services.task_create,
            lead=lead,
            user=request.user,
            title=data["title"],
            due_at=data["due_at"],
            assignee_id=data.get("assignee"),
        )
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        description="Your partner's tasks, soonest due first: `assignee=me|<id>`, "
        "`due=overdue|today|upcoming` (today is the business day), `done=true|false`."
    ),
    partial_update=extend_schema(
        description="Change `{title, due_at, assignee, done}`; done and undone are events "
        "in the lead's history. Another partner's task answers 404.",
        request=TaskWriteSerializer,
    ),
)
class TaskViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsSeller]
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LeadTask.objects.none()
        return selectors.task_list(partner=seller_partner(self.request.user))

    def get_object(self):
        raw = str(self.kwargs.get("pk", ""))
        task = None
        if is_id(raw):
            task = selectors.task_get(partner=seller_partner(self.request.user), task_id=int(raw))
        if task is None:
            raise Http404
        return task

    def partial_update(self, request, *args, **kwargs):
        task = self.get_object()
        body = TaskWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        changes = {}
        for field, key in (("title", "title"), ("due_at", "due_at"), ("done", "done")):
            if field in data:
                changes[key] = data[field]
        if "assignee" in data:
            changes["assignee_id"] = data["assignee"]
        task = _service(services.task_update, task=task, user=request.user, **changes)
        return Response(TaskSerializer(task).data)
