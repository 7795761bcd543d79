"""Deleting staff users in the user admin (one, or several with the list's action) first
takes their pool leads off them through the leads' service: each lead shows no owner, and
keeps an `assigned` event by the admin and a `lead.assigned` outbox event naming the owner it
had. Other owners' leads are untouched."""

import pytest
from django.contrib.auth import get_user_model

from core.models import OutboxEvent
from leads.models import Lead, LeadEvent
from tests.factories import LeadFactory, SellerFactory

pytestmark = pytest.mark.django_db


def _owned(partner, owner, count):
    return [LeadFactory(partner=partner, owner=owner) for _ in range(count)]


def _check_unassigned(leads, gone_id, admin_user):
    for lead in leads:
        lead.refresh_from_db()
        assert lead.owner_id is None
        event = LeadEvent.objects.get(lead=lead, kind=LeadEvent.Kind.ASSIGNED)
        assert (event.actor_id, event.to_owner_id) == (admin_user.pk, None)
        outbox = OutboxEvent.objects.get(lead_id=lead.pk, type="lead.assigned")
        assert outbox.data["from_owner_id"] == gone_id
        assert outbox.data["owner_id"] is None


def test_deleting_one_staff_user_unassigns_their_leads_with_history(
    admin_client, admin_user, partner_a, seller_a
):
    colleague = SellerFactory(partner=partner_a).user
    theirs = _owned(partner_a, colleague, 3)
    mine = _owned(partner_a, seller_a, 2)
    gone_id = colleague.pk

    answer = admin_client.post(f"/admin/auth/user/{gone_id}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not get_user_model().objects.filter(pk=gone_id).exists()
    _check_unassigned(theirs, gone_id, admin_user)
    assert {lead.owner_id for lead in Lead.objects.filter(pk__in=[m.pk for m in mine])} == {
        seller_a.pk
    }
    assert not LeadEvent.objects.filter(lead__in=mine, kind=LeadEvent.Kind.ASSIGNED).exists()


def test_deleting_staff_users_from_the_list_unassigns_each_ones_leads(
    admin_client, admin_user, partner_a, partner_b
):
    first = SellerFactory(partner=partner_a).user
    second = SellerFactory(partner=partner_b).user
    leads = {first.pk: _owned(partner_a, first, 2), second.pk: _owned(partner_b, second, 1)}

    answer = admin_client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": list(leads), "post": "yes"},
    )
    assert answer.status_code == 302
    assert not get_user_model().objects.filter(pk__in=list(leads)).exists()
    for gone_id, owned in leads.items():
        _check_unassigned(owned, gone_id, admin_user)
