"""Creator EC Center pages: Top LIVE Partner, partner pages, the request form and its results."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine

from creators.models import Tier
from im.models import Thread
from leads.models import (
    CollaborationRequest,
    Lead,
    LeadSource,
    LeadStatus,
)
from leads.services import collaboration_request_submit, lead_remove, lead_set_status
from notifications.models import Notification, NotificationKind
from tests.factories import (
    CreatorDailyStatsFactory,
    CreatorUserFactory,
    LeadFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def text(response) -> str:
    """The page's visible text, tags stripped and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def silver(client, creator_silver):
    CreatorDailyStatsFactory(
        creator=creator_silver,
        date=dt.date(2026, 11, 20),
        live_gmv_usd=Decimal("1500.00"),
        live_sessions=4,
        average_viewers=210,
        top_category="Beauty",
    )
    client.force_login(creator_silver.user)
    return creator_silver


def request_url(partner) -> str:
    return f"/ec/partners/{partner.slug}/request/"


# Top LIVE Partner --------------------------------------------------------------------------


def test_top_live_partner_is_a_vip_list_for_silver_plus(client, silver, partner_a, partner_b):
    partner_a.partner_type = "CB"
    partner_a.profile = "Cross-border LIVE agency for beauty brands."
    partner_a.categories = "Beauty, Fashion"
    partner_a.save()
    # Through the services that maintain the partner's collaborating count.
    for _ in range(3):
        lead_set_status(
            lead=LeadFactory(partner=partner_a), status=LeadStatus.COLLABORATING, user=None
        )
    LeadFactory(partner=partner_a, status=LeadStatus.NEW)
    lead_remove(lead=Lead.objects.filter(status=LeadStatus.COLLABORATING).first(), user=None)
    PartnerFactory(name="Hidden Agency", is_listed=False)

    page = text(client.get("/ec/partners/"))

    assert "Top LIVE Partner — a VIP benefit for Silver-tier+ creators" in page
    assert "Alpha LIVE Agency" in page and "Bravo Creators" in page
    assert "Hidden Agency" not in page
    assert "Cross-border LIVE agency for beauty brands." in page
    assert "CB" in page and "Beauty" in page and "Fashion" in page
    assert "Works with 2 creators" in page  # collaborating leads in the pool only
    assert "Works with 0 creators" in page  # Bravo


def test_bronze_and_non_tiered_see_the_silver_note_and_a_plain_directory(
    client, creator_bronze, creator_none, partner_a
):
    for creator in [creator_bronze, creator_none]:
        client.force_login(creator.user)
        page = text(client.get("/ec/partners/"))
        assert "Top LIVE Partner is a VIP benefit for Silver-tier+ creators" in page
        assert "a VIP benefit for Silver-tier+ creators." not in page  # no VIP section
        assert creator.tier_label in page
        assert "Alpha LIVE Agency" in page
        detail = client.get(f"/ec/partners/{partner_a.slug}/")
        # Issue 20: below Silver, the IM way and the gap in place of an active request button.
        assert detail.status_code == 200 and "more to reach Silver" in text(detail)
        assert f'href="/ec/partners/{partner_a.slug}/request/"' not in detail.content.decode()


def test_partners_are_searchable_by_name_profile_and_categories(client, silver, partner_a):
    PartnerFactory(name="Gadget House", profile="Consumer electronics LIVE", categories="Tech")
    PartnerFactory(name="Kitchen Live", profile="Home cooking", categories="Food, Home")

    def names(query):
        page = text(client.get("/ec/partners/", {"q": query}))
        return [n for n in ["Alpha LIVE Agency", "Gadget House", "Kitchen Live"] if n in page]

    assert names("gadget") == ["Gadget House"]
    assert names("electronics") == ["Gadget House"]
    assert names("food") == ["Kitchen Live"]
    assert names("") == ["Alpha LIVE Agency", "Gadget House", "Kitchen Live"]
    assert "No partners match “zzz”" in text(client.get("/ec/partners/", {"q": "zzz"}))


