"""Daily use, round two, the small things (issue 22): notification rows that read apart,
partner cards without doubled words, one "expiring soon" definition (or a label that says why a
figure differs), dashboard figures that open the pool, and status badges with enough contrast."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from core.models import JobRun
from creators.models import PartnerType, Tier, TierThreshold
from leads.models import EXPIRING_SOON_HOURS, LeadSource, LeadStatus
from leads.selectors import lead_expiring_count
from notifications.models import NotificationKind
from tests.factories import CreatorFactory, LeadFactory, NotificationFactory, PartnerFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def visible_text(html: str) -> str:
    """The text with tags dropped as a copy or a naive reader joins it: an element boundary
    adds no space, so words only part where the markup itself has whitespace."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "", html)
    return " ".join(text.split())


def rows_of(page: str) -> list[str]:
    return re.findall(r'<li class="notification[^"]*"[^>]*>(.*?)</li>', page, re.S)


# 1. Notification rows ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["seller", "creator"])
def test_a_notifications_text_never_runs_into_its_actions(
    client, role, seller_a, partner_a, creator_silver
):
    if role == "seller":
        NotificationFactory(
            partner=partner_a,
            kind=NotificationKind.LEAD_REMOVED,
            text="@someone was removed from the Leads Pool",
        )
        NotificationFactory(
            partner=partner_a,
            kind=NotificationKind.NEW_REQUEST,
            text="@other sent a Request to Collaborate",
            link="/seller/leads/1/",
        )
        client.force_login(seller_a)
        url = "/seller/notifications/"
    else:
        NotificationFactory(
            partner=None,
            user=creator_silver.user,
            kind=NotificationKind.PARTNER_REPLIED,
            text="Alpha replied in the Leads Pool",
        )
        client.force_login(creator_silver.user)
        url = "/ec/notifications/"
    page = client.get(url).content.decode()
    rows = [visible_text(row) for row in rows_of(page)]
    assert rows, page
    for row in rows:
        assert "PoolMark" not in row and "CollaborateOpen" not in row, row
        assert "UTC(unread)" not in row
    assert any("Leads Pool Mark read" in row for row in rows), rows
    # Each part is its own block: the head, the text, the actions.
    assert page.count('class="notification-text"') == len(rows)
    assert page.count('class="notification-actions"') == len(rows)
    # A creator's "Mark read" posts to the creator's own address.
    if role == "creator":
        assert 'action="/ec/notifications/read-all/"' in page
        assert 'action="/seller/notifications/read-all/"' not in page


def test_the_bell_reads_apart_from_its_label(client, seller_a, partner_a):
    NotificationFactory(partner=partner_a)
    client.force_login(seller_a)
    page = client.get("/seller/notifications/").content.decode()
    bell = re.search(r'<a href="/seller/notifications/" class="bell".*?</a>', page, re.S).group(0)
    assert "Notifications 1 unread" in visible_text(bell)


# 2. Partner cards -------------------------------------------------------------------------


def test_partner_cards_name_the_type_once_and_keep_the_full_name(client, creator_silver):
    PartnerFactory(name="Bravo Creators Co.", slug="bravo", partner_type=PartnerType.L2L)
    client.force_login(creator_silver.user)
    page = client.get("/ec/partners/").content.decode()
    card = re.search(
        r'<article class="card[^"]*" data-testid="partner-card">.*?</article>', page, re.S
    )
    text = visible_text(card.group(0))
    assert "L2L L2L" not in text and "L2L local to local" in text
    assert "Co.." not in text
    assert 'title="Bravo Creators Co."' in card.group(0)  # the full name, however it is cut
    detail = visible_text(client.get("/ec/partners/bravo/").content.decode())
    assert "L2L L2L" not in detail and "L2L local to local" in detail


def test_a_partner_name_ending_in_a_full_stop_gets_no_second_one(client, creator_bronze):
    PartnerFactory(name="Bravo Creators Co.", slug="bravo")
    client.force_login(creator_bronze.user)
    page = visible_text(client.get("/ec/partners/bravo/request/").content.decode())
    assert "Request to Collaborate" in page and "Bravo Creators Co." in page
    assert "Co.." not in page


