"""Partner responsiveness: the job against a plain Python computation, the threshold, the
directory and the API (issue 20). The SQL runs on PostgreSQL (DATABASE_URL); SQLite runs the
Python fallback; both must equal the computation below."""

import datetime as dt
import random
import statistics
from decimal import Decimal

import pytest
import time_machine

from creators.models import Partner, Tier
from leads.models import CollaborationRequest
from leads.services.responsiveness import partner_responsiveness_refresh
from tests.factories import CreatorUserFactory, LeadFactory, PartnerFactory

from .conftest import T0, text

NOW = T0 + dt.timedelta(days=100)


def _requests(partner, count, *, answered_every=1, hours=lambda i: i + 1, days_ago=5):
    """`count` requests to `partner`, every `answered_every`-th one answered after hours(i)."""
    for i in range(count):
        creator = CreatorUserFactory(tier=Tier.SILVER, live_gmv_30d="1500.00")
        lead = LeadFactory(partner=partner, creator=creator)
        sent = NOW - dt.timedelta(days=days_ago, minutes=i)
        first = sent + dt.timedelta(hours=hours(i)) if i % answered_every == 0 else None
        CollaborationRequest.objects.create(
            partner=partner,
            creator=creator,
            lead=lead,
            creator_tier=creator.tier,
            submitted_at=sent,
            authorization_expires_at=sent + dt.timedelta(days=7),
            first_response_at=first,
            is_open=False,
        )


def _plain(partner):
    """The rule, computed in plain Python over the same requests."""
    rows = [
        (r.submitted_at, r.first_response_at)
        for r in CollaborationRequest.objects.filter(partner=partner)
        if r.submitted_at >= NOW - dt.timedelta(days=90)
    ]
    if len(rows) < 10:
        return len(rows), None, None
    answered = [(b - a).total_seconds() / 3600 for a, b in rows if b]
    rate = Decimal(len(answered) / len(rows)).quantize(Decimal("0.0001"))
    median = Decimal(statistics.median(answered)).quantize(Decimal("0.01"))
    return len(rows), rate, median


def test_figures_equal_a_plain_computation_and_the_threshold(db):
    rng = random.Random(20)
    busy, few, old = PartnerFactory(name="Busy"), PartnerFactory(name="Few"), PartnerFactory()
    _requests(busy, 23, answered_every=3, hours=lambda i: rng.uniform(0.2, 70))
    _requests(few, 9)  # under 10: no figures
    _requests(old, 12, days_ago=95)  # outside the 90 days
    run = partner_responsiveness_refresh(now=NOW)
    assert run.rows_changed >= 2
    for partner in (busy, few, old):
        partner.refresh_from_db()
        sample, rate, hours = _plain(partner)
        assert partner.responsiveness_sample == sample
        assert partner.response_rate == rate
        assert partner.typical_response_hours == hours
    assert (
        busy.response_rate is not None and few.response_rate is None and old.response_rate is None
    )
    assert few.responsiveness_sample == 9
    # Idempotent: a rerun changes nothing.
    assert partner_responsiveness_refresh(now=NOW).rows_changed == 0


def test_a_first_response_refreshes_its_partner_on_commit(
    creator_silver, partner_a, seller_a, django_capture_on_commit_callbacks
):
    from im.models import Side
    from im.services import message_send, thread_open
    from leads.services import collaboration_request_submit

    with time_machine.travel(NOW, tick=False):
        _requests(partner_a, 10, answered_every=2)
        collaboration_request_submit(creator=creator_silver, partner=partner_a)
        thread = thread_open(partner=partner_a, creator=creator_silver)[0]
        with django_capture_on_commit_callbacks(execute=True):
            message_send(thread=thread, sender=seller_a, side=Side.SELLER, body="Hi")
    partner_a.refresh_from_db()
    assert partner_a.responsiveness_sample == 11
    assert partner_a.response_rate == Decimal("0.5455")  # 6 of 11


def test_the_directory_and_the_api_show_both_forms_and_sort(api_as, client, creator_silver):
    Partner.objects.all().delete()
    quick = PartnerFactory(name="Quick", response_rate=Decimal("0.9"))
    quick.typical_response_hours = Decimal("2.40")
    quick.responsiveness_sample = 40
    quick.save()
    slow = PartnerFactory(
        name="Slow", response_rate=Decimal("0.5"), typical_response_hours=Decimal("30")
    )
    PartnerFactory(name="Aardvark New", responsiveness_sample=3)
    client.force_login(creator_silver.user)
    page = text(client.get("/ec/partners/"))
    assert "Usually replies within 3 hours · answers 90% of requests" in page
    assert "New partner: not enough requests yet" in page
    ordered = text(client.get("/ec/partners/?ordering=responsiveness"))
    assert ordered.index("Quick") < ordered.index("Slow") < ordered.index("Aardvark New")
    detail = text(client.get(f"/ec/partners/{slow.slug}/"))
    assert "Usually replies within 30 hours · answers 50% of requests" in detail
    api = api_as(creator_silver.user)
    rows = api.get("/api/v1/partners/?ordering=responsiveness").json()["results"]
    assert [row["name"] for row in rows] == ["Quick", "Slow", "Aardvark New"]
    assert rows[0]["response_rate"] == 0.9 and rows[0]["typical_response_hours"] == 2.4
    assert rows[2]["response_rate"] is None and rows[2]["responsiveness_sample"] == 3
    assert api.get("/api/v1/partners/?ordering=bogus").status_code == 400


def test_below_silver_the_directory_shows_the_gap_and_the_im_way(client, creator_bronze, partner_a):
    client.force_login(creator_bronze.user)
    html = client.get("/ec/partners/").content.decode()
    assert "$580.00 more to reach Silver" in text(client.get("/ec/partners/"))
    assert f'href="/ec/partners/{partner_a.slug}/request/"' not in html
    assert f'action="/ec/messages/start/{partner_a.pk}/"' in html


def test_the_seller_dashboard_compares_with_the_median(client, seller_a, partner_a):
    partner_a.response_rate, partner_a.typical_response_hours = Decimal("0.8"), Decimal("5")
    partner_a.save()
    PartnerFactory(response_rate=Decimal("0.4"), typical_response_hours=Decimal("20"))
    client.force_login(seller_a)
    page = text(client.get("/seller/dashboard/"))
    assert "Creators see: Usually replies within 5 hours · answers 80% of requests" in page
    assert "The median partner answers 60% of requests" in page


@pytest.mark.parametrize("count", [9, 10])
def test_the_threshold_is_ten(db, count):
    partner = PartnerFactory()
    _requests(partner, count)
    partner_responsiveness_refresh(now=NOW)
    partner.refresh_from_db()
    assert (partner.response_rate is None) == (count < 10)
