"""The lead workspace's pages: notes and owner on the lead detail; owner, expiry, bulk actions
and saved views in the Leads Pool. Through the pages, asserting what sellers see and the state."""

import datetime as dt
import re

import pytest
import time_machine

from creators.models import Tier
from leads.models import Lead, LeadEvent, LeadNote, LeadStatus, SavedView
from notifications.models import Notification
from tests.factories import CreatorFactory, LeadFactory, SellerFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
HTMX = {"HX-Request": "true"}


def text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def part(html: str, testid: str) -> str:
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}".*?</\1>', html, re.S)
    assert match, testid
    return match.group(0)


def timeline(client, item, kind: str = "") -> str:
    """The lead's one timeline (history, notes, messages), as the detail loads it."""
    query = f"?kind={kind}" if kind else ""
    url = f"/seller/im/leads/{item.pk}/timeline/{query}"
    return client.get(url, headers=HTMX).content.decode()


def rows(html: str) -> list[str]:
    return re.findall(r'<tr id="lead-\d+" data-handle="([^"]+)"', html)


def lead(partner, handle, **extra):
    creator = CreatorFactory(handle=handle, tier=extra.pop("tier", Tier.GOLD))
    return LeadFactory(partner=partner, creator=creator, **extra)


@pytest.fixture
def seller_a2(partner_a):
    return SellerFactory(user__username="seller_a2", partner=partner_a).user


@pytest.fixture
def as_a(client, seller_a):
    client.force_login(seller_a)
    return client


@pytest.fixture
def as_a2(seller_a2):
    from django.test import Client

    client = Client()
    client.force_login(seller_a2)
    return client


# Notes ---------------------------------------------------------------------------------------


def test_a_note_is_added_seen_by_the_team_and_only_its_author_edits_it(
    as_a, as_a2, seller_a, partner_a
):
    item = lead(partner_a, "noted")
    answer = as_a.post(
        f"/seller/leads/{item.pk}/notes/", {"body": "Called, wants samples first"}, headers=HTMX
    )
    assert answer.status_code == 200 and answer["HX-Trigger"] == "lead-changed"
    notes = text(part(timeline(as_a, item, "notes"), "history"))
    assert "seller_a ·" in notes and "Called, wants samples first" in notes
    assert "Note added by seller_a" in text(part(timeline(as_a, item, "history"), "history"))
    note = LeadNote.objects.get()
    assert note.author == seller_a and note.lead == item

    # The teammate reads it, without edit or delete buttons.
    seen = timeline(as_a2, item)
    assert "Called, wants samples first" in text(part(seen, "history"))
    assert "Delete note" not in seen and "Save note" not in seen
    assert (
        as_a2.post(f"/seller/leads/{item.pk}/notes/{note.pk}/", {"body": "mine now"}).status_code
        == 403
    )
    assert as_a2.post(f"/seller/leads/{item.pk}/notes/{note.pk}/delete/").status_code == 403
    note.refresh_from_db()
    assert note.body == "Called, wants samples first" and note.deleted_at is None

    # The author edits and deletes; the deletion stays in the history.
    as_a.post(f"/seller/leads/{item.pk}/notes/{note.pk}/", {"body": "Samples sent"}, headers=HTMX)
    edited = text(part(timeline(as_a, item, "notes"), "history"))
    assert "Samples sent" in edited and "edited" in edited
    deleted = as_a.post(f"/seller/leads/{item.pk}/notes/{note.pk}/delete/", headers=HTMX)
    assert deleted.status_code == 200
    assert "Nothing yet." in text(part(timeline(as_a, item, "notes"), "history"))
    assert "Note deleted by seller_a" in text(part(timeline(as_a, item), "history"))
    assert LeadNote.objects.alive().count() == 0


def test_an_empty_or_long_note_is_refused_in_place(as_a, partner_a):
    item = lead(partner_a, "quiet")
    empty = as_a.post(f"/seller/leads/{item.pk}/notes/", {"body": "   "}, headers=HTMX)
    assert empty.status_code == 400
    # The error beside the box, out of band; the box itself is not in the answer, so what
    # was typed stays where it was typed.
    error = re.search(r'<div id="note-error-\d+"[^>]*hx-swap-oob="true">(.*?)</div>', empty.text)
    assert error and "Write the note first." in text(error.group(1))
    assert "<textarea" not in empty.text and "HX-Trigger" not in empty
    long = as_a.post(f"/seller/leads/{item.pk}/notes/", {"body": "x" * 5001}, headers=HTMX)
    assert long.status_code == 400 and "at most 5,000 characters" in long.content.decode()
    assert "<textarea" not in long.text
    assert not LeadNote.objects.exists()