def test_partner_names_are_cut_by_css_with_one_ellipsis():
    css = (ROOT / "static/css/app.css").read_text()
    rule = re.search(r"\.partner-name a \{([^}]*)\}", css).group(1)
    assert "text-overflow: ellipsis" in rule and "white-space: nowrap" in rule


# 3. One "expiring soon" -------------------------------------------------------------------


def expiring_pool(partner, now):
    """Leads whose authorizations end 1 h, 20 h, 23 h 59 m, 25 h and 30 h from now, one
    already over, and one removed: 3 within 24 h."""
    hours = [1, 20, 23.98, 25, 30, -1]
    for h in hours:
        LeadFactory(
            partner=partner,
            source=LeadSource.COLLABORATION_REQUEST,
            authorization_expires_at=now + dt.timedelta(hours=h),
        )
    LeadFactory(
        partner=partner,
        authorization_expires_at=now + dt.timedelta(hours=2),
        removed_at=now,
    )


def test_the_dashboard_counts_expiring_soon_as_the_pool_does(client, seller_a, partner_a):
    now = timezone.now()
    expiring_pool(partner_a, now)
    client.force_login(seller_a)
    page = client.get("/seller/dashboard/").content.decode()
    pool_figure = lead_expiring_count(partner=partner_a)
    assert pool_figure == 3
    figure = re.search(r'data-testid="stat-expiring">(\d+)<', page).group(1)
    assert int(figure) == pool_figure
    assert f"expire within {EXPIRING_SOON_HOURS} h" in visible_text(page)
    link = re.search(r'<a [^>]*href="([^"]+)"[^>]*data-testid="stat-expiring-link"', page)
    assert link.group(1) == (
        f"/seller/leads/?expiring_within_hours={EXPIRING_SOON_HOURS}"
        "&amp;ordering=authorization_expires_at"
    )
    # The per-day figures say they are calendar days, not the 24-hour window.
    today = now.astimezone(dt.UTC).date()
    assert f"expiring on {today:%b} {today.day} (UTC day)" in page


def test_the_expiry_reminder_group_says_what_it_counts(client, seller_a, partner_a):
    for _ in range(3):
        NotificationFactory(partner=partner_a, kind=NotificationKind.AUTHORIZATION_EXPIRING)
    client.force_login(seller_a)
    page = client.get("/seller/notifications/").content.decode()
    summary = visible_text(re.search(r"<summary>.*?</summary>", page, re.S).group(0))
    assert "3 expiry reminders sent on" in summary
    assert "expiring within 24 hours" not in summary
    note = re.search(r'data-testid="group-note">(.*?)</p>', page, re.S).group(1)
    assert "once 24 hours or less were left" in note
    assert (
        'href="/seller/leads/?expiring_within_hours=24&amp;ordering=authorization_expires_at"'
        in note
    )


# 6. The dashboard's figures are links -----------------------------------------------------


def test_the_dashboards_figures_open_the_pool_with_their_filters(client, seller_a, partner_a):
    now = timezone.now()
    LeadFactory(partner=partner_a, creator=CreatorFactory(tier=Tier.GOLD))
    LeadFactory(
        partner=partner_a,
        creator=CreatorFactory(tier=Tier.BRONZE),
        status=LeadStatus.CONTACTED,
        source=LeadSource.COLLABORATION_REQUEST,
        response_due_at=now - dt.timedelta(hours=1),
    )
    client.force_login(seller_a)
    page = client.get("/seller/dashboard/?source=collaboration_request&page=2").content.decode()
    hrefs = set(re.findall(r'href="(/seller/leads/[^"]*)"', page))
    # The page's own filters carry over; the figure's filter is set; the page starts over.
    assert "/seller/leads/?source=collaboration_request&amp;tier=gold" in hrefs
    assert "/seller/leads/?source=collaboration_request&amp;status=contacted" in hrefs
    assert "/seller/leads/?source=collaboration_request&amp;response=overdue" in hrefs
    assert "/seller/leads/?source=collaboration_request" in hrefs  # the total
    # A figure's filter replaces the page's own filter of that name.
    assert "/seller/leads/?source=instant_message&amp;status=new" in hrefs  # the funnel table
    # Every link is a query the pool accepts.
    for href in hrefs:
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, href


