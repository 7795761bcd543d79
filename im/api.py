"""REST API for TTSPC IM."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.ids import is_id
from core.roles import (
    IsSeller,
    IsSellerOrCreator,
    creator_of,
    seller_partner,
)
from creators.models import Creator, Partner
from creators.selectors import partner_listed_get
from leads import selectors as lead_selectors
from leads.services import lead_add, lead_remove_for_creator

from . import selectors, services
from .filters import ThreadFilter
from .models import Side, Thread
from .serializers import (
    LeadRemovedSerializer,
    MessageCreateSerializer,
    MessageSerializer,
    ThreadLeadSerializer,
    ThreadOpenSerializer,
    ThreadSerializer,
)


def visible_threads(request):
    """The caller's threads: their partner's (seller) or their own (creator)."""
    partner = seller_partner(request.user)
    if partner is not None:
        return selectors.thread_list_for_partner(partner=partner)
    return selectors.thread_list_for_creator(creator=creator_of(request.user))


def caller_side(request) -> str:
    return Side.SELLER if seller_partner(request.user) is not None else Side.CREATOR


@extend_schema_view(
    retrieve=extend_schema(
        description="One thread the caller is a side of (the partner's staff or the creator); "
        "any other thread answers 404."
    )
)
class ThreadViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Threads between a partner and a creator; only those two sides can see one."""

    permission_classes = [IsSellerOrCreator]
    serializer_class = ThreadSerializer
    filterset_class = ThreadFilter

    def get_queryset(self):
        if self.action in ("messages", "read"):
            # The thread itself is all these need: not the list's unread and lead figures.
            partner = seller_partner(self.request.user)
            if partner is not None:
                return Thread.objects.filter(partner=partner)
            return Thread.objects.filter(creator=creator_of(self.request.user))
        return visible_threads(self.request)

    def filter_queryset(self, queryset):
        """The list's filters (`is_lead`) apply to the list only: a thread's sub-actions
        (`messages/`, `read/`) and the detail read no query filters, whatever is sent."""
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        description="Sellers: their partner's threads; creators: their own. Newest activity "
        "first. `unread_count` counts the other side's messages since the caller last read.",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=ThreadOpenSerializer,
        responses={201: ThreadSerializer, 200: ThreadSerializer},
        description="Open a thread or return the existing one: a creator names a `partner` "
        "(id), a seller names a `creator` (handle).",
    )
    def create(self, request):
        body = ThreadOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        partner = seller_partner(request.user)
        if partner is not None:
            handle = (body.validated_data.get("creator") or "").lstrip("@")
            if not handle:
                raise ValidationError({"creator": ["Name the creator by handle."]})
            creator = Creator.objects.filter(handle=handle).first()
            if creator is None:
                raise ValidationError({"creator": [f"No creator @{handle}."]})
        else:
            creator = creator_of(request.user)
            partner_id = body.validated_data.get("partner")
            if partner_id is None:
                raise ValidationError({"partner": ["Name the partner by id."]})
            try:
                partner = partner_listed_get(partner_id=partner_id)
            except Partner.DoesNotExist:
                raise ValidationError({"partner": [f"No partner {partner_id}."]}) from None
        thread, created = services.thread_open(partner=partner, creator=creator)
        thread = visible_threads(request).get(pk=thread.pk)
        return Response(
            ThreadSerializer(thread).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def get_throttles(self):
        if self.action == "messages" and self.request.method == "POST":
            self.throttle_scope = "message"
            return [ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        methods=["GET"],
        parameters=[
            OpenApiParameter(
                "after",
                int,
                description="Poll: only messages with an id above this one (the newest the "
                "client holds). Nothing newer answers 204 with no body.",
            )
        ],
        responses={200: MessageSerializer(many=True), 204: None},
        description="Paginated newest page first: page 1 holds the newest 25 messages; "
        "within a page messages run oldest to newest. Reading writes nothing: mark the thread "
        "read with `POST …/read/`.",
    )
    @extend_schema(
        methods=["POST"], request=MessageCreateSerializer, responses={201: MessageSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, pk=None):
        thread = self.get_object()
        side = caller_side(request)
        if request.method == "POST":
            body = MessageCreateSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            message = services.message_send(
                thread=thread, sender=request.user, side=side, body=body.validated_data["body"]
            )
            return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
        newest_first = thread.messages.order_by("-created_at", "-id")
        after = request.query_params.get("after")
        if after is not None:
            if not is_id(after):
                raise ValidationError({"after": ["A message id (a whole number from 0)."]})
            if not selectors.message_any_after(thread_id=thread.pk, after_id=int(after)):
                return Response(status=status.HTTP_204_NO_CONTENT)
            newest_first = newest_first.filter(id__gt=int(after))
        page = self.paginate_queryset(newest_first)
        return self.get_paginated_response(MessageSerializer(list(reversed(page)), many=True).data)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Mark read",
        description="Everything in the thread up to now counts as read by the caller's side "
        "(its `unread_count` becomes 0). Idempotent.",
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        services.thread_mark_read(thread=self.get_object(), side=caller_side(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadLeadView(APIView):
    """PUT adds the thread's creator to the partner's leads; DELETE removes them (soft)."""

    permission_classes = [IsSeller]

    def _thread(self, request, pk) -> Thread:
        return get_object_or_404(Thread, pk=pk, partner=seller_partner(request.user))

    @extend_schema(
        operation_id="im_threads_lead_add",
        request=None,
        responses={
            201: OpenApiResponse(ThreadLeadSerializer, description="The creator became a lead."),
            200: OpenApiResponse(
                ThreadLeadSerializer,
                description="The lead already existed: in the pool (unchanged) or restored "
                "from a removal (the same lead row).",
            ),
        },
        summary="Add to leads",
        description="Adds the thread's creator to the partner's Leads Pool with source "
        "`instant_message` (never licensed data). Idempotent: a repeat keeps one lead. "
        "Sellers only; another partner's thread answers 404.",
    )
    def put(self, request, pk):
        thread = self._thread(request, pk)
        existed = lead_selectors.lead_for_creator(partner=thread.partner, creator=thread.creator)
        lead, _ = lead_add(partner=thread.partner, creator=thread.creator, user=request.user)
        body = ThreadLeadSerializer(
            {
                "id": lead.pk,
                "source": lead.source,
                "status": lead.status,
                "in_pool": lead.in_pool,
            }
        ).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="im_threads_lead_remove",
        request=None,
        responses={200: LeadRemovedSerializer},
        summary="Remove from leads",
        description="Takes the thread's creator out of the pool (soft: the lead and its history "
        "are kept) and notifies the partner once. `removed` is false when there was nothing to "
        "remove; a repeat sends no second notification. Sellers only.",
    )
    def delete(self, request, pk):
        thread = self._thread(request, pk)
        removed = lead_remove_for_creator(
            partner=thread.partner, creator=thread.creator, user=request.user
        )
        return Response(LeadRemovedSerializer({"removed": removed}).data)
