"""seed_demo: the contract's accounts with the right tiers, every filter worth trying, once."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import F, Max, Min
from django.utils import timezone

from core.clock import business_today
from core.models import JobLock, JobRun
from creators.models import Creator, CreatorDailyStats, Partner, Tier, TierHistory
from demo.management.commands.seed_demo import Command as SeedDemo
from im.models import Message, Thread
from leads.models import CollaborationRequest, Lead, LeadSource, LeadStatus
from notifications.models import Notification
from notifications.selectors import notification_unread_count

pytestmark = pytest.mark.django_db
BANDS = [0, 10_000, 100_000, 1_000_000, 10_000_000]


def band(followers: int) -> int:
    return sum(followers >= low for low in BANDS[1:])


def state() -> tuple:
    return (
        Creator.objects.count(),
        CreatorDailyStats.objects.count(),
        Lead.objects.count(),
        CollaborationRequest.objects.count(),
        Message.objects.count(),
        Notification.objects.count(),
        TierHistory.objects.count(),
        JobRun.objects.count(),
        sorted(Creator.objects.values_list("handle", "tier", "follower_count")),
    )


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The full demo (3,000 creators), loaded once for this class's read-only checks."""
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        # Delete what the demo made (a flush would also drop the migrations' thresholds).
        SeedDemo().wipe()
        JobRun.objects.all().delete()
        JobLock.objects.all().delete()  # the jobs' leases (released, but their rows stay)


