"""The outbox written by the real services, delivered: a bulk change of 1,000 leads is one
event and one delivery per lead; a rolled-back bulk change sends nothing."""

import pytest
from django.db import transaction

from core.models import OutboxEvent
from creators.models import Creator
from integrations.models import WebhookDelivery
from integrations.services import webhooks_deliver
from leads.models import Lead
from leads.pool_version import pool_version_bump
from leads.services import leads_bulk_apply

from .receiver import Receiver
from .webhook_helpers import endpoint

pytestmark = pytest.mark.django_db


def _leads(partner, count: int) -> list[int]:
    creators = Creator.objects.bulk_create(
        Creator(handle=f"bulk_{partner.pk}_{n}", display_name=f"Bulk {n}") for n in range(count)
    )
    leads = Lead.objects.bulk_create(
        Lead(partner=partner, creator=creator, source="instant_message") for creator in creators
    )
    pool_version_bump(partner_ids=[partner.pk])
    return sorted(lead.pk for lead in leads)


def test_a_bulk_change_of_1000_leads_is_one_delivery_per_lead(partner_a, seller_a):
    ids = _leads(partner_a, 1000)
    with Receiver() as receiver:
        endpoint(partner_a, seller_a, receiver.url, events=["lead.status_changed"])
        leads_bulk_apply(
            partner=partner_a, user=seller_a, action="set_status", filters={}, status="contacted"
        )
        assert OutboxEvent.objects.filter(type="lead.status_changed").count() == 1000
        run = webhooks_deliver()
    assert run.sent.succeeded == 1000
    got = [r.json for r in receiver.received]
    assert sorted(body["data"]["lead"]["id"] for body in got) == ids  # each lead once
    assert {body["type"] for body in got} == {"lead.status_changed"}
    assert {body["data"]["lead"]["status"] for body in got} == {"contacted"}
    assert WebhookDelivery.objects.filter(status="succeeded").count() == 1000


def test_a_rolled_back_bulk_change_sends_nothing(partner_a, seller_a):
    _leads(partner_a, 50)
    with Receiver() as receiver:
        endpoint(partner_a, seller_a, receiver.url)
        with pytest.raises(RuntimeError), transaction.atomic():
            leads_bulk_apply(
                partner=partner_a, user=seller_a, action="set_status", filters={}, status="closed"
            )
            raise RuntimeError("the request failed after the change")
        run = webhooks_deliver()
    assert run.events == 0 and receiver.received == []
    assert not OutboxEvent.objects.exists() and not WebhookDelivery.objects.exists()
    assert not Lead.objects.filter(status="closed").exists()