def test_notes_of_another_partner_stay_out_of_reach(as_a, partner_a, partner_b, seller_b):
    other = lead(partner_b, "theirs")
    note = LeadNote.objects.create(lead=other, author=seller_b, body="zz private")
    assert as_a.post(f"/seller/leads/{other.pk}/notes/", {"body": "hi"}).status_code == 404
    assert as_a.post(f"/seller/leads/{other.pk}/notes/{note.pk}/delete/").status_code == 404
    # Their note under one of my leads' URLs is not found either.
    mine = lead(partner_a, "mine")
    assert as_a.post(f"/seller/leads/{mine.pk}/notes/{note.pk}/", {"body": "x"}).status_code == 404
    assert "zz private" not in as_a.get(f"/seller/leads/{mine.pk}/").content.decode()
    note.refresh_from_db()
    assert note.body == "zz private" and note.deleted_at is None
    assert LeadNote.objects.count() == 1


# Owner ---------------------------------------------------------------------------------------


def test_assigning_a_lead_records_it_and_tells_the_new_owner(as_a, as_a2, seller_a2, partner_a):
    item = lead(partner_a, "to_assign")
    html = as_a.get(f"/seller/leads/{item.pk}/").content.decode()
    assert f'<option value="{seller_a2.pk}">seller_a2</option>' in html
    assert ">seller_a (me)</option>" in html and 'data-testid="set-owner">Assign</button>' in html

    answer = as_a.post(f"/seller/leads/{item.pk}/owner/", {"owner": seller_a2.pk}, headers=HTMX)
    html = answer.content.decode()
    assert text(part(html, "lead-owner")) == "seller_a2"
    assert "Owner changed by seller_a: from no one to seller_a2" in text(
        part(timeline(as_a, item), "history")
    )
    item.refresh_from_db()
    assert item.owner == seller_a2
    notice = Notification.objects.get(kind="lead_assigned")
    assert notice.user == seller_a2 and "@to_assign" in notice.text
    assert "seller_a assigned @to_assign to you." in text(
        as_a2.get("/seller/notifications/").content.decode()
    )

    unassigned = as_a.post(f"/seller/leads/{item.pk}/owner/", {"owner": ""}, headers=HTMX)
    assert text(part(unassigned.content.decode(), "lead-owner")) == "no one"
    item.refresh_from_db()
    assert item.owner is None


def test_an_owner_from_another_partner_is_refused(as_a, partner_a, partner_b, seller_b):
    item = lead(partner_a, "stays_mine")
    for value in (seller_b.pk, "abc", 999_999):
        answer = as_a.post(f"/seller/leads/{item.pk}/owner/", {"owner": value}, headers=HTMX)
        assert answer.status_code == 400
        assert "Owner: " in text(part(answer.content.decode(), "detail-error"))
    item.refresh_from_db()
    assert item.owner is None
    assert not LeadEvent.objects.filter(kind="assigned").exists()


# The pool: owner, expiry ---------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_pool_shows_owners_and_filters_by_them(as_a, seller_a, seller_a2, partner_a):
    lead(partner_a, "mine", owner=seller_a)
    lead(partner_a, "theirs", owner=seller_a2)
    lead(partner_a, "nobodys")
    html = as_a.get("/seller/leads/").content.decode()
    row = html[html.index('data-handle="theirs"') :]
    # The row's inline owner picker shows the owner selected (by the one name people see).
    assert f'<option value="{seller_a2.pk}" selected>seller_a2</option>' in part(row, "owner")
    owner_filter = part(html, "owner-filter")
    assert '<option value="me">Assigned to me</option>' in owner_filter
    assert '<option value="none">Unassigned</option>' in owner_filter
    assert f'<option value="{seller_a2.pk}">seller_a2</option>' in owner_filter

    assert rows(as_a.get("/seller/leads/?owner=me").content.decode()) == ["mine"]
    assert rows(as_a.get("/seller/leads/?owner=none").content.decode()) == ["nobodys"]
    by_user = as_a.get(f"/seller/leads/?owner={seller_a2.pk}").content.decode()
    assert rows(by_user) == ["theirs"]
    assert f'<option value="{seller_a2.pk}" selected>' in by_user
    # The active owner filter is a removable chip that names the user.
    assert "Owner: seller_a2" in text(part(by_user, "filter-chips"))
    assert "Owner: Assigned to me" in text(
        part(as_a.get("/seller/leads/?owner=me").content.decode(), "filter-chips")
    )
    bad = as_a.get("/seller/leads/?owner=someone")
    assert bad.status_code == 400 and "Use me, none or a user id." in bad.content.decode()