@pytest.mark.usefixtures("seeded")
class TestTheFullDemo:
    def test_the_named_accounts_log_in_with_the_right_roles_and_tiers(self):
        for username in ["admin", "seller_a", "seller_b", "creator_diamond", "creator_none"]:
            assert authenticate(username=username, password="demo") is not None, username
        assert authenticate(username="admin", password="demo").is_superuser
        sellers = dict(
            Partner.objects.filter(staff__isnull=False).values_list("staff__user__username", "name")
        )
        assert sellers == {
            "seller_a": "Alpha LIVE Agency",
            "seller_a2": "Alpha LIVE Agency",
            "seller_b": "Bravo Creators Co.",
        }
        assert authenticate(username="seller_a2", password="demo") is not None
        tiers = dict(
            Creator.objects.filter(handle__startswith="creator_").values_list("handle", "tier")
        )
        assert tiers == {
            "creator_diamond": Tier.DIAMOND,
            "creator_silver": Tier.SILVER,
            "creator_bronze": Tier.BRONZE,
            "creator_none": Tier.NON_TIERED,
        }
        assert set(
            Creator.objects.filter(handle__startswith="creator_").values_list(
                "user__username", flat=True
            )
        ) == set(tiers)

    def test_partners_of_both_kinds(self):
        kinds = Counter(Partner.objects.values_list("partner_type", flat=True))
        assert sum(kinds.values()) >= 6 and kinds["L2L"] >= 2 and kinds["CB"] >= 2
        assert all(p.profile and p.category_list for p in Partner.objects.all())

    def test_every_tier_in_every_follower_range(self):
        assert Creator.objects.count() >= 3000
        cells = Counter(
            (tier, band(followers))
            for tier, followers in Creator.objects.values_list("tier", "follower_count")
        )
        assert {(t, b) for t in Tier for b in range(5)} <= set(cells)
        names = list(Creator.objects.values_list("display_name", flat=True)[:200])
        assert all(" " in name for name in names)  # "Ava Martinez", not "creator_17"

    def test_the_feed_is_what_the_refreshes_read(self):
        yesterday = business_today() - dt.timedelta(days=1)
        span = CreatorDailyStats.objects.aggregate(first=Min("date"), last=Max("date"))
        assert span["last"] == yesterday
        assert span["first"] <= yesterday - dt.timedelta(days=34)
        # The tier refresh ran for the latest 2nd; followers come from yesterday's rows.
        as_of = set(Creator.objects.values_list("tier_as_of", flat=True))
        assert len(as_of) == 1 and as_of.pop().day == 2
        assert set(Creator.objects.values_list("followers_as_of", flat=True)) == {yesterday}
        jobs = set(JobRun.objects.values_list("job", "status"))
        assert {
            (JobRun.Job.REFRESH_TIERS, JobRun.Status.SUCCEEDED),
            (JobRun.Job.REFRESH_FOLLOWERS, JobRun.Status.SUCCEEDED),
            (JobRun.Job.EXPIRE_AUTHORIZATIONS, JobRun.Status.SUCCEEDED),
        } <= jobs
        # Leads carry the refreshed figures.
        assert not Lead.objects.exclude(creator_tier=F("creator__tier")).exists()

    def test_alphas_pool_has_every_kind_of_lead(self):
        alpha = Lead.objects.filter(partner__slug="alpha")
        assert 230 <= alpha.count() <= 270
        cells = {(lead.creator_tier, band(lead.creator_follower_count)) for lead in alpha}
        assert {(t, b) for t in Tier for b in range(5)} <= cells
        assert set(alpha.values_list("source", flat=True)) == set(LeadSource.values)
        assert set(alpha.values_list("status", flat=True)) == set(LeadStatus.values)
        assert alpha.filter(removed_at__isnull=False).exists()
        now = timezone.now()
        assert alpha.filter(authorization_expires_at__lte=now).exists()
        assert alpha.in_pool().filter(authorization_expires_at__gt=now).exists()
        # The demo's expiry run marked the requests that were past their 7 days.
        assert not CollaborationRequest.objects.filter(
            is_open=True, authorization_expires_at__lte=now
        ).exists()
        assert 30 <= Lead.objects.filter(partner__slug="bravo").count() <= 50
        # Requests only come from Silver+ creators.
        assert not CollaborationRequest.objects.filter(creator_tier__lt=Tier.SILVER).exists()
        kinds = set(Notification.objects.values_list("kind", flat=True))
        assert {"lead_removed", "authorization_expired", "new_request"} <= kinds

    def test_im_threads_with_both_sides(self):
        alpha_threads = Thread.objects.filter(partner__slug="alpha")
        # A dozen conversations, besides the thread every collaboration request opens.
        conversations = alpha_threads.filter(messages__isnull=False).distinct()
        assert 10 <= conversations.count() <= 14
        requested = set(
            CollaborationRequest.objects.filter(partner__slug="alpha").values_list(
                "creator_id", flat=True
            )
        )
        assert requested <= set(alpha_threads.values_list("creator_id", flat=True))
        handles = set(alpha_threads.values_list("creator__handle", flat=True))
        assert {"creator_bronze", "creator_silver"} <= handles
        for thread in alpha_threads:
            assert thread.last_message_at is not None
        sides = Counter(
            Message.objects.filter(thread__partner__slug="alpha").values_list("side", flat=True)
        )
        assert sides["seller"] > 0 and sides["creator"] > 0
        # creator_silver's own journey sends Alpha its first Request to Collaborate.
        assert not CollaborationRequest.objects.filter(
            creator__handle="creator_silver", partner__slug="alpha"
        ).exists()

    def test_alphas_team_at_work_expiring_leads_owners_notes_views_and_mail(self):
        from django.utils import timezone

        from leads.models import ExpiryDigest, LeadNote, SavedView

        now = timezone.now()
        alpha = Lead.objects.in_pool().filter(partner__slug="alpha")
        assert (
            alpha.filter(
                authorization_expires_at__gt=now,
                authorization_expires_at__lte=now + dt.timedelta(hours=24),
            ).count()
            >= 3
        )
        owners = set(alpha.exclude(owner=None).values_list("owner__username", flat=True))
        assert owners == {"seller_a", "seller_a2"} and alpha.filter(owner=None).exists()
        assert LeadNote.objects.filter(lead__partner__slug="alpha").count() >= 4
        assert sorted(SavedView.objects.filter(shared=True).values_list("name", flat=True)) == [
            "Expiring within 24 h",
            "Gold+ · 100K–1M · new",
        ]
        kinds = set(Notification.objects.values_list("kind", flat=True))
        assert {"authorization_expiring", "lead_assigned"} <= kinds
        assert {"seller_a", "seller_a2", "seller_b"} <= set(
            ExpiryDigest.objects.values_list("user__username", flat=True)
        )

    def test_a_second_run_changes_nothing(self, capsys):
        before = state()

        call_command("seed_demo")

        assert "already loaded" in capsys.readouterr().out
        assert state() == before


def test_reset_loads_the_demo_again_and_prints_the_logins(capsys):
    call_command("seed_demo", "--creators", "120")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    for username in ["admin", "seller_a", "seller_b", "creator_silver", "creator_none"]:
        assert username in out
    first = state()
    Creator.objects.filter(handle="creator_silver").update(tier=Tier.GOLD)

    call_command("seed_demo", "--reset", "--creators", "120")

    assert Creator.objects.get(handle="creator_silver").tier == Tier.SILVER
    assert state()[:5] == first[:5]
    assert authenticate(username="seller_b", password="demo") is not None


@pytest.mark.usefixtures("seeded")
def test_the_two_alpha_sellers_have_their_own_read_state():
    a, a2 = (get_user_model().objects.get(username=name) for name in ("seller_a", "seller_a2"))
    partner = a.partner_staff.partner
    assert a2.partner_staff.partner == partner
    assert (
        0
        < notification_unread_count(partner=partner, user=a)
        < notification_unread_count(partner=partner, user=a2)
    )