def test_live_search_answers_htmx_with_the_cards_only(client, silver, partner_a, partner_b):
    page = client.get("/ec/partners/").content.decode()
    assert 'hx-get="/ec/partners/"' in page and 'hx-push-url="true"' in page

    partial = client.get("/ec/partners/", {"q": "bravo"}, headers={"HX-Request": "true"})

    html = partial.content.decode()
    assert "Bravo Creators" in html and "Alpha LIVE Agency" not in html
    assert "<html" not in html and "Top LIVE Partner —" not in html
    # A history restore needs the whole page.
    restore = client.get(
        "/ec/partners/",
        {"q": "bravo"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.content.decode()


def test_the_partner_list_runs_a_constant_number_of_queries(
    client, silver, django_assert_num_queries
):
    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/ec/partners/").status_code == 200
        return len(queries)

    PartnerFactory()
    few = count_queries()
    for _ in range(30):
        partner = PartnerFactory()
        LeadFactory(partner=partner, status=LeadStatus.COLLABORATING)
    assert count_queries() == few
    assert few <= 6


def test_the_directory_pages_through_many_partners_keeping_the_search(client, silver):
    for n in range(30):
        PartnerFactory(
            name=f"Agency {n:02d}", profile="LIVE", categories="Beauty" if n % 2 else "Home"
        )
    PartnerFactory(name="Zed Studio", profile="LIVE", categories="Food")

    first = text(client.get("/ec/partners/"))
    assert "Agency 00" in first and "Agency 23" in first and "Agency 24" not in first
    assert "Page 1 of 2 · 31 partners" in first
    second = client.get("/ec/partners/", {"page": 2})
    assert "Agency 24" in text(second) and "Zed Studio" in text(second)
    assert "Agency 00" not in text(second)
    assert 'href="?page=1"' in second.content.decode()

    # 15 match "beauty": one page, no pager; a page past the end shows the last page.
    beauty = text(client.get("/ec/partners/", {"q": "beauty", "page": 9}))
    assert "Agency 01" in beauty and "Agency 00" not in beauty and "Page 1 of" not in beauty
    home = client.get("/ec/partners/", {"q": "home", "page": "x"})  # not a number: 400
    assert home.status_code == 400 and "page" in text(home)
    # The pager keeps the search.
    for n in range(30, 40):
        PartnerFactory(name=f"Agency {n:02d}", profile="LIVE", categories="Home")
    home = client.get("/ec/partners/", {"q": "home"}).content.decode()
    assert 'href="?q=home&amp;page=2"' in home


def test_only_creators_reach_the_ec_center(client, seller_a, partner_a):
    assert client.get("/ec/partners/").status_code == 302  # anonymous → login
    client.force_login(seller_a)
    for url in ["/ec/partners/", f"/ec/partners/{partner_a.slug}/", "/ec/requests/"]:
        assert client.get(url).status_code == 403
    assert client.post(request_url(partner_a), {"consent": "on"}).status_code == 403
    assert not Lead.objects.exists()


def test_an_unlisted_or_unknown_partner_is_not_found(client, silver):
    hidden = PartnerFactory(is_listed=False)
    assert client.get(f"/ec/partners/{hidden.slug}/").status_code == 404
    assert client.post(request_url(hidden), {"consent": "on"}).status_code == 404
    assert client.get("/ec/partners/nobody/").status_code == 404
    assert not Lead.objects.exists()


# The partner page and the request form ----------------------------------------------------


def test_the_partner_page_offers_request_and_im(client, silver, partner_a):
    response = client.get(f"/ec/partners/{partner_a.slug}/")
    html = response.content.decode()
    assert "Request to Collaborate" in html and "Chat in IM" in html
    assert f'href="{request_url(partner_a)}"' in html
    assert f'action="/ec/messages/start/{partner_a.pk}/"' in html
    assert "Your requests to" not in html


def test_the_form_asks_for_explicit_consent(client, silver, partner_a):
    page = text(client.get(request_url(partner_a)))
    assert (
        "I allow Alpha LIVE Agency to see my licensed data (30-day LIVE GMV, LIVE sessions, "
        "average viewers, top categories) for 7 days" in page
    )

    refused = client.post(request_url(partner_a), {"message": "hello"})

    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="consent-error"' in html and "Tick the box" in html
    assert "hello" in html  # what the creator typed is kept
    assert not Lead.objects.exists() and not CollaborationRequest.objects.exists()


def test_a_too_long_message_is_refused_next_to_the_field(client, silver, partner_a):
    refused = client.post(request_url(partner_a), {"message": "x" * 2001, "consent": "on"})
    assert refused.status_code == 400
    assert re.search(r'id="message-error"[^>]*>[^<]*2000 characters', refused.content.decode())
    assert not Lead.objects.exists()


@time_machine.travel(T0, tick=False)
def test_a_silver_creator_requests_through_the_page(client, silver, partner_a, seller_a):
    response = client.post(
        request_url(partner_a), {"message": "Beauty LIVEs on weekends.", "consent": "on"}
    )

    request = CollaborationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ec/requests/{request.pk}/"
    lead = Lead.objects.get(partner=partner_a, creator=silver)
    assert lead.source == LeadSource.COLLABORATION_REQUEST and lead.status == LeadStatus.NEW
    assert lead.authorization_expires_at == T0 + dt.timedelta(days=7)
    assert lead.licensed_data["live_gmv_30d"] == "1500.00"
    assert request.message == "Beauty LIVEs on weekends." and request.consent_given
    assert Notification.objects.get(partner=partner_a).kind == NotificationKind.NEW_REQUEST

    page = text(client.get(response["Location"]))
    assert "Request submitted" in page and "Alpha LIVE Agency" in page
    assert "Dec 2, 2026 12:00 UTC (7 days)" in page
    assert "$1,500.00" in page and "Beauty" in page
    assert "LIVE sessions (30 days) 4" in page and "Average viewers 210" in page
    assert "already have an open request" not in page
    assert 'href="/ec/requests/"' in client.get(response["Location"]).content.decode()


def test_a_repeated_page_submission_lands_on_the_same_open_request(client, silver, partner_a):
    first = client.post(request_url(partner_a), {"consent": "on"})
    second = client.post(request_url(partner_a), {"consent": "on", "message": "twice"})

    request = CollaborationRequest.objects.get()
    assert first["Location"] == f"/ec/requests/{request.pk}/"
    assert second["Location"] == f"/ec/requests/{request.pk}/?repeat=1"
    repeat = client.get(second["Location"])
    assert "You already have an open request to this partner, so no new request was made" in (
        text(repeat)
    )
    assert f'href="/ec/messages/start/{partner_a.pk}/">open it in IM</a>' in (
        repeat.content.decode()
    )
    assert Lead.objects.count() == 1 and Notification.objects.count() == 1
    assert request.message == ""


def test_a_repeat_with_a_message_says_it_went_to_the_im_conversation(client, silver, partner_a):
    client.post(request_url(partner_a), {"consent": "on", "message": "first"})
    second = client.post(request_url(partner_a), {"consent": "on", "message": "One more thing"})
    page = text(client.get(second["Location"]))
    assert "Your message went to your IM conversation with Alpha LIVE Agency" in page
    thread = Thread.objects.get(partner=partner_a, creator=silver)
    assert list(thread.messages.values_list("body", flat=True)) == ["One more thing"]
    # The conversation shows the request card and then the repeat's message.
    html = client.get(f"/ec/messages/{thread.pk}/").content.decode()
    pane = html[html.index('id="messages"') :]
    assert pane.index('data-testid="request-card"') < pane.index("One more thing")
    assert CollaborationRequest.objects.count() == 1


@time_machine.travel(T0, tick=False)
def test_while_a_request_is_open_the_partner_page_shows_it_instead_of_a_form(
    client, silver, partner_a, seller_a
):
    client.post(request_url(partner_a), {"consent": "on", "message": "Beauty, four nights a week"})
    request = CollaborationRequest.objects.get()
    with time_machine.travel(T0 + dt.timedelta(days=2, hours=3), tick=False):
        for url in (f"/ec/partners/{partner_a.slug}/", request_url(partner_a)):
            html = client.get(url).content.decode()
            card = text(client.get(url))
            assert "Your open request to Alpha LIVE Agency" in card
            assert "Status Open" in card and "Sent Nov 25, 2026 12:00 UTC" in card
            assert "Data shared until Dec 2, 2026 12:00 UTC · expires in 4 days 21 h" in card
            assert "Your message Beauty, four nights a week" in card
            assert 'name="message"' not in html and 'name="consent"' not in html
            assert f'href="/ec/requests/{request.pk}/">See the request</a>' in html
            assert "Continue in IM" in card
        partner_page = client.get(f"/ec/partners/{partner_a.slug}/").content.decode()
        assert ">Request to Collaborate</a>" not in partner_page

    # Once the partner closes the lead, the form is back: a new request renews the data.
    lead_set_status(lead=request.lead, status=LeadStatus.CLOSED, user=seller_a)
    html = client.get(request_url(partner_a)).content.decode()
    assert 'name="consent"' in html and "Your open request" not in html
    assert (
        ">Request to Collaborate</a>"
        in client.get(f"/ec/partners/{partner_a.slug}/").content.decode()
    )
    # And after the 7 days, too.
    client.post(request_url(partner_a), {"consent": "on"})
    with time_machine.travel(T0 + dt.timedelta(days=7, seconds=1), tick=False):
        assert 'name="consent"' in client.get(request_url(partner_a)).content.decode()


@pytest.mark.parametrize(
    ("who", "tier", "gmv", "gap"),
    [
        ("creator_bronze", "Bronze", "$420.00", "$580.00"),
        ("creator_none", "Non-tiered", "$0.00", "$1,000.00"),
    ],
)
def test_below_silver_sees_the_rule_and_the_im_button(
    request, client, partner_a, who, tier, gmv, gap
):
    creator = request.getfixturevalue(who)
    client.force_login(creator.user)

    response = client.get(request_url(partner_a))

    assert response.status_code == 200
    page = text(response)
    assert "Formal requests need Silver tier" in page
    assert "30-day LIVE GMV ≥ $1,000" in page
    assert f"Your tier {tier}" in page and f"Your 30-day LIVE GMV {gmv}" in page
    assert f"{gap} more 30-day LIVE GMV to reach Silver" in page
    assert "Chat with Alpha LIVE Agency in IM" in page
    html = response.content.decode()
    assert f'<form method="post" action="/ec/messages/start/{partner_a.pk}/">' in html
    assert 'name="consent"' not in html  # no request form for them


@pytest.mark.parametrize("who", ["creator_bronze", "creator_none"])
def test_below_silver_posts_are_refused_on_the_server(request, client, partner_a, who):
    creator = request.getfixturevalue(who)
    client.force_login(creator.user)

    response = client.post(request_url(partner_a), {"message": "please", "consent": "on"})

    assert response.status_code == 403
    assert "more 30-day LIVE GMV to reach Silver" in text(response)
    assert not Lead.objects.exists() and not CollaborationRequest.objects.exists()
    assert not Notification.objects.exists()


def test_the_gap_follows_the_admin_edited_silver_threshold(client, creator_bronze, partner_a):
    from creators.models import TierThreshold

    TierThreshold.objects.update_or_create(
        tier=Tier.SILVER, defaults={"min_live_gmv_usd": Decimal("2500.00")}
    )
    client.force_login(creator_bronze.user)
    assert "$2,080.00 more 30-day LIVE GMV to reach Silver" in text(
        client.get(request_url(partner_a))
    )


# My requests --------------------------------------------------------------------------------


def test_my_requests_shows_status_changes_and_the_countdown(
    client, silver, partner_a, partner_b, seller_a
):
    with time_machine.travel(T0, tick=False):
        collaboration_request_submit(creator=silver, partner=partner_a)
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        collaboration_request_submit(creator=silver, partner=partner_b)
        rows = text(client.get("/ec/requests/"))
        assert rows.index("Bravo Creators") < rows.index("Alpha LIVE Agency")  # newest first
        assert "Alpha LIVE Agency Nov 25, 2026 12:00 UTC Open shared, expires in 5 days" in rows
        assert "Bravo Creators Nov 27, 2026 12:00 UTC Open shared, expires in 1 week" in rows

        lead = Lead.objects.get(partner=partner_a)
        lead_set_status(lead=lead, status=LeadStatus.CONTACTED, user=seller_a)
        # Issue 20: the creator sees the request's state: the seller's move answered it.
        assert "Alpha LIVE Agency Nov 25, 2026 12:00 UTC Replied" in text(
            client.get("/ec/requests/")
        )
        # The partner page and the result page say the same.
        assert "Replied" in text(client.get(f"/ec/partners/{partner_a.slug}/"))
    with time_machine.travel(T0 + dt.timedelta(days=8), tick=False):
        rows = text(client.get("/ec/requests/"))
        assert "Alpha LIVE Agency Nov 25, 2026 12:00 UTC Replied no longer shared" in rows
        assert "Bravo Creators Nov 27, 2026 12:00 UTC Open shared, expires in" in rows
    with time_machine.travel(T0 + dt.timedelta(days=10), tick=False):
        rows = text(client.get("/ec/requests/"))
        assert (
            "Bravo Creators Nov 27, 2026 12:00 UTC Authorization expired no longer shared" in rows
        )
        result = text(client.get(f"/ec/requests/{CollaborationRequest.objects.last().pk}/"))
        assert "The 7-day authorization is over" in result


def test_my_requests_is_paginated_with_constant_queries(
    client, silver, django_assert_max_num_queries
):
    for _ in range(30):
        collaboration_request_submit(creator=silver, partner=PartnerFactory())
    with django_assert_max_num_queries(8):
        first = text(client.get("/ec/requests/"))
    assert "Page 1 of 2" in first
    assert first.count("expires in") == 25
    assert text(client.get("/ec/requests/?page=2")).count("expires in") == 5


def test_a_creator_only_ever_sees_their_own_requests(client, silver, partner_a):
    other = CreatorUserFactory(tier=Tier.GOLD, handle="someone_else")
    theirs = collaboration_request_submit(creator=other, partner=partner_a).request

    assert client.get(f"/ec/requests/{theirs.pk}/").status_code == 404
    assert "No requests yet" in text(client.get("/ec/requests/"))
    assert "Your requests to" not in text(client.get(f"/ec/partners/{partner_a.slug}/"))
