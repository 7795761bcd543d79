"""Django admin: creators, the feed upload, editable thresholds and the job buttons."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.models import JobRun
from creators.models import Creator, CreatorDailyStats, Tier, TierThreshold
from tests.factories import (
    CreatorDailyStatsFactory,
    CreatorFactory,
    PartnerFactory,
    SellerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
DEC_3_NOON_PACIFIC = dt.datetime(2026, 12, 3, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin_client(admin_user):
    """A browser-like client: CSRF is enforced, as in a real browser session."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


def csrf_from(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def messages_in(page: str) -> list[str]:
    block = re.search(r'<ul class="messagelist">(.*?)</ul>', page, re.S)
    found = re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), re.S) if block else []
    return [html.unescape(m) for m in found]


def test_the_creator_changelist_searches_by_handle_and_shows_the_figures(admin_client):
    CreatorFactory(
        handle="findme_now",
        display_name="Find Me",
        tier=Tier.GOLD,
        live_gmv_30d=Decimal("6200.00"),
        follower_count=54_321,
    )
    CreatorFactory(handle="someone_else", display_name="Other")

    page = admin_client.get("/admin/creators/creator/?q=findme").content.decode()

    rows = re.search(r'<table id="result_list">.*?</table>', page, re.S).group(0)
    assert "findme_now" in rows and "someone_else" not in rows
    assert "Gold" in rows and ("6200.00" in rows or "6,200.00" in rows)
    assert "54321" in rows or "54,321" in rows
    by_name = admin_client.get("/admin/creators/creator/?q=Other").content.decode()
    assert "someone_else" in by_name and "findme_now" not in by_name
    filtered = admin_client.get(f"/admin/creators/creator/?tier__exact={Tier.GOLD}")
    assert "findme_now" in filtered.content.decode()


def test_the_admin_pages_for_partners_and_creators_open(admin_client):
    partner = PartnerFactory(name="Alpha LIVE Agency")
    seller = SellerFactory(partner=partner, user__username="alpha_staff")
    creator = CreatorFactory()
    CreatorDailyStatsFactory(creator=creator)

    partner_page = admin_client.get(f"/admin/creators/partner/{partner.pk}/change/")
    assert partner_page.status_code == 200
    assert "alpha_staff" in partner_page.content.decode()  # the PartnerStaff inline
    for url in [
        "/admin/creators/partner/?q=alpha",
        "/admin/creators/partnerstaff/",
        f"/admin/creators/partnerstaff/{seller.pk}/change/",
        f"/admin/creators/creator/{creator.pk}/change/",
        "/admin/creators/creatordailystats/?q=" + creator.handle,
        "/admin/creators/tierhistory/",
        "/admin/creators/tierthreshold/",
        "/admin/core/jobrun/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_the_run_buttons_refresh_tiers_and_followers_from_the_browser(admin_client):
    creator = CreatorFactory(handle="admin_target", tier=Tier.NON_TIERED, follower_count=0)
    CreatorDailyStatsFactory(
        creator=creator,
        date=dt.date(2026, 11, 20),
        live_gmv_usd=Decimal("6000.00"),
        followers=8_888,
    )
    with time_machine.travel(DEC_3_NOON_PACIFIC, tick=False):
        changelist = admin_client.get("/admin/core/jobrun/").content.decode()
        assert "Run tier refresh now" in changelist and "Run follower refresh now" in changelist
        token = csrf_from(changelist)

        # Without the CSRF token the browser's POST is refused and nothing runs.
        refused = admin_client.post("/admin/core/jobrun/run/refresh_tiers/")
        assert refused.status_code == 403
        assert not JobRun.objects.exists()

        page = admin_client.post(
            "/admin/core/jobrun/run/refresh_tiers/",
            {"csrfmiddlewaretoken": token},
            follow=True,
        ).content.decode()
        run = JobRun.objects.get(job=JobRun.Job.REFRESH_TIERS)
        # The job is queued to the worker (run eagerly in tests) and the page lists it done.
        assert [m for m in messages_in(page) if "Tier refresh queued" in m] == [
            "Tier refresh queued: the worker runs it, and this page shows it running, then done."
        ]
        assert (run.status, run.as_of, run.rows_changed) == (
            JobRun.Status.SUCCEEDED,
            dt.date(2026, 12, 3),
            1,
        )
        listed = re.search(r'<table id="result_list">.*?</table>', page, re.S).group(0)
        assert "Tier refresh" in listed and "Succeeded" in listed

        page = admin_client.post(
            "/admin/core/jobrun/run/refresh_followers/",
            {"csrfmiddlewaretoken": token},
            follow=True,
        ).content.decode()
        assert any("Follower refresh queued" in m for m in messages_in(page))

    creator.refresh_from_db()
    assert (creator.tier, creator.follower_count) == (Tier.GOLD, 8_888)


def test_only_a_superusers_post_runs_a_job(client, admin_user):
    client.force_login(admin_user)
    client.get("/admin/core/jobrun/run/refresh_tiers/")  # a GET never runs a job
    assert not JobRun.objects.exists()

    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    client.post("/admin/core/jobrun/run/refresh_tiers/")
    assert not JobRun.objects.exists()


def test_job_runs_are_read_only(admin_client):
    run = JobRun.objects.create(
        job=JobRun.Job.REFRESH_FOLLOWERS,
        status=JobRun.Status.SUCCEEDED,
        started_at=dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC),
        finished_at=dt.datetime(2026, 12, 1, 10, 0, 3, tzinfo=dt.UTC),
        rows_changed=7,
    )
    page = admin_client.get("/admin/core/jobrun/").content.decode()
    assert "3.00 s" in page and "Follower refresh" in page
    assert "/admin/core/jobrun/add/" not in page
    assert admin_client.get("/admin/core/jobrun/add/").status_code == 403
    detail = admin_client.get(f"/admin/core/jobrun/{run.pk}/change/").content.decode()
    assert 'name="rows_changed"' not in detail