@time_machine.travel(NOW, tick=False)
def test_act_before_expiry_sort_quick_filter_and_header_count(as_a, partner_a, partner_b):
    hours = dt.timedelta(hours=1)
    lead(partner_a, "in_30h", authorization_expires_at=NOW + 30 * hours)
    lead(partner_a, "in_2h", authorization_expires_at=NOW + 2 * hours)
    lead(partner_a, "in_20h", authorization_expires_at=NOW + 20 * hours)
    lead(partner_a, "gone", authorization_expires_at=NOW - hours, requested_at=NOW - 200 * hours)
    lead(partner_a, "im_only", requested_at=NOW - 100 * hours)
    lead(partner_b, "elsewhere", authorization_expires_at=NOW + hours)

    html = as_a.get("/seller/leads/").content.decode()
    count = part(html, "expiring-count")
    assert text(count) == "2 expire within 24 h"
    assert "expiring_within_hours=24" in count and "ordering=authorization_expires_at" in count
    assert re.search(r'<option value="authorization_expires_at"\s*>Expires soonest</option>', html)
    assert 'name="expiring_within_hours" value="24"' in html

    soonest = as_a.get("/seller/leads/?ordering=authorization_expires_at").content.decode()
    assert rows(soonest) == ["in_2h", "in_20h", "in_30h", "im_only", "gone"]
    quick = as_a.get(
        "/seller/leads/?expiring_within_hours=24&ordering=authorization_expires_at"
    ).content.decode()
    assert rows(quick) == ["in_2h", "in_20h"]
    assert 'id="expiring-filter" name="expiring_within_hours" value="24" checked' in quick
    assert "Authorization expires within 24 h" in text(part(quick, "filter-chips"))


@pytest.mark.parametrize("size", [3, 30])
def test_the_pool_with_owners_costs_constant_queries(
    as_a, seller_a, seller_a2, partner_a, django_assert_max_num_queries, size
):
    for n in range(size):
        lead(partner_a, f"row_{n}", owner=seller_a2 if n % 2 else seller_a)
    SavedView.objects.create(owner=seller_a, partner=partner_a, name="Mine", query="tier=gold")
    as_a.get("/seller/leads/")
    with django_assert_max_num_queries(12):
        response = as_a.get("/seller/leads/?page_size=100")
    assert len(rows(response.content.decode())) == size


# Bulk actions --------------------------------------------------------------------------------


def bulk(client, **fields):
    return client.post("/seller/leads/bulk/", fields)


def test_bulk_status_confirms_with_the_count_then_applies(as_a, seller_a, partner_a):
    picked = [lead(partner_a, f"pick_{n}") for n in range(3)]
    untouched = lead(partner_a, "untouched")
    ids = [item.pk for item in picked]
    confirm = bulk(as_a, action="set_status", status="closed", ids=ids, query="tier=gold")
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Set the status to Closed: 3 leads?" in text(html)
    assert text(part(html, "bulk-count")) == "3"
    assert 'name="confirm" value="1"' in html and 'name="query" value="tier=gold"' in html
    assert Lead.objects.filter(status=LeadStatus.CLOSED).count() == 0  # nothing yet

    applied = bulk(
        as_a, action="set_status", status="closed", ids=ids, query="tier=gold", confirm="1"
    )
    assert applied.status_code == 302 and applied["Location"] == "/seller/leads/?tier=gold"
    page = as_a.get(applied["Location"]).content.decode()
    assert "Set the status to Closed: 3 leads changed." in text(page)
    assert set(Lead.objects.filter(status=LeadStatus.CLOSED).values_list("pk", flat=True)) == set(
        ids
    )
    untouched.refresh_from_db()
    assert untouched.status == LeadStatus.NEW
    assert LeadEvent.objects.filter(kind="status_changed", actor=seller_a).count() == 3


