"""The pool's hand-written lead representation equals DRF's generic walk of the declared
fields (which the OpenAPI schema describes), for every shape a lead takes."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from creators.models import Tier
from leads import selectors, services
from leads.models import LeadNote, LeadSource, LeadStatus
from leads.serializers import LeadSerializer
from tests.factories import CreatorUserFactory, LeadFactory, SellerFactory

pytestmark = pytest.mark.django_db


def generic(serializer, lead):
    return serializers.ModelSerializer.to_representation(serializer, lead)


def test_the_hand_written_rows_equal_the_declared_fields(partner_a, seller_a):
    now = timezone.now()
    owner = SellerFactory(user__first_name="Ada", user__last_name="Two", partner=partner_a).user
    plain = SellerFactory(user__username="plain", partner=partner_a).user
    requested = services.collaboration_request_submit(
        creator=CreatorUserFactory(tier=Tier.GOLD, display_name=""),
        partner=partner_a,
        message="hello there",
        consent=True,
    ).request.lead
    requested.owner = owner
    requested.save()
    LeadNote.objects.create(lead=requested, author=seller_a, body="n")
    LeadFactory(
        partner=partner_a,
        source=LeadSource.COLLABORATION_REQUEST,
        status=LeadStatus.CONTACTED,
        licensed_data={"live_gmv_30d": "1.00"},
        authorization_expires_at=now - dt.timedelta(seconds=1),
        owner=plain,
        creator__follower_count=12_345_678,
    )
    with_avatar = LeadFactory(partner=partner_a, creator__tier=Tier.NON_TIERED)
    with_avatar.creator.avatar = SimpleUploadedFile("a.png", b"\x89PNG", "image/png")
    with_avatar.creator.save()
    leads = list(selectors.lead_pool(partner=partner_a))
    assert len(leads) == 3
    for request in (APIRequestFactory().get("/api/v1/leads/"), None):
        serializer = LeadSerializer(context={"request": request, "now": now})
        for lead in leads:
            assert serializer.to_representation(lead) == generic(serializer, lead)
    # Without the workspace's annotations (message, notes_count) the defaults apply.
    bare = selectors.lead_pool(partner=partner_a, workspace=False).first()
    serializer = LeadSerializer(context={"now": now})
    assert serializer.to_representation(bare) == generic(serializer, bare)
