"""The seller's renewal request in IM: `POST /api/v1/leads/{id}/renewal-request/` puts a
renewal card (a message with the link to the creator's request page) in the thread.

The rules (the last 48 hours, a lead in the pool with a current request) are leads'
`renewal_request_record`; the creator confirms on the request page with consent."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import ErrorSerializer
from core.mail import absolute_url
from core.roles import IsSeller, seller_partner
from leads import selectors as lead_selectors
from leads.notices import request_path
from leads.services.renewal import renewal_request_record

from .models import Side
from .serializers import MessageSerializer
from .services import message_send, thread_open

RENEWAL_CARD = (
    "Renewal request: {partner} asks you to keep sharing your data for 7 more days. "
    "Renew for 7 days on your request page: {link}"
)


@transaction.atomic
def renewal_card_send(*, lead, user):
    """Record the seller's renewal request and post its card in the partner–creator thread."""
    request = renewal_request_record(lead=lead, user=user)
    thread, _ = thread_open(partner=request.partner, creator=request.creator)
    body = RENEWAL_CARD.format(
        partner=request.partner.name, link=absolute_url(request_path(request.pk))
    )
    return message_send(thread=thread, sender=user, side=Side.SELLER, body=body)


class RenewalRequestView(APIView):
    permission_classes = [IsSeller]

    @extend_schema(
        request=None,
        responses={
            201: OpenApiResponse(MessageSerializer, description="The card, as an IM message."),
            400: OpenApiResponse(
                ErrorSerializer,
                description="`renew`: outside the last 48 hours of the authorization, or no "
                "request in the pool to renew.",
            ),
        },
        description="Ask the creator to renew: a renewal card in the IM thread, within the "
        "last 48 hours of the lead's authorization (or after its end). Another partner's lead "
        "answers 404.",
    )
    def post(self, request, pk):
        lead = get_object_or_404(
            lead_selectors.lead_pool(partner=seller_partner(request.user)), pk=pk
        )
        message = renewal_card_send(lead=lead, user=request.user)
        return Response(MessageSerializer(message).data, status=201)
