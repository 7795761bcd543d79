"""The benchmark's dataset builder keeps up with the schema: built small, it has the promised shape
and the project's jobs run over it. No timings here; `make bench` measures."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from bench import dataset
from creators.models import Creator, CreatorDailyStats, Partner
from creators.services import tiers_refresh
from leads.models import CollaborationRequest, Lead, LeadSource
from leads.services import authorizations_expire
from notifications.models import Notification

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the build ends with VACUUM ANALYZE
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the bench dataset is built on PostgreSQL"
    ),
]
CREATORS = 2_000


def test_a_small_dataset_has_the_promised_shape_and_the_jobs_run_over_it():
    size = dataset.sizes(CREATORS)
    dataset.build(CREATORS, log=lambda message: None)

    assert dataset.present(CREATORS)
    assert Creator.objects.count() == CREATORS
    assert CreatorDailyStats.objects.count() == size["feed_rows"]
    big = Partner.objects.get(slug="bench-big")
    leads = Lead.objects.filter(partner=big)
    assert leads.count() == size["big_partner_leads"]
    assert set(leads.values_list("source", flat=True)) == set(LeadSource.values)
    requested = leads.filter(source=LeadSource.COLLABORATION_REQUEST)
    # Every collaboration-request lead carries its open request, with the same 7 days.
    assert CollaborationRequest.objects.filter(is_open=True).count() == requested.count()
    assert not requested.exclude(
        collaboration_requests__authorization_expires_at=F("authorization_expires_at")
    ).exists()

    now = timezone.now()
    due = CollaborationRequest.objects.filter(authorization_expires_at__lte=now).count()
    assert 0 < due < requested.count()  # some expired, some live
    run = authorizations_expire(now=now)
    assert run.rows_changed == due
    assert Notification.objects.filter(partner=big).count() == due

    refresh = tiers_refresh(as_of=dt.date(2026, 12, 2))
    assert refresh.rows_changed > 0


def test_the_page_figures_run_over_a_small_dataset_with_their_query_counts():
    from bench import pages

    dataset.build(CREATORS, log=lambda message: None)
    size = pages.sizes(CREATORS)

    figures = pages.run(CREATORS, repeats=1, log=lambda message: None)

    big = Partner.objects.get(slug="bench-big")
    assert big.threads.count() == size["inbox_threads"]
    assert Notification.objects.filter(partner=big).count() == size["notifications"]
    # The directory reads the maintained count, which matches the leads.
    collaborating = Lead.objects.in_pool().filter(partner=big, status="collaborating").count()
    assert big.collaborating_creators == collaborating > 0
    assert set(pages.TARGETS) <= set(figures)
    for name in pages.TARGETS:
        assert figures[name] > 0
        assert 1 <= figures[name.replace("_p95_ms", "_queries")] <= 12, name
    assert figures["im_poll_queries"] <= 4  # session, user, thread, nothing new
    # The detail's lead carries its long history; the page's queries do not grow with it.
    lead = Lead.objects.filter(partner=big, notes__isnull=False).distinct().get()
    assert lead.events.count() == pages.DETAIL_EVENTS
    assert lead.notes.alive().count() == pages.DETAIL_NOTES
    assert figures["lead_detail_queries"] <= 10  # the follow-up tasks; the nav's IM unread count
    # Stats: session, user, its three aggregate queries and the two of the response figures
    # (overall, by owner and source), whatever the pool's size.
    assert figures["stats_queries"] <= 7
    # The dashboard adds the response figures (2) and the partner's responsiveness beside the
    # median partner's (1) to the stats: still constant whatever the pool's size.
    assert 1 <= figures["dashboard_queries"] <= 10
