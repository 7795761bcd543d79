"""REST API of assignment rules and the partner's settings (sellers only)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ids import is_id
from core.roles import IsSeller, seller_partner

from . import selectors, services
from .models import AssignmentRule
from .serializers import (
    AssignmentRuleSerializer,
    PartnerSettingsSerializer,
    RulePreviewSerializer,
)


@extend_schema_view(
    list=extend_schema(description="Your partner's assignment rules, in their order."),
    create=extend_schema(
        description="Add a rule: `{name, query, strategy, members, active, position}`. A query "
        "the pool would refuse answers 400 naming `query`; a member who is not your partner's "
        "active staff, 400 naming `members`."
    ),
    partial_update=extend_schema(description="Change some of a rule's fields, checked alike."),
    destroy=extend_schema(description="Delete a rule; another partner's rule answers 404."),
)
class AssignmentRuleViewSet(viewsets.GenericViewSet):
    permission_classes = [IsSeller]
    serializer_class = AssignmentRuleSerializer
    filter_backends = []
    pagination_class = None  # at most RULES_MAX rules per partner
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AssignmentRule.objects.none()
        return selectors.rule_list(partner=seller_partner(self.request.user))

    def get_object(self):
        raw = str(self.kwargs.get("pk", ""))
        rule = self.get_queryset().filter(pk=int(raw)).first() if is_id(raw) else None
        if rule is None:
            raise Http404
        return rule

    def list(self, request):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    def create(self, request):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        rule = services.assignment_rule_create(
            partner=seller_partner(request.user), **body.validated_data
        )
        rule = self.get_queryset().get(pk=rule.pk)
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        rule = self.get_object()
        body = self.get_serializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        changes = {key: value for key, value in body.validated_data.items() if key in request.data}
        services.assignment_rule_update(rule=rule, **changes)
        return Response(self.get_serializer(self.get_queryset().get(pk=rule.pk)).data)

    def destroy(self, request, pk=None):
        services.assignment_rule_delete(rule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={200: RulePreviewSerializer},
        description="`{matching_open, next_member}`: your open leads the rule's query matches, "
        "and the username of who would get its next lead (null when no member is available).",
    )
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        rule = self.get_object()
        preview = selectors.rule_previews(partner=seller_partner(request.user), rules=[rule])
        found = preview[rule.pk]
        member = found["next_member"]
        return Response(
            {
                "matching_open": found["matching_open"],
                "next_member": member.get_username() if member is not None else None,
            }
        )


class PartnerSettingsView(APIView):
    """Your partner's settings: the response target (hours, 1 to 168)."""

    permission_classes = [IsSeller]

    @extend_schema(responses={200: PartnerSettingsSerializer})
    def get(self, request):
        partner = seller_partner(request.user)
        return Response({"response_target_hours": partner.response_target_hours})

    @extend_schema(
        request=PartnerSettingsSerializer,
        responses={200: PartnerSettingsSerializer},
        description="`{response_target_hours}`: 1 to 168; anything else answers 400 naming it. "
        "New requests' first-response deadlines use it.",
    )
    def patch(self, request):
        body = PartnerSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        partner = services.partner_response_target_set(
            partner=seller_partner(request.user),
            hours=body.validated_data["response_target_hours"],
        )
        return Response({"response_target_hours": partner.response_target_hours})
