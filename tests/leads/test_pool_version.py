"""The pool version's one home: every path that writes what the Leads Pool counts or shows
bumps it by name, so the cached counts and pages are never stale.

The walk primes both caches (the list's served page and the counts and stats cached per
version), takes one write path, and compares what the API then answers with what it answers
from an empty cache. A write path that commits without a bump answers the old, cached figures
and fails here. `test_the_walk_catches_a_write_without_a_bump` shows the check is real.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from creators.models import Creator, CreatorDailyStats, Tier
from creators.services import followers_refresh
from leads import services
from leads.models import Lead, LeadNote, LeadPoolVersion, LeadStatus
from leads.pool_version import CACHEABLE_FILTERS, ROWS, STATUS, pool_version_bump
from tests.conftest import clear_cache
from tests.factories import CreatorFactory, CreatorUserFactory, LeadFactory, SellerFactory
from tests.pool_version_guard import PoolVersionGuard

# Questions whose answers are cached per pool version (list pages, counts, stats).
QUESTIONS = [
    "/api/v1/leads/",
    "/api/v1/leads/?status=new",
    "/api/v1/leads/?status=contacted&status=collaborating",
    "/api/v1/leads/?tier=silver&tier=gold",
    "/api/v1/leads/?followers=10k-100k",
    "/api/v1/leads/?search=walk",
    "/api/v1/leads/?owner=none",
    "/api/v1/leads/?source=collaboration_request",
    "/api/v1/leads/?status=new&tier=silver",
    "/api/v1/leads/?owner=me",
    "/api/v1/leads/stats/",
    "/api/v1/leads/stats/?status=new",
]


def _answers(client) -> dict:
    answers = {}
    for url in QUESTIONS:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        answers[url] = response.json()
    return answers


@pytest.fixture
def world(partner_a, seller_a, api_as, creator_silver):
    colleague = SellerFactory(user__username="seller_a2", partner=partner_a).user
    leads = [
        LeadFactory(
            partner=partner_a,
            creator=CreatorFactory(
                handle=f"walk_{i}",
                tier=[Tier.SILVER, Tier.GOLD, Tier.BRONZE][i % 3],
                follower_count=[5_000, 50_000, 500_000][i % 3],
            ),
        )
        for i in range(6)
    ]
    services.lead_assign(lead=leads[1], owner=colleague, user=seller_a)
    services.lead_set_status(lead=leads[2], status=LeadStatus.COLLABORATING, user=seller_a)
    note = services.note_create(lead=leads[3], author=seller_a, body="first call")
    return SimpleNamespace(
        partner=partner_a,
        seller=seller_a,
        colleague=colleague,
        creator=creator_silver,
        leads=leads,
        note=note,
        client=api_as(seller_a),
    )


def _admin_request(user):
    request = RequestFactory().post("/admin/")
    request.user = user
    request._messages = SimpleNamespace(add=lambda *args, **kwargs: None)
    return request


def submit_request(w):
    services.collaboration_request_submit(creator=w.creator, partner=w.partner, message="walk")


def repeat_request_message(w):
    submit_request(w)
    clear_cache()
    _answers(w.client)
    services.collaboration_request_submit(
        creator=w.creator, partner=w.partner, message="again, with a newer message"
    )


def add_from_im(w):
    services.lead_add(partner=w.partner, creator=CreatorFactory(handle="walk_new"), user=w.seller)


def restore_from_im(w):
    services.lead_remove(lead=w.leads[0], user=w.seller)
    clear_cache()
    _answers(w.client)
    services.lead_add(partner=w.partner, creator=w.leads[0].creator, user=w.seller)


def remove(w):
    services.lead_remove(lead=w.leads[0], user=w.seller)


def remove_for_creator(w):
    services.lead_remove_for_creator(partner=w.partner, creator=w.leads[4].creator, user=w.seller)


def set_status(w):
    services.lead_set_status(lead=w.leads[0], status=LeadStatus.CONTACTED, user=w.seller)


def assign(w):
    services.lead_assign(lead=w.leads[0], owner=w.colleague, user=w.seller)


def unassign(w):
    services.lead_assign(lead=w.leads[1], owner=None, user=w.seller)


def add_note(w):
    services.note_create(lead=w.leads[0], author=w.seller, body="walk note")


def delete_note(w):
    services.note_delete(note=w.note, user=w.seller)


def bulk_status(w):
    services.leads_bulk_apply(
        partner=w.partner, user=w.seller, action="set_status", filters={}, status="closed"
    )


def bulk_assign(w):
    ids = [lead.pk for lead in w.leads[:3]]
    services.leads_bulk_apply(
        partner=w.partner, user=w.seller, action="assign", ids=ids, owner_id=w.colleague.pk
    )


def bulk_remove(w):
    services.leads_bulk_apply(
        partner=w.partner, user=w.seller, action="remove", filters={"tier": ["gold"]}
    )


def follower_refresh_job(w):
    CreatorDailyStats.objects.create(
        creator=w.leads[0].creator,
        date=timezone.now().date() - dt.timedelta(days=1),
        followers=2_000_000,
        live_gmv_usd=0,
    )
    followers_refresh()


def expiry_job(w):
    submit_request(w)
    clear_cache()
    _answers(w.client)
    services.authorizations_expire(now=timezone.now() + dt.timedelta(days=8))


def reminder_job(w):
    submit_request(w)
    clear_cache()
    _answers(w.client)
    services.expiring_authorizations_remind(now=timezone.now() + dt.timedelta(days=6, hours=1))


def admin_close_action(w, admin_user):
    lead_admin = admin.site._registry[Lead]
    lead_admin.close_leads(_admin_request(admin_user), Lead.objects.filter(pk=w.leads[0].pk))


def admin_remove_action(w, admin_user):
    lead_admin = admin.site._registry[Lead]
    lead_admin.remove_leads(_admin_request(admin_user), Lead.objects.filter(pk=w.leads[5].pk))


def admin_creator_renamed(w, admin_user):
    creator = w.leads[0].creator
    creator.handle = "walk_renamed_in_admin"
    form = SimpleNamespace(changed_data=["handle"])
    admin.site._registry[Creator].save_model(_admin_request(admin_user), creator, form, True)


def admin_owner_renamed(w, admin_user):
    user = w.colleague
    user.username = "seller_a2_renamed"
    form = SimpleNamespace(changed_data=["username"], save_m2m=lambda: None)
    user_admin = admin.site._registry[get_user_model()]
    user_admin.save_model(_admin_request(admin_user), user, form, True)


def admin_owner_deleted(w, admin_user):
    user_admin = admin.site._registry[get_user_model()]
    user_admin.delete_model(_admin_request(admin_user), w.colleague)


def close_with_reason(w):
    services.lead_set_status(
        lead=w.leads[0], status=LeadStatus.CLOSED, user=w.seller, close_reason=("no_capacity", "")
    )


def bulk_remove_with_reason(w):
    services.leads_bulk_apply(
        partner=w.partner,
        user=w.seller,
        action="remove",
        ids=[w.leads[5].pk],
        close_reason={"code": "not_a_fit", "text": "walk"},
    )


def _renewal_window(w):
    submit_request(w)
    clear_cache()
    _answers(w.client)
    return w.creator.collaboration_requests.get(is_open=True)


def creator_renews(w):
    from leads.services.renewal import collaboration_request_renew

    request = _renewal_window(w)
    with time_machine.travel(timezone.now() + dt.timedelta(days=6), tick=False):
        collaboration_request_renew(request=request, creator=w.creator, consent=True)


def seller_renewal_card(w):
    from im.renewal import renewal_card_send

    request = _renewal_window(w)
    with time_machine.travel(timezone.now() + dt.timedelta(days=6), tick=False):
        renewal_card_send(lead=request.lead, user=w.seller)


def im_api_toggle(w):
    thread = w.client.post(
        "/api/v1/im/threads/", {"creator": w.leads[4].creator.handle}, format="json"
    ).json()
    assert w.client.delete(f"/api/v1/im/threads/{thread['id']}/lead").status_code in (200, 204)


def rule_assignment(w):
    from routing.services import assignment_rule_create, lead_route

    assignment_rule_create(
        partner=w.partner, name="Walk", query="", strategy="round_robin", members=[w.colleague.pk]
    )
    assert lead_route(lead=Lead.objects.get(pk=w.leads[0].pk)) == w.colleague


def task_add(w):
    from followup.services import task_create

    task_create(lead=w.leads[4], user=w.seller, title="Call", due_at=timezone.now())


def task_done(w):
    from followup.services import task_create, task_update

    task = task_create(lead=w.leads[4], user=w.seller, title="Call", due_at=timezone.now())
    clear_cache()
    _answers(w.client)
    task_update(task=task, user=w.seller, done=True)


WRITE_PATHS = [
    submit_request,
    repeat_request_message,
    add_from_im,
    restore_from_im,
    remove,
    remove_for_creator,
    set_status,
    assign,
    unassign,
    add_note,
    delete_note,
    bulk_status,
    bulk_assign,
    bulk_remove,
    follower_refresh_job,
    expiry_job,
    reminder_job,
    im_api_toggle,
    close_with_reason,
    bulk_remove_with_reason,
    creator_renews,
    seller_renewal_card,
    rule_assignment,
    task_add,
    task_done,
]
ADMIN_PATHS = [
    admin_close_action,
    admin_remove_action,
    admin_creator_renamed,
    admin_owner_renamed,
    admin_owner_deleted,
]


def _walk(w, write) -> tuple[dict, dict]:
    _answers(w.client)  # primes every cache
    write()
    served = _answers(w.client)
    clear_cache()
    fresh = _answers(w.client)
    return served, fresh


@pytest.mark.parametrize("path", WRITE_PATHS, ids=lambda f: f.__name__)
def test_every_write_path_leaves_no_stale_count_or_page(world, path):
    served, fresh = _walk(world, lambda: path(world))
    assert served == fresh


@pytest.mark.parametrize("path", ADMIN_PATHS, ids=lambda f: f.__name__)
def test_every_admin_write_leaves_no_stale_count_or_page(world, admin_user, path):
    served, fresh = _walk(world, lambda: path(world, admin_user))
    assert served == fresh


def test_the_walk_catches_a_write_without_a_bump(world):
    """A write that forgets the bump (a bare update) serves the old figures: the walk sees it."""

    def forgetful_write():
        Lead.objects.filter(pk=world.leads[0].pk).update(status=LeadStatus.CLOSED)

    served, fresh = _walk(world, forgetful_write)
    assert served != fresh
    assert served["/api/v1/leads/?status=new"]["count"] == (
        fresh["/api/v1/leads/?status=new"]["count"] + 1
    )


def test_the_version_moves_once_per_write_and_not_on_reads(world):
    version = LeadPoolVersion.objects.get(partner=world.partner).version
    _answers(world.client)
    assert LeadPoolVersion.objects.get(partner=world.partner).version == version
    services.lead_set_status(lead=world.leads[0], status=LeadStatus.CONTACTED, user=world.seller)
    assert LeadPoolVersion.objects.get(partner=world.partner).version == version + 1


def test_a_note_edit_keeps_the_version(world):
    """The pool shows how many notes a lead has, not their words: an edit keeps the caches."""
    version = LeadPoolVersion.objects.get(partner=world.partner).version
    services.note_update(note=world.note, user=world.seller, body="second call")
    assert LeadPoolVersion.objects.get(partner=world.partner).version == version
    assert LeadNote.objects.get(pk=world.note.pk).body == "second call"


def test_a_creator_with_a_login_can_be_walked(world):
    """Sanity: the walk's questions answer for a pool that holds a request lead."""
    creator = CreatorUserFactory(handle="walk_login", tier=Tier.GOLD, live_gmv_30d="9000")
    services.collaboration_request_submit(creator=creator, partner=world.partner, message="hi")
    answers = _answers(world.client)
    assert answers["/api/v1/leads/?source=collaboration_request"]["count"] == 1