# 7. Status badge contrast -----------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    high, low = sorted([_luminance(foreground), _luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_status_badge_reaches_4_5_to_1():
    css = (ROOT / "static/css/app.css").read_text()
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", css))
    rules = re.findall(r"^\.status-(\w+) \{([^}]*)\}", css, re.M)
    assert {name for name, _ in rules} >= set(LeadStatus.values)
    for name, body in rules:
        colours = dict(re.findall(r"(background|color):\s*([^;]+);", body))
        resolved = {
            key: variables[value.strip()[6:-1]]
            if value.strip().startswith("var(")
            else value.strip()
            for key, value in colours.items()
        }
        ratio = contrast(resolved["color"], resolved["background"])
        assert ratio >= 4.5, f".status-{name}: {ratio:.2f}:1"


# 4. Admin: thresholds as the rule allows, labelled inputs, a job list that shows "done" ----


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_silvers_threshold_is_shown_read_only_with_its_reason(admin_client):
    page = admin_client.get("/admin/creators/tierthreshold/").content.decode()
    inputs = re.findall(r'<input[^>]*name="form-\d+-min_live_gmv_usd"[^>]*>', page)
    silver = TierThreshold.objects.get(tier=Tier.SILVER)
    rows = list(TierThreshold.objects.order_by("tier"))
    assert len(inputs) == len(rows) - 1  # every tier but Silver has an input
    assert f'name="form-{rows.index(silver)}-min_live_gmv_usd"' not in page
    assert "Fixed: TikTok Shop's public Silver-tier+ rule" in page.replace("&#x27;", "'")
    # Each input is named for its tier (the changelist has no <label> elements).
    for tag in inputs:
        assert re.search(r'aria-label="Minimum 30-day LIVE GMV \(USD\) for \w+"', tag), tag
    change = admin_client.get(f"/admin/creators/tierthreshold/{silver.pk}/change/")
    assert 'name="min_live_gmv_usd"' not in change.content.decode()


def test_the_feed_import_file_input_has_a_label(admin_client):
    page = admin_client.get("/admin/creators/creatordailystats/import/").content.decode()
    assert '<label for="id_file">' in page and 'id="id_file"' in page


def test_the_job_list_polls_while_a_job_runs_and_stops_when_done(admin_client):
    quiet = admin_client.get("/admin/core/jobrun/").content.decode()
    assert "data-polling" not in quiet and "hx-trigger" not in quiet
    run = JobRun.objects.create(
        job=JobRun.Job.REFRESH_FOLLOWERS, status=JobRun.Status.RUNNING, started_at=timezone.now()
    )
    busy = admin_client.get("/admin/core/jobrun/").content.decode()
    div = re.search(r'<div id="job-runs"[^>]*>', busy).group(0)
    assert 'hx-trigger="every 2s"' in div and 'hx-select="#job-runs"' in div
    assert 'hx-get="/admin/core/jobrun/"' in div
    assert "vendor/htmx/htmx.min.js" in busy
    run.status = JobRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    done = admin_client.get("/admin/core/jobrun/").content.decode()
    assert "data-polling" not in done and "Succeeded" in done


def test_a_queued_job_that_has_not_started_keeps_the_list_polling(admin_client, monkeypatch):
    from celery import current_app

    current_app.loader.import_default_modules()
    task = current_app.tasks["creators.tasks.refresh_followers_task"]
    monkeypatch.setattr(task, "delay", lambda *a, **k: None)  # no worker picks it up yet
    page = admin_client.post("/admin/core/jobrun/run/refresh_followers/", follow=True)
    assert "data-polling" in page.content.decode()
    JobRun.objects.create(
        job=JobRun.Job.REFRESH_FOLLOWERS,
        status=JobRun.Status.SUCCEEDED,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    assert "data-polling" not in admin_client.get("/admin/core/jobrun/").content.decode()