def test_bulk_over_all_matching_filters_assigns_every_matching_lead(
    as_a, seller_a2, partner_a, partner_b
):
    for n in range(4):
        lead(partner_a, f"gold_{n}", tier=Tier.GOLD)
    lead(partner_a, "silver", tier=Tier.SILVER)
    lead(partner_b, "gold_of_b", tier=Tier.GOLD)
    html = as_a.get("/seller/leads/?tier=gold").content.decode()
    assert "All 4 matching these filters" in text(html)
    fields = {
        "action": "assign",
        "owner": seller_a2.pk,
        "scope": "all",
        "query": "tier=gold&page=2",
    }
    confirm = bulk(as_a, **fields).content.decode()
    assert "Assign to seller_a2: 4 leads?" in text(confirm)
    bulk(as_a, **fields, confirm="1")
    assert sorted(
        Lead.objects.filter(owner=seller_a2).values_list("creator__handle", flat=True)
    ) == [
        "gold_0",
        "gold_1",
        "gold_2",
        "gold_3",
    ]


def test_bulk_with_an_id_outside_the_pool_changes_nothing(as_a, partner_a, partner_b):
    mine = lead(partner_a, "mine")
    theirs = lead(partner_b, "theirs")
    for confirm in ("", "1"):
        answer = bulk(as_a, action="remove", ids=[mine.pk, theirs.pk], confirm=confirm)
        assert answer.status_code == 302
        assert f"Not in your Leads Pool: {theirs.pk}" in text(
            as_a.get("/seller/leads/").content.decode()
        )
    assert Lead.objects.filter(removed_at__isnull=False).count() == 0
    nothing = bulk(as_a, action="remove")
    assert "Tick the leads to change" in text(as_a.get(nothing["Location"]).content.decode())
    assert as_a.get("/seller/leads/bulk/").status_code == 405


def test_the_pool_has_row_boxes_and_the_bulk_bar(as_a, partner_a):
    item = lead(partner_a, "boxed")
    html = as_a.get("/seller/leads/").content.decode()
    assert (
        f'<input type="checkbox" name="ids" value="{item.pk}" form="bulk-form" '
        'aria-label="Select @boxed"' in html
    )
    assert (
        '<form id="bulk-form" class="bulk-bar" method="post" action="/seller/leads/bulk/"' in html
    )


# Saved views ---------------------------------------------------------------------------------


def test_saved_views_are_kept_shared_opened_as_tabs_and_deleted(as_a, as_a2, partner_a):
    lead(partner_a, "gold_new", tier=Tier.GOLD)
    lead(partner_a, "silver_new", tier=Tier.SILVER)
    saved = as_a.post(
        "/seller/leads/views/", {"name": "Gold only", "query": "tier=gold&page=3", "shared": "on"}
    )
    assert saved["Location"] == "/seller/leads/?tier=gold"
    private = as_a.post("/seller/leads/views/", {"name": "Mine", "query": "status=new"})
    assert private.status_code == 302

    page = as_a.get("/seller/leads/?tier=gold").content.decode()
    tabs = part(page, "saved-views")
    assert "Gold only" in tabs and "Mine" in tabs and "All leads" in tabs
    assert re.search(r'href="/seller/leads/\?tier=gold"[^>]*aria-current="page">Gold only', tabs)
    assert rows(page) == ["gold_new"]

    teammate = part(as_a2.get("/seller/leads/").content.decode(), "saved-views")
    assert "Gold only" in teammate and "shared by seller_a" in teammate
    assert "Mine" not in teammate and "Delete the view" not in teammate

    gold = SavedView.objects.get(name="Gold only")
    assert as_a2.post(f"/seller/leads/views/{gold.pk}/delete/").status_code == 403
    mine = SavedView.objects.get(name="Mine")
    assert as_a2.post(f"/seller/leads/views/{mine.pk}/delete/").status_code == 404
    deleted = as_a.post(f"/seller/leads/views/{gold.pk}/delete/")
    assert deleted.status_code == 302
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Mine"]


def test_a_bad_saved_view_is_explained(as_a, partner_a):
    as_a.post("/seller/leads/views/", {"name": "Twice", "query": "tier=gold"})
    again = as_a.post("/seller/leads/views/", {"name": "Twice", "query": "tier=silver"})
    assert "You already have a view named" in text(as_a.get(again["Location"]).content.decode())
    unnamed = as_a.post("/seller/leads/views/", {"name": " ", "query": "tier=gold"})
    assert "Name the view." in text(as_a.get(unnamed["Location"]).content.decode())
    assert SavedView.objects.count() == 1