# --- the creator-stats CSV upload -------------------------------------------------------


def upload(admin_client, text: str) -> str:
    form = admin_client.get("/admin/creators/creatordailystats/import/").content.decode()
    return admin_client.post(
        "/admin/creators/creatordailystats/import/",
        {
            "csrfmiddlewaretoken": csrf_from(form),
            "file": SimpleUploadedFile("feed.csv", text.encode(), content_type="text/csv"),
        },
        follow=True,
    ).content.decode()


def test_the_changelist_links_to_the_csv_upload(admin_client):
    page = admin_client.get("/admin/creators/creatordailystats/").content.decode()
    assert 'href="/admin/creators/creatordailystats/import/"' in page
    assert "Import creator-stats CSV" in page


def test_an_admin_uploads_the_feed_csv(admin_client):
    page = upload(
        admin_client,
        "handle,date,live_gmv_usd,followers,top_category\n"
        "upload_one,2026-11-20,120.50,3400,Beauty\n"
        "upload_two,2026-11-20,0,12,\n",
    )

    assert "Imported 2 rows: 2 new, 0 changed, 0 unchanged; 2 new creators." in messages_in(page)
    row = CreatorDailyStats.objects.get(creator__handle="upload_one")
    assert (row.live_gmv_usd, row.followers, row.top_category) == (
        Decimal("120.50"),
        3400,
        "Beauty",
    )


def test_a_bad_upload_lists_errors_by_line_and_applies_nothing(admin_client):
    page = upload(
        admin_client,
        "handle,date,live_gmv_usd,followers\n"
        "upload_one,2026-11-20,120.50,3400\n"
        "\n"
        "bad handle!,2026-11-20,1,1\n"
        "upload_two,2026-11-31,1,1\n",
    )

    # Admin messages start with a capital letter.
    assert messages_in(page) == [
        "Nothing was imported.",
        "Line 4: handle must be 2-64 letters, digits, '_' or '.', not 'bad handle!'",
        "Line 5: date must be YYYY-MM-DD, not '2026-11-31'",
    ]
    assert not Creator.objects.exists() and not CreatorDailyStats.objects.exists()

    page = upload(admin_client, "handle,date,followers\nx,2026-11-20,1\n")
    assert any("missing live_gmv_usd" in m for m in messages_in(page))


def test_the_upload_is_for_users_who_may_add_feed_rows(client):
    client.force_login(UserFactory(is_staff=True))  # staff without permissions
    response = client.get("/admin/creators/creatordailystats/import/")
    assert response.status_code == 403


# --- editable thresholds ----------------------------------------------------------------


