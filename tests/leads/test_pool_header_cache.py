"""The pool header's counts (expiring within 24 h, awaiting a first reply, overdue): counted
once per pool version and clock slice, seen at once after a write, and within one slice
(`HEADER_COUNTS_SLICE_SECONDS`) after the clock alone moves them."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leads import services
from leads.models import LeadStatus
from leads.selectors import HEADER_COUNTS_SLICE_SECONDS
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

POOL = "/seller/leads/"


def _expiring(text: str) -> str:
    found = re.search(r'data-testid="expiring-count">([^<]*)<', text)
    assert found, text[:2000]
    return found.group(1).strip()


def _header_queries(client):
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(POOL)
    assert answer.status_code == 200
    found = [q["sql"] for q in captured.captured_queries if "authorization_expires_at" in q["sql"]]
    return answer.content.decode(), [
        sql for sql in found if sql.upper().startswith("SELECT COUNT(")
    ]


@pytest.fixture
def page(client, seller_a):
    client.force_login(seller_a)
    return client


def test_a_repeated_page_counts_the_header_once(page, partner_a):
    LeadFactory(partner=partner_a, authorization_expires_at=timezone.now() + dt.timedelta(hours=2))
    with time_machine.travel(timezone.now(), tick=False):
        first, counted = _header_queries(page)
        assert counted, "the first page counts"
        again, counted_again = _header_queries(page)
    assert counted_again == []
    assert _expiring(first) == _expiring(again) == "1 expires within 24 h"


def test_a_write_is_seen_on_the_next_page(page, partner_a, seller_a):
    soon = timezone.now() + dt.timedelta(hours=2)
    LeadFactory(partner=partner_a, authorization_expires_at=soon)
    with time_machine.travel(timezone.now(), tick=False):
        assert _expiring(_header_queries(page)[0]) == "1 expires within 24 h"
        second = LeadFactory(partner=partner_a, authorization_expires_at=soon)
        assert _expiring(_header_queries(page)[0]) == "2 expire within 24 h"
        services.lead_set_status(lead=second, status=LeadStatus.CONTACTED, user=seller_a)
        services.lead_remove(lead=second, user=seller_a)
        assert _expiring(_header_queries(page)[0]) == "1 expires within 24 h"


def test_the_clock_alone_is_seen_within_one_slice(page, partner_a):
    now = timezone.now()
    LeadFactory(partner=partner_a, authorization_expires_at=now + dt.timedelta(seconds=30))
    with time_machine.travel(now, tick=False):
        assert _expiring(_header_queries(page)[0]) == "1 expires within 24 h"
    with time_machine.travel(
        now + dt.timedelta(seconds=31 + HEADER_COUNTS_SLICE_SECONDS), tick=False
    ):
        assert "none expire within 24 h" in _expiring(_header_queries(page)[0])
