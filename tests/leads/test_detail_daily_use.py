"""Issue 22, the lead detail in daily use: answers that never replace what is being typed, a
truthful header, one name per person, no notice of one's own action, a re-add that keeps the
past, the "assigned to you" link, Previous / Next within the pool's filters and sort, and one
timeline of history, notes and IM messages."""

import datetime as dt
import re
from urllib.parse import quote

import pytest
import time_machine

from core.templatetags.people import person_name
from creators.models import Tier
from im.models import Side
from leads.models import Lead, LeadEvent, LeadNote, LeadSource, LeadStatus
from leads.pool_version import pool_version_bump
from leads.services import (
    collaboration_request_submit,
    lead_add,
    lead_assign,
    lead_remove,
    lead_set_status,
    leads_bulk_apply,
    note_create,
)
from notifications.models import Notification, NotificationKind
from notifications.selectors import notification_unread_count
from tests.factories import (
    CreatorFactory,
    CreatorUserFactory,
    LeadFactory,
    MessageFactory,
    SellerFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 2, 11, 56, tzinfo=dt.UTC)
HTMX = {"HX-Request": "true"}


def text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def part(html: str, testid: str) -> str:
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}".*?</\1>', html, re.S)
    assert match, testid
    return match.group(0)


@pytest.fixture
def sam(partner_a):
    """seller_a2 has a full name: "Sam Lee" is the one name the pages and notices use."""
    return SellerFactory(
        user__username="seller_a2", user__first_name="Sam", user__last_name="Lee", partner=partner_a
    ).user


@pytest.fixture
def seller(client, seller_a):
    client.force_login(seller_a)
    return client