def threshold_changelist_post(admin_client, amounts: dict[Tier, str]):
    page = admin_client.get("/admin/creators/tierthreshold/").content.decode()
    rows = list(TierThreshold.objects.order_by("tier"))
    data = {
        "csrfmiddlewaretoken": csrf_from(page),
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Save",
    }
    for i, row in enumerate(rows):
        data[f"form-{i}-id"] = str(row.pk)
        data[f"form-{i}-min_live_gmv_usd"] = amounts.get(Tier(row.tier), row.min_live_gmv_usd)
    return admin_client.post("/admin/creators/tierthreshold/", data, follow=True)


def test_thresholds_say_where_they_come_from(admin_client):
    page = admin_client.get("/admin/creators/tierthreshold/").content.decode()
    assert "Only Silver's $1,000 comes from the source" in html.unescape(page)
    gold = TierThreshold.objects.get(tier=Tier.GOLD)
    form = admin_client.get(f"/admin/creators/tierthreshold/{gold.pk}/change/").content.decode()
    assert "Only Silver's $1,000 comes from the source" in html.unescape(form)


def test_a_threshold_edited_in_the_admin_decides_the_next_refresh(admin_client):
    creator = CreatorFactory()
    CreatorDailyStatsFactory(
        creator=creator, date=dt.date(2026, 11, 20), live_gmv_usd=Decimal("4000.00")
    )

    response = threshold_changelist_post(admin_client, {Tier.GOLD: "3500.00"})

    assert response.status_code == 200
    assert TierThreshold.objects.get(tier=Tier.GOLD).min_live_gmv_usd == Decimal("3500.00")
    from django.core.management import call_command

    call_command("refresh_tiers", "--as-of", "2026-12-02")
    creator.refresh_from_db()
    assert creator.tier == Tier.GOLD


def test_thresholds_must_rise_with_the_tier_and_silver_stays_1000(admin_client):
    page = threshold_changelist_post(admin_client, {Tier.GOLD: "900.00"}).content.decode()
    assert "Gold ($900.00) must be above Silver ($1,000.00)." in page
    # Silver's row is shown read-only with its reason (no input to refuse); a forged post of
    # it changes nothing.
    page = threshold_changelist_post(admin_client, {Tier.SILVER: "1500.00"}).content.decode()
    assert 'name="form-1-min_live_gmv_usd"' not in page
    assert "Fixed: TikTok Shop's public Silver-tier+ rule" in html.unescape(page)
    assert TierThreshold.objects.get(tier=Tier.GOLD).min_live_gmv_usd == Decimal("5000.00")
    assert TierThreshold.objects.get(tier=Tier.SILVER).min_live_gmv_usd == Decimal("1000.00")

    # Raising Gold and Platinum together in one save is fine.
    threshold_changelist_post(admin_client, {Tier.GOLD: "12000.00", Tier.PLATINUM: "20000.00"})
    assert TierThreshold.objects.get(tier=Tier.PLATINUM).min_live_gmv_usd == Decimal("20000.00")

    # The single-row change form checks the same rules.
    gold = TierThreshold.objects.get(tier=Tier.GOLD)
    form = admin_client.get(f"/admin/creators/tierthreshold/{gold.pk}/change/").content.decode()
    page = admin_client.post(
        f"/admin/creators/tierthreshold/{gold.pk}/change/",
        {"csrfmiddlewaretoken": csrf_from(form), "min_live_gmv_usd": "25000.00"},
    ).content.decode()
    assert "Platinum ($20,000.00) must be above Gold ($25,000.00)." in page
    gold.refresh_from_db()
    assert gold.min_live_gmv_usd == Decimal("12000.00")


def test_admin_cannot_delete_partners_or_creators_with_their_history(admin_client):
    """Nothing is hard-deleted from the admin: partners are unlisted, creators deactivated."""
    partner = PartnerFactory(name="Keep Me Agency")
    creator = CreatorFactory(handle="keep_me")
    for model, obj in (("partner", partner), ("creator", creator)):
        changelist = admin_client.get(f"/admin/creators/{model}/").content.decode()
        assert 'value="delete_selected"' not in changelist
        change = admin_client.get(f"/admin/creators/{model}/{obj.pk}/change/").content.decode()
        assert "deletelink" not in change
        page = admin_client.get(f"/admin/creators/{model}/{obj.pk}/delete/")
        assert page.status_code == 403
    assert Creator.objects.filter(handle="keep_me").exists()
    assert partner.__class__.objects.filter(name="Keep Me Agency").exists()