def test_another_partners_saved_view_is_not_found(as_a, partner_b, seller_b):
    view = SavedView.objects.create(owner=seller_b, partner=partner_b, name="B", shared=True)
    assert "B" not in text(part(as_a.get("/seller/leads/").content.decode(), "saved-views"))
    assert as_a.post(f"/seller/leads/views/{view.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


# Cached counts ---------------------------------------------------------------------------------


def pool_count(client, query="") -> str:
    return text(part(client.get(f"/seller/leads/?{query}").content.decode(), "lead-count"))


def test_the_pools_cached_counts_follow_the_pages_writes(as_a, seller_a, seller_a2, partner_a):
    """Counts are cached per pool version: every write the pages make (bulk, owner, notes)
    goes through a service that bumps it, so the next count is exact, not a stale cache hit."""
    leads = [lead(partner_a, f"work_{n}") for n in range(4)]
    queries = ("", "status=closed", "owner=me", f"owner={seller_a2.pk}", "owner=none")
    before = {query: pool_count(as_a, query) for query in queries}  # counted and cached
    assert before == {
        "": "4 leads",
        "status=closed": "0 leads",
        "owner=me": "0 leads",
        f"owner={seller_a2.pk}": "0 leads",
        "owner=none": "4 leads",
    }

    bulk(as_a, action="set_status", status="closed", ids=[leads[0].pk, leads[1].pk], confirm="1")
    assert pool_count(as_a, "status=closed") == "2 leads"

    as_a.post(f"/seller/leads/{leads[2].pk}/owner/", {"owner": seller_a.pk, "view": "detail"})
    assert pool_count(as_a, "owner=me") == "1 lead"
    assert pool_count(as_a, "owner=none") == "3 leads"

    bulk(as_a, action="assign", owner=seller_a2.pk, scope="all", query="owner=none", confirm="1")
    assert pool_count(as_a, f"owner={seller_a2.pk}") == "3 leads"
    assert pool_count(as_a, "owner=none") == "0 leads"

    as_a.post(f"/seller/leads/{leads[3].pk}/notes/", {"body": "Call on Monday"})
    assert pool_count(as_a, "") == "4 leads"

    bulk(as_a, action="remove", ids=[leads[0].pk, leads[3].pk], confirm="1")
    assert pool_count(as_a, "") == "2 leads"
    assert pool_count(as_a, "status=closed") == "1 lead"
    assert pool_count(as_a, f"owner={seller_a2.pk}") == "1 lead"


def test_the_authors_note_forms_post_to_the_note_and_its_text_is_escaped(as_a, partner_a):
    item = lead(partner_a, "escaped")
    as_a.post(f"/seller/leads/{item.pk}/notes/", {"body": "<b>bold</b>\nline two"})
    note = LeadNote.objects.get()
    notes = part(timeline(as_a, item, "notes"), "history")
    assert "&lt;b&gt;bold&lt;/b&gt;<br>line two" in notes
    assert f'action="/seller/leads/{item.pk}/notes/{note.pk}/"' in notes
    assert f'action="/seller/leads/{item.pk}/notes/{note.pk}/delete/"' in notes
    assert notes.count('name="csrfmiddlewaretoken"') == 2  # edit, delete
    assert notes.count('hx-sync="#lead-detail:queue all"') == 2
    assert "hx-preserve>&lt;b&gt;bold&lt;/b&gt;" in notes  # a timeline reload keeps an edit
    new_note = part(as_a.get(f"/seller/leads/{item.pk}/").content.decode(), "notes")
    assert new_note.count('name="csrfmiddlewaretoken"') == 1
    assert new_note.count('hx-sync="#lead-detail:queue all"') == 1

    # An empty edit is refused with the reason in the detail's error line; the edit form is
    # not swapped (what was typed stays), and the note is unchanged.
    refused = as_a.post(f"/seller/leads/{item.pk}/notes/{note.pk}/", {"body": "   "}, headers=HTMX)
    assert refused.status_code == 400
    assert "Note: Write the note first." in text(part(refused.text, "detail-error"))
    assert "<textarea" not in refused.text
    note.refresh_from_db()
    assert note.body == "<b>bold</b>\nline two"