def timeline(client, lead, query: str = "") -> str:
    response = client.get(f"/seller/im/leads/{lead.pk}/timeline/{query}", headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


# 1. Nothing typed is lost ------------------------------------------------------------------


def test_an_action_answers_only_what_it_changed_never_a_field_being_typed_in(
    seller, seller_a, partner_a
):
    lead = LeadFactory(partner=partner_a, creator__handle="typing")
    page = seller.get(f"/seller/leads/{lead.pk}/").content.decode()
    forms = re.findall(r"<form\b[^>]*hx-post[^>]*>", page)
    assert len(forms) == 4  # status, owner, remove, new note
    for form in forms:
        # No form swaps the detail: its answer is out of band, and a second form's submit
        # queues behind the first instead of being dropped.
        assert 'hx-swap="none"' in form and 'hx-sync="#lead-detail:queue all"' in form
        assert "hx-target" not in form and "data-detail-form" in form
    assert re.search(r'<textarea id="note-body-\d+"[^>]*hx-preserve', page)

    answers = {
        "status": seller.post(
            f"/seller/leads/{lead.pk}/status/",
            {"status": "contacted", "view": "detail"},
            headers=HTMX,
        ),
        "owner": seller.post(
            f"/seller/leads/{lead.pk}/owner/", {"owner": seller_a.pk}, headers=HTMX
        ),
        "note": seller.post(f"/seller/leads/{lead.pk}/notes/", {"body": "Hi"}, headers=HTMX),
    }
    for name, answer in answers.items():
        html = answer.content.decode()
        assert answer.status_code == 200 and answer["HX-Trigger"] == "lead-changed", name
        # Every top-level part is swapped out of band by its id; the note box, the other
        # forms' fields and the timeline are not in the answer at all.
        assert "<textarea" not in html and 'id="lead-detail"' not in html, name
        assert 'id="lead-timeline-' not in html, name
        assert re.search(
            rf'<header class="lead-head" id="lead-head-{lead.pk}" hx-swap-oob="true">', html
        )
    assert 'id="lead-status-part-' in answers["status"].text
    assert 'id="lead-owner-part-' not in answers["status"].text
    assert 'id="lead-remove-part-' not in answers["status"].text
    assert 'id="lead-owner-part-' in answers["owner"].text
    assert 'id="lead-status-part-' not in answers["owner"].text
    lead.refresh_from_db()
    assert (lead.status, lead.owner) == (LeadStatus.CONTACTED, seller_a)
    assert LeadNote.objects.get().body == "Hi"


# 2. A stale label ---------------------------------------------------------------------------


def test_collaborating_since_only_while_collaborating(seller, seller_a, partner_a):
    lead = LeadFactory(partner=partner_a, status=LeadStatus.CONTACTED)
    with time_machine.travel(T0, tick=False):
        lead_set_status(lead=lead, status=LeadStatus.COLLABORATING, user=seller_a)
    html = seller.get(f"/seller/leads/{lead.pk}/").content.decode()
    assert text(part(html, "lead-collaborated")) == "collaborating since Dec 2, 2026"

    lead_set_status(lead=lead, status=LeadStatus.CONTACTED, user=seller_a)
    head = text(part(seller.get(f"/seller/leads/{lead.pk}/").content.decode(), "lead-detail"))
    assert "collaborating since" not in head
    assert "Contacted · first reached Collaborating on Dec 2, 2026" in head


# 3. One name per person ---------------------------------------------------------------------


def test_the_owner_has_one_name_in_the_header_picker_history_and_notices(
    seller, seller_a, sam, partner_a, mailoutbox
):
    assert person_name(sam) == "Sam Lee" and person_name(seller_a) == "seller_a"
    assert person_name(None) == ""
    lead = LeadFactory(partner=partner_a, creator__handle="named")
    answer = seller.post(f"/seller/leads/{lead.pk}/owner/", {"owner": sam.pk}, headers=HTMX)
    assert text(part(answer.text, "lead-owner")) == "Sam Lee"
    page = seller.get(f"/seller/leads/{lead.pk}/").content.decode()
    assert f'<option value="{sam.pk}" selected>Sam Lee</option>' in page
    assert "Owner changed by seller_a: from no one to Sam Lee" in text(timeline(seller, lead))

    # Sam acts: his name in the history and in what others are told.
    lead_assign(lead=lead, owner=seller_a, user=sam)
    assert "Owner changed by Sam Lee: from Sam Lee to seller_a" in text(timeline(seller, lead))
    told = Notification.objects.get(kind=NotificationKind.LEAD_ASSIGNED, user=seller_a)
    assert told.text == "Sam Lee assigned @named to you."
    lead_remove(lead=lead, user=sam)
    removed = Notification.objects.get(kind=NotificationKind.LEAD_REMOVED)
    assert removed.text == "@named was removed from the Leads Pool by Sam Lee."


# 4. Nobody is told of their own action ------------------------------------------------------


@pytest.mark.parametrize("way", ["page", "api"])
def test_removing_from_im_tells_the_colleagues_not_the_seller_who_did_it(
    client, api_as, seller_a, sam, partner_a, creator_bronze, way
):
    thread = ThreadFactory(partner=partner_a, creator=creator_bronze)
    lead_add(partner=partner_a, creator=creator_bronze, user=seller_a)
    if way == "page":
        client.force_login(seller_a)
        client.post(f"/seller/im/{thread.pk}/lead/remove/")
    else:
        api_as(seller_a).delete(f"/api/v1/im/threads/{thread.pk}/lead")
    assert Lead.objects.get().removed_at is not None
    notice = Notification.objects.get(kind=NotificationKind.LEAD_REMOVED)
    assert notice.user is None and notice.partner == partner_a  # one row for the partner
    assert notification_unread_count(partner=partner_a, user=seller_a) == 0
    assert notification_unread_count(partner=partner_a, user=sam) == 1
    mine = api_as(seller_a).get("/api/v1/notifications/?unread=true").json()
    theirs = api_as(sam).get("/api/v1/notifications/?unread=true").json()
    assert mine["count"] == 0 and [n["id"] for n in theirs["results"]] == [notice.pk]


def test_a_job_removing_nothing_personal_tells_everyone(partner_a, seller_a, sam):
    lead = LeadFactory(partner=partner_a)
    lead_remove(lead=lead, user=None)
    assert notification_unread_count(partner=partner_a, user=seller_a) == 1
    assert notification_unread_count(partner=partner_a, user=sam) == 1


# 5. Re-adding from IM keeps the past --------------------------------------------------------


def test_re_adding_a_request_lead_from_im_keeps_its_request_time_source_and_place(
    seller, seller_a, partner_a
):
    creator = CreatorUserFactory(handle="nov_request", tier=Tier.GOLD)
    requested = dt.datetime(2026, 11, 29, 9, 30, tzinfo=dt.UTC)
    with time_machine.travel(requested, tick=False):
        collaboration_request_submit(creator=creator, partner=partner_a, message="Hi")
    newer = LeadFactory(
        partner=partner_a, creator__handle="dec_one", requested_at=requested + dt.timedelta(days=1)
    )
    lead = Lead.objects.get(creator=creator)
    with time_machine.travel(T0, tick=False):
        lead_remove(lead=lead, user=seller_a)
        lead_add(partner=partner_a, creator=creator, user=seller_a)
    lead.refresh_from_db()
    assert lead.in_pool and lead.requested_at == requested
    assert lead.source == LeadSource.COLLABORATION_REQUEST and lead.added_by is None
    # "Newest first" still puts it below the lead requested after it.
    order = seller.get("/api/v1/leads/").json()["results"]
    assert [row["id"] for row in order] == [newer.pk, lead.pk]
    head = text(part(seller.get(f"/seller/leads/{lead.pk}/").content.decode(), "lead-origin"))
    assert head == "Collaboration request · requested Nov 29, 2026 09:30 UTC"
    assert "Restored to leads by seller_a" in text(timeline(seller, lead))


def test_an_im_lead_says_who_added_it_and_when_never_requested(seller, sam, partner_a):
    creator = CreatorFactory(handle="chat_only")
    with time_machine.travel(T0, tick=False):
        lead, _ = lead_add(partner=partner_a, creator=creator, user=sam)
        lead_remove(lead=lead, user=sam)
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        lead_add(partner=partner_a, creator=creator, user=sam)
    lead.refresh_from_db()
    assert lead.requested_at == T0 and lead.source == LeadSource.INSTANT_MESSAGE
    html = seller.get(f"/seller/leads/{lead.pk}/").content.decode()
    assert text(part(html, "lead-origin")) == "Added from IM by Sam Lee on Dec 2, 2026 11:56 UTC"
    detail = text(part(html, "lead-detail"))
    assert "requested" not in detail.lower().replace("request messages", "")
    assert "The creator sent no message with their request" not in detail
    assert "No collaboration request: this lead was added from IM." in detail


# 6. The "assigned to you" link --------------------------------------------------------------


def test_assigned_to_you_opens_your_leads(
    seller_a, sam, partner_a, mailoutbox, django_capture_on_commit_callbacks
):
    one, two, three = (LeadFactory(partner=partner_a) for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        lead_assign(lead=one, owner=sam, user=seller_a)
    notice = Notification.objects.get(kind=NotificationKind.LEAD_ASSIGNED)
    my_leads = quote("/seller/leads/?owner=me", safe="")
    # The lead itself, opened within "your leads" (its Previous / Next walk your own).
    assert notice.link == f"/seller/leads/{one.pk}/?pool={my_leads}"
    assert notice.lead_id == one.pk
    assert f"http://127.0.0.1:8000/seller/leads/{one.pk}/?pool={my_leads}" in mailoutbox[-1].body

    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        leads_bulk_apply(
            partner=partner_a,
            user=seller_a,
            action="assign",
            ids=[two.pk, three.pk],
            owner_id=sam.pk,
        )
    bulk = Notification.objects.get(kind=NotificationKind.LEAD_ASSIGNED)
    assert bulk.link == "/seller/leads/?owner=me" and bulk.lead_id is None
    assert "http://127.0.0.1:8000/seller/leads/?owner=me" in mailoutbox[-1].body


# 7. Previous / Next within the pool's filters and sort ---------------------------------------


def nav(client, lead, pool: str | None = None, panel: bool = False) -> dict:
    url = f"/seller/leads/{lead.pk}/"
    headers = {}
    if pool is not None and panel:
        headers = {**HTMX, "HX-Current-URL": f"http://testserver{pool}"}
    elif pool is not None:
        url += f"?pool={quote(pool, safe='')}"
    html = client.get(url, headers=headers).content.decode()
    found = {}
    for key in ("prev", "next"):
        link = re.search(rf'<a [^>]*href="([^"]+)"[^>]*data-testid="lead-{key}"', html)
        found[key] = link.group(1) if link else None
        if not link:
            assert re.search(rf'<button [^>]*disabled data-testid="lead-{key}"', html)
    return found


def lead_of(url: str | None) -> int | None:
    return int(re.match(r"/seller/leads/(\d+)/", url).group(1)) if url else None


@pytest.fixture
def ranked(partner_a, partner_b):
    """Five pool leads a minute apart (oldest first), one removed, one of another partner."""
    leads = []
    for n, (tier, followers) in enumerate(
        [
            (Tier.GOLD, 500),
            (Tier.SILVER, 9_000),
            (Tier.GOLD, 70),
            (Tier.BRONZE, 9_000),
            (Tier.GOLD, 1),
        ]
    ):
        leads.append(
            LeadFactory(
                partner=partner_a,
                creator=CreatorFactory(handle=f"r{n}", tier=tier, follower_count=followers),
                requested_at=T0 + dt.timedelta(minutes=n),
            )
        )
    removed = LeadFactory(partner=partner_a, requested_at=T0 + dt.timedelta(minutes=2, seconds=30))
    lead_remove(lead=removed, user=None)
    LeadFactory(partner=partner_b, requested_at=T0 + dt.timedelta(minutes=2, seconds=20))
    return leads


def test_previous_and_next_follow_the_pools_filters_and_sort(seller, ranked):
    r0, r1, r2, r3, r4 = ranked
    # Newest first (the default): r4, r3, r2, r1, r0; the removed and the foreign are skipped.
    assert [lead_of(u) for u in nav(seller, r2).values()] == [r3.pk, r1.pk]
    assert [lead_of(u) for u in nav(seller, r4).values()] == [None, r3.pk]
    assert [lead_of(u) for u in nav(seller, r0).values()] == [r1.pk, None]
    # Gold only, newest first: r4, r2, r0.
    links = nav(seller, r2, "/seller/leads/?tier=gold")
    assert [lead_of(u) for u in links.values()] == [r4.pk, r0.pk]
    assert links["next"].endswith(f"?pool={quote('/seller/leads/?tier=gold', safe='')}")
    # Most followers, the newer id first on a tie: r3, r1 (9,000 each), r0, r2, r4.
    by_followers = "/seller/leads/?ordering=-followers"
    assert [lead_of(u) for u in nav(seller, r3, by_followers).values()] == [None, r1.pk]
    assert [lead_of(u) for u in nav(seller, r1, by_followers).values()] == [r3.pk, r0.pk]
    assert [lead_of(u) for u in nav(seller, r2, by_followers).values()] == [r0.pk, r4.pk]
    # Highest tier, then newest: r4, r2, r0 (gold), r1 (silver), r3 (bronze).
    by_tier = "/seller/leads/?ordering=-tier"
    assert [lead_of(u) for u in nav(seller, r0, by_tier).values()] == [r2.pk, r1.pk]
    assert [lead_of(u) for u in nav(seller, r1, by_tier).values()] == [r0.pk, r3.pk]
    # The panel reads its pool from the page htmx sent it from, and its links load the
    # neighbour into the panel, replacing the URL.
    panel = seller.get(
        f"/seller/leads/{r2.pk}/",
        headers={**HTMX, "HX-Current-URL": "http://testserver/seller/leads/?tier=gold"},
    ).content.decode()
    next_url = f"/seller/leads/{r0.pk}/?pool={quote('/seller/leads/?tier=gold', safe='')}"
    assert (
        f'href="{next_url}" hx-get="{next_url}" hx-target="#lead-panel" hx-swap="innerHTML" '
        'hx-replace-url="true"' in panel
    )
    # Opened from a Previous / Next link, the panel keeps that pool (the close link too).
    again = seller.get(next_url, headers={**HTMX, "HX-Current-URL": f"http://testserver{next_url}"})
    assert 'href="/seller/leads/?tier=gold" class="button small" data-panel-close' in again.text


def test_next_skips_to_the_neighbour_even_when_the_lead_left_the_filter(seller, seller_a, ranked):
    r0, r1, r2, r3, r4 = ranked
    lead_set_status(lead=r2, status=LeadStatus.CONTACTED, user=seller_a)
    links = nav(seller, r2, "/seller/leads/?status=new")
    assert [lead_of(u) for u in links.values()] == [r3.pk, r1.pk]


@time_machine.travel(T0, tick=False)
def test_previous_and_next_on_the_nullable_sorts(seller, partner_a):
    soon = LeadFactory(partner=partner_a, authorization_expires_at=T0 + dt.timedelta(hours=2))
    later = LeadFactory(partner=partner_a, authorization_expires_at=T0 + dt.timedelta(hours=9))
    expired = LeadFactory(
        partner=partner_a,
        authorization_expires_at=T0 - dt.timedelta(hours=1),
        requested_at=T0 - dt.timedelta(hours=1),
    )
    never = LeadFactory(
        partner=partner_a,
        requested_at=T0 - dt.timedelta(hours=2),
        next_task_due_at=T0 + dt.timedelta(days=3),
    )
    later_task = T0 + dt.timedelta(days=1)
    # Soonest first, then the rest newest first: soon, later, expired, never.
    pool = "/seller/leads/?ordering=authorization_expires_at"
    assert [lead_of(u) for u in nav(seller, later, pool).values()] == [soon.pk, expired.pk]
    assert [lead_of(u) for u in nav(seller, expired, pool).values()] == [later.pk, never.pk]
    assert [lead_of(u) for u in nav(seller, soon, pool).values()] == [None, later.pk]
    later.next_task_due_at = later_task
    later.save(update_fields=["next_task_due_at"])
    pool_version_bump(partner_ids=[partner_a.pk])
    # Task due soonest, then newest: later, never, soon, expired.
    tasks = "/seller/leads/?ordering=next_task_due_at"
    assert [lead_of(u) for u in nav(seller, never, tasks).values()] == [later.pk, soon.pk]
    assert [lead_of(u) for u in nav(seller, soon, tasks).values()] == [never.pk, expired.pk]


def test_a_bad_pool_query_shows_no_neighbours_and_no_error(seller, ranked):
    html = seller.get(
        f"/seller/leads/{ranked[2].pk}/?pool={quote('/seller/leads/?tier=platinum2', safe='')}"
    )
    assert html.status_code == 200 and 'data-testid="lead-next"' not in html.text
    other_site = seller.get(f"/seller/leads/{ranked[2].pk}/?pool=https://evil.example/")
    assert other_site.status_code == 200 and "evil" not in other_site.text


@pytest.mark.parametrize("size", [3, 40])
def test_neighbours_cost_two_queries_whatever_the_pools_size(
    seller, partner_a, size, django_assert_max_num_queries
):
    leads = [
        LeadFactory(partner=partner_a, requested_at=T0 - dt.timedelta(minutes=n))
        for n in range(size)
    ]
    middle = leads[size // 2]
    url = f"/seller/leads/{middle.pk}/?pool={quote('/seller/leads/?ordering=-followers', safe='')}"
    seller.get(url)  # warm the caches
    with django_assert_max_num_queries(10):
        response = seller.get(url)
    assert 'data-testid="lead-next"' in response.text and 'data-testid="lead-prev"' in response.text


# 8. One timeline ----------------------------------------------------------------------------


def test_the_timeline_merges_history_notes_and_messages_filterable_by_kind(
    seller, seller_a, partner_a
):
    creator = CreatorUserFactory(handle="talker", display_name="Tal Ker")
    thread = ThreadFactory(partner=partner_a, creator=creator)
    with time_machine.travel(T0, tick=False):
        lead, _ = lead_add(partner=partner_a, creator=creator, user=seller_a)
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        MessageFactory(thread=thread, side=Side.CREATOR, body="Do you work with beauty brands?")
    with time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False):
        note_create(lead=lead, author=seller_a, body="Ask about her schedule")
    with time_machine.travel(T0 + dt.timedelta(minutes=3), tick=False):
        MessageFactory(thread=thread, side=Side.SELLER, sender=seller_a, body="We do!")
    with time_machine.travel(T0 + dt.timedelta(minutes=4), tick=False):
        lead_set_status(lead=lead, status=LeadStatus.CONTACTED, user=seller_a)
    # Another partner's thread with the same creator stays out.
    MessageFactory(thread=ThreadFactory(creator=creator), body="zz other partner")

    html = timeline(seller, lead)
    items = [text(li) for li in re.findall(r"<li\b[^>]*>(.*?)</li>", html, re.S)]
    items = [item for item in items if "Dec 2" in item and "UTC" in item]
    assert items[0].startswith("Dec 2, 2026 11:56 UTC · Added to leads by seller_a")
    assert "Tal Ker wrote in IM Do you work with beauty brands?" in items[1]
    assert items[2].startswith("seller_a · Dec 2, 2026 11:58 UTC") and "Ask about her" in items[2]
    assert "seller_a wrote in IM We do!" in items[3]
    assert "Status changed by seller_a: from New to Contacted" in items[4]
    assert len(items) == 5 and "zz other partner" not in html
    assert "Note added" not in html  # in "all", the note stands for its own event

    only = {
        kind: text(timeline(seller, lead, f"?kind={kind}"))
        for kind in ("history", "notes", "messages")
    }
    assert "Note added by seller_a" in only["history"] and "We do!" not in only["history"]
    assert "Ask about her schedule" in only["notes"] and "Added to leads" not in only["notes"]
    assert "We do!" in only["messages"] and "Ask about" not in only["messages"]
    assert 'aria-current="true" data-testid="timeline-kind-messages"' in timeline(
        seller, lead, "?kind=messages"
    )


def test_the_timeline_pages_back_fifty_at_a_time_in_constant_queries(
    seller, seller_a, partner_a, django_assert_max_num_queries
):
    creator = CreatorUserFactory(handle="busy")
    thread = ThreadFactory(partner=partner_a, creator=creator)
    lead = LeadFactory(partner=partner_a, creator=creator, requested_at=T0)
    base = T0 + dt.timedelta(minutes=1)
    LeadEvent.objects.bulk_create(
        LeadEvent(
            lead=lead,
            kind="status_changed",
            actor=seller_a,
            created_at=base + dt.timedelta(seconds=3 * n),
        )
        for n in range(25)
    )
    LeadNote.objects.bulk_create(
        LeadNote(
            lead=lead,
            author=seller_a,
            body=f"note {n}",
            created_at=base + dt.timedelta(seconds=3 * n + 1),
        )
        for n in range(25)
    )
    for n in range(25):
        MessageFactory(
            thread=thread, body=f"msg {n}", created_at=base + dt.timedelta(seconds=3 * n + 2)
        )
    seller.get(f"/seller/im/leads/{lead.pk}/timeline/")
    with django_assert_max_num_queries(8):
        first = timeline(seller, lead)
    shown = re.findall(r"msg \d+|note \d+", first)
    assert len(re.findall(r'data-kind="|data-testid="note"', first)) == 50
    assert "msg 24" in first and "note 0" not in first
    older = re.search(r'hx-get="([^"]+before=[^"]+)"[^>]*data-testid="timeline-older"', first)
    assert older and shown
    with django_assert_max_num_queries(8):
        page = seller.get(older.group(1).replace("&amp;", "&"), headers=HTMX).content.decode()
    assert "<section" not in page  # only the older items, in place of the link
    assert "note 0" in page and "msg 24" not in page and "timeline-older" not in page
    assert len(re.findall(r'data-kind="|data-testid="note"', page)) == 25


def test_the_timeline_is_the_sellers_own(client, seller, partner_a, partner_b, creator_silver):
    theirs, mine = LeadFactory(partner=partner_b), LeadFactory(partner=partner_a)
    assert seller.get(f"/seller/im/leads/{theirs.pk}/timeline/").status_code == 404
    assert seller.get("/seller/im/leads/999999/timeline/").status_code == 404
    bad = seller.get(f"/seller/im/leads/{mine.pk}/timeline/?kind=everything")
    assert bad.status_code == 400 and bad.text.startswith("kind: use one of all, history")
    odd_cursor = seller.get(f"/seller/im/leads/{mine.pk}/timeline/?before=zz", headers=HTMX)
    assert odd_cursor.status_code == 200  # not a cursor: the newest page
    full = seller.get(f"/seller/im/leads/{mine.pk}/timeline/")  # without htmx: a page
    assert "<html" in full.text and "Back to the lead" in full.text
    client.force_login(creator_silver.user)
    assert client.get(f"/seller/im/leads/{mine.pk}/timeline/").status_code == 403