# Issue 22: a write moves only the versions of what it changed. A note or an owner change
# keeps every cached count; a status change keeps the counts that do not ask for a status.
# The walk above already compares every write path's cached answers with fresh ones; these
# check that the narrower bumps are what the paths use, and that a too narrow one is caught.
def _is_count(sql: str) -> bool:
    """The pool's count query (a page's rows also count notes, in a subquery)."""
    return sql.upper().startswith("SELECT COUNT(*)")


def _versions(partner) -> tuple[int, int, int]:
    row = LeadPoolVersion.objects.get(partner=partner)
    return row.version, row.counts_version, row.status_counts_version


@pytest.mark.parametrize(
    ("write", "moved"),
    [
        (add_note, (1, 0, 0)),
        (delete_note, (1, 0, 0)),
        (assign, (1, 0, 0)),
        (unassign, (1, 0, 0)),
        (bulk_assign, (1, 0, 0)),
        (set_status, (1, 0, 1)),
        # A bulk status change may answer waiting requests too (their clock and counts).
        (bulk_status, (1, 1, 1)),
        (remove, (1, 1, 1)),
        (add_from_im, (1, 1, 1)),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_a_write_moves_only_the_versions_of_what_it_changed(world, write, moved):
    before = _versions(world.partner)
    write(world)
    after = _versions(world.partner)
    assert tuple(a - b for a, b in zip(after, before, strict=True)) == moved


def test_a_note_keeps_every_count_warm(world):
    """After a note, the list's pages are served again (the row's notes count moved) but the
    count comes from the cache: no count query."""
    url = "/api/v1/leads/?tier=silver&tier=gold"
    world.client.get(url)
    add_note(world)

    with CaptureQueriesContext(connection) as captured:
        answer = world.client.get(url).json()
    counts = [q["sql"] for q in captured.captured_queries if _is_count(q["sql"])]
    assert counts == []
    assert (
        answer["count"]
        == Lead.objects.in_pool()
        .filter(partner=world.partner, creator_tier__in=[Tier.SILVER, Tier.GOLD])
        .count()
    )
    assert any(row["notes_count"] == 1 for row in answer["results"])


def test_a_status_change_recounts_only_what_asks_for_a_status(world):

    by_status, by_tier = "/api/v1/leads/?status=new", "/api/v1/leads/?tier=gold"
    before = {url: world.client.get(url).json()["count"] for url in (by_status, by_tier)}
    set_status(world)
    recounted = {}
    for url in (by_status, by_tier):
        with CaptureQueriesContext(connection) as captured:
            recounted[url] = world.client.get(url).json()["count"]
        recounted[f"{url} counted"] = any(_is_count(q["sql"]) for q in captured.captured_queries)
    assert recounted[by_status] == before[by_status] - 1
    assert recounted[f"{by_status} counted"] is True
    assert recounted[by_tier] == before[by_tier]
    assert recounted[f"{by_tier} counted"] is False


def test_the_walk_catches_a_bump_too_narrow_for_the_write(world):
    """A status write that bumps as if it changed only rows keeps the old status counts."""

    def narrow_write():
        Lead.objects.filter(pk=world.leads[0].pk).update(status=LeadStatus.CLOSED)
        pool_version_bump(partner_ids=[world.partner.pk], change=ROWS)

    served, fresh = _walk(world, narrow_write)
    assert served["/api/v1/leads/?status=new"]["count"] == (
        fresh["/api/v1/leads/?status=new"]["count"] + 1
    )


@pytest.mark.no_pool_version_guard
@pytest.mark.parametrize(
    ("change", "caught"),
    [(None, True), ("rows", True), ("status", False), ("all", False)],
)
def test_the_guard_holds_a_status_write_to_a_status_bump(world, change, caught):

    guard = PoolVersionGuard()
    with connection.execute_wrapper(guard), transaction.atomic():
        Lead.objects.filter(pk=world.leads[0].pk).update(status=LeadStatus.CLOSED)
        if change:
            pool_version_bump(partner_ids=[world.partner.pk], change=change)
    assert bool(guard.violations) is caught


@pytest.mark.no_pool_version_guard
def test_the_guard_holds_a_tier_write_to_the_full_bump(world):

    guard = PoolVersionGuard()
    with connection.execute_wrapper(guard), transaction.atomic():
        Lead.objects.filter(pk=world.leads[0].pk).update(creator_tier=Tier.DIAMOND)
        pool_version_bump(partner_ids=[world.partner.pk], change=STATUS)
    assert guard.violations and "ALL" in guard.violations[0]


def test_owner_is_not_a_cached_filter():
    """An owner change bumps only the rows' version: that holds while no cached count selects
    by owner."""
    assert "owner" not in CACHEABLE_FILTERS
