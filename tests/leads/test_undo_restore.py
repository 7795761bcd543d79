"""Undo and restore (issue 22): a removal or a bulk change offers Undo for 10 seconds, and
Undo puts back the previous state with a history event; a removed lead can be restored from
its detail. The service works on sets, for the caller's partner only, and never revives an
ended authorization."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from creators.models import Tier
from leads.models import CollaborationRequest, Lead, LeadEvent, LeadStatus
from leads.services import collaboration_request_submit, lead_remove, leads_bulk_apply
from leads.services.restore import leads_change_undo, leads_restore, undo_token
from tests.factories import CreatorFactory, CreatorUserFactory, LeadFactory, SellerFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
LICENSED = {"live_gmv_30d": "1200.00", "live_sessions_30d": 3, "average_viewers": 10}


def lead(partner, handle, **extra):
    creator = CreatorFactory(handle=handle, tier=extra.pop("tier", Tier.GOLD))
    return LeadFactory(partner=partner, creator=creator, **extra)


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


@pytest.fixture
def as_a(client, seller_a):
    client.force_login(seller_a)
    return client


def test_removing_a_row_offers_undo_which_puts_the_lead_back_with_an_event(
    as_a, seller_a, partner_a
):
    item = lead(partner_a, "oops", status=LeadStatus.CONTACTED, owner=seller_a)
    removed = as_a.post(f"/seller/leads/{item.pk}/remove/", headers=HTMX).content.decode()
    assert "was removed from the Leads Pool" in removed
    assert 'data-testid="undo"' in removed and 'data-undo-seconds="10"' in removed
    item.refresh_from_db()
    assert item.removed_at is not None

    answer = as_a.post(
        "/seller/leads/undo/", {"token": token_of(removed), "lead": item.pk}, headers=HTMX
    )
    assert answer.status_code == 200
    row = answer.content.decode()
    assert row.lstrip().startswith(f'<tr id="lead-{item.pk}" data-handle="oops"')
    item.refresh_from_db()
    assert item.removed_at is None and item.removed_by is None
    assert (item.status, item.owner) == (LeadStatus.CONTACTED, seller_a)
    event = LeadEvent.objects.filter(lead=item).order_by("-id").first()
    assert (event.kind, event.actor) == ("restored", seller_a)
    assert "oops" in as_a.get("/seller/leads/").content.decode()
    # The history shows it.
    events = as_a.get(f"/api/v1/leads/{item.pk}/events/").json()
    events = events.get("results", events)
    assert events[0]["kind"] == "restored"
    # A second Undo changes nothing more.
    again = as_a.post("/seller/leads/undo/", {"token": token_of(removed)})
    assert again.status_code == 302
    assert LeadEvent.objects.filter(lead=item, kind="restored").count() == 1


def test_undo_is_refused_when_too_late_forged_or_someone_elses(
    as_a, seller_a, partner_a, partner_b
):
    item = lead(partner_a, "late")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        removed = as_a.post(f"/seller/leads/{item.pk}/remove/", headers=HTMX).content.decode()
    token = token_of(removed)
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        late = as_a.post("/seller/leads/undo/", {"token": token, "lead": item.pk}, headers=HTMX)
    assert late.status_code == 400 and "Too late to undo" in late.content.decode()
    forged = as_a.post("/seller/leads/undo/", {"token": token + "x", "lead": item.pk}, headers=HTMX)
    assert forged.status_code == 400 and "not an undo of yours" in forged.content.decode()
    other = SellerFactory(partner=partner_a).user
    with pytest.raises(ValidationError) as refused:
        leads_change_undo(partner=partner_a, user=other, token=token)
    assert "token" in refused.value.message_dict
    with pytest.raises(ValidationError):
        leads_change_undo(partner=partner_b, user=seller_a, token=token)
    item.refresh_from_db()
    assert item.removed_at is not None


def test_a_bulk_status_change_offers_undo_and_undo_restores_each_previous_status(
    as_a, seller_a, partner_a
):
    new = lead(partner_a, "was_new")
    contacted = lead(partner_a, "was_contacted", status=LeadStatus.CONTACTED)
    stuck = lead(partner_a, "stays_closed", status=LeadStatus.CLOSED)
    ids = [new.pk, contacted.pk, stuck.pk]
    done = as_a.post(
        "/seller/leads/bulk/",
        {"action": "set_status", "status": "collaborating", "ids": ids, "confirm": "1"},
    )
    assert done.status_code == 302
    page = as_a.get(done["Location"]).content.decode()
    assert 'data-testid="undo-bar"' in page and "2 leads changed" in page
    assert (Lead.objects.get(pk=new.pk).status, Lead.objects.get(pk=stuck.pk).status) == (
        "collaborating",
        "closed",
    )
    assert Lead.objects.get(pk=new.pk).reached_collaborating_at is not None

    back = as_a.post("/seller/leads/undo/", {"token": token_of(page)})
    assert back.status_code == 302
    assert "back to their previous status" in as_a.get(back["Location"]).content.decode()
    statuses = dict(Lead.objects.filter(pk__in=ids).values_list("creator__handle", "status"))
    assert statuses == {"was_new": "new", "was_contacted": "contacted", "stays_closed": "closed"}
    assert Lead.objects.get(pk=new.pk).reached_collaborating_at is None
    undone = LeadEvent.objects.filter(kind="undone").order_by("lead_id")
    assert [(e.lead_id, e.from_status, e.to_status, e.actor) for e in undone] == [
        (new.pk, "collaborating", "new", seller_a),
        (contacted.pk, "collaborating", "contacted", seller_a),
    ]
    # The Undo is offered for 10 seconds only (reading it writes nothing).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=11), tick=False):
        assert 'data-testid="undo-bar"' not in as_a.get("/seller/leads/").content.decode()


@pytest.mark.no_pool_version_guard  # the pool version's guard is not this test's subject
def test_undo_of_a_bulk_close_reopens_the_requests_it_closed(seller_a, partner_a):
    creator = CreatorUserFactory(tier=Tier.GOLD)
    collaboration_request_submit(creator=creator, partner=partner_a, consent=True)
    item = Lead.objects.get(partner=partner_a, creator=creator)
    result = leads_bulk_apply(
        partner=partner_a, user=seller_a, action="set_status", ids=[item.pk], status="closed"
    )
    assert result.updated == 1
    assert not CollaborationRequest.objects.filter(lead=item, is_open=True).exists()
    at = LeadEvent.objects.get(lead=item, kind="status_changed").created_at
    token = undo_token(partner_id=partner_a.pk, user_id=seller_a.pk, kind="status_changed", at=at)
    assert leads_change_undo(partner=partner_a, user=seller_a, token=token) == (
        "status_changed",
        1,
    )
    item.refresh_from_db()
    assert item.status == LeadStatus.NEW
    assert CollaborationRequest.objects.filter(lead=item, is_open=True).exists()


def test_undo_of_a_bulk_assignment_gives_each_lead_its_previous_owner(seller_a, partner_a):
    colleague = SellerFactory(partner=partner_a).user
    mine = lead(partner_a, "mine", owner=seller_a)
    nobodys = lead(partner_a, "nobodys")
    leads_bulk_apply(
        partner=partner_a,
        user=seller_a,
        action="assign",
        ids=[mine.pk, nobodys.pk],
        owner_id=colleague.pk,
    )
    at = LeadEvent.objects.filter(kind="assigned").first().created_at
    token = undo_token(partner_id=partner_a.pk, user_id=seller_a.pk, kind="assigned", at=at)
    assert leads_change_undo(partner=partner_a, user=seller_a, token=token)[1] == 2
    mine.refresh_from_db()
    nobodys.refresh_from_db()
    assert (mine.owner, nobodys.owner) == (seller_a, None)
    assert set(
        LeadEvent.objects.filter(kind="undone").values_list("from_owner_id", "to_owner_id")
    ) == {(colleague.pk, seller_a.pk), (colleague.pk, None)}


def test_undo_leaves_a_lead_changed_again_since(seller_a, partner_a):
    item = lead(partner_a, "moved_on")
    leads_bulk_apply(
        partner=partner_a, user=seller_a, action="set_status", ids=[item.pk], status="contacted"
    )
    at = LeadEvent.objects.get(kind="status_changed").created_at
    Lead.objects.filter(pk=item.pk).update(status=LeadStatus.COLLABORATING)
    token = undo_token(partner_id=partner_a.pk, user_id=seller_a.pk, kind="status_changed", at=at)
    assert leads_change_undo(partner=partner_a, user=seller_a, token=token)[1] == 0
    item.refresh_from_db()
    assert item.status == LeadStatus.COLLABORATING


def test_a_bulk_removal_is_undone_for_every_lead_it_removed(as_a, seller_a, partner_a):
    leads = [lead(partner_a, f"bulk_{n}") for n in range(3)]
    done = as_a.post(
        "/seller/leads/bulk/",
        {"action": "remove", "ids": [x.pk for x in leads], "confirm": "1"},
    )
    page = as_a.get(done["Location"]).content.decode()
    assert Lead.objects.in_pool().filter(partner=partner_a).count() == 0
    as_a.post("/seller/leads/undo/", {"token": token_of(page)})
    assert Lead.objects.in_pool().filter(partner=partner_a).count() == 3
    assert LeadEvent.objects.filter(kind="restored").count() == 3


# Restore from the detail ---------------------------------------------------------------


def test_a_removed_lead_is_restored_from_its_detail(as_a, seller_a, partner_a):
    item = lead(partner_a, "come_back", status=LeadStatus.CONTACTED)
    lead_remove(lead=item, user=seller_a)
    detail = as_a.get(f"/seller/leads/{item.pk}/").content.decode()
    assert 'data-testid="lead-restore"' in detail and "Restore lead" in detail
    assert f'action="/seller/leads/{item.pk}/restore/"' in detail

    answer = as_a.post(f"/seller/leads/{item.pk}/restore/", {"view": "detail"}, headers=HTMX)
    assert answer.status_code == 200
    assert 'data-testid="lead-restore"' not in answer.content.decode()
    item.refresh_from_db()
    assert item.removed_at is None and item.status == LeadStatus.CONTACTED
    assert LeadEvent.objects.filter(lead=item, kind="restored", actor=seller_a).count() == 1
    # In the pool again; restoring a lead in the pool changes nothing.
    assert "come_back" in as_a.get("/seller/leads/").content.decode()
    no_js = as_a.post(f"/seller/leads/{item.pk}/restore/")
    assert no_js.status_code == 302
    assert LeadEvent.objects.filter(lead=item, kind="restored").count() == 1
    assert "Restore lead" not in as_a.get(f"/seller/leads/{item.pk}/").content.decode()


def test_restore_takes_only_the_partners_own_leads(seller_a, partner_a, partner_b, as_a):
    mine = lead(partner_a, "mine_removed")
    theirs = lead(partner_b, "theirs_removed")
    lead_remove(lead=mine, user=seller_a)
    Lead.objects.filter(pk=theirs.pk).update(removed_at=timezone.now())
    with pytest.raises(ValidationError) as refused:
        leads_restore(partner=partner_a, lead_ids=[mine.pk, theirs.pk], user=seller_a)
    assert "ids" in refused.value.message_dict
    for bad in ([], "1", [True], ["x"]):
        with pytest.raises(ValidationError):
            leads_restore(partner=partner_a, lead_ids=bad, user=seller_a)
    assert as_a.post(f"/seller/leads/{theirs.pk}/restore/").status_code == 404
    assert not Lead.objects.in_pool().filter(pk__in=[mine.pk, theirs.pk]).exists()
    assert not LeadEvent.objects.filter(kind="restored").exists()


def test_restoring_never_revives_an_ended_authorization(seller_a, partner_a, as_a):
    start = timezone.now()
    item = lead(
        partner_a,
        "ended_meanwhile",
        licensed_data=LICENSED,
        authorization_expires_at=start + dt.timedelta(hours=2),
    )
    lead_remove(lead=item, user=seller_a)
    with time_machine.travel(start + dt.timedelta(hours=3), tick=False):
        assert leads_restore(partner=partner_a, lead_ids=[item.pk], user=seller_a) == 1
        item.refresh_from_db()
        assert item.removed_at is None
        assert item.authorization_expires_at == start + dt.timedelta(hours=2)
        assert item.licensed_data is None
        body = as_a.get(f"/api/v1/leads/{item.pk}/").json()
        assert body["licensed_data"] is None


def test_restore_is_set_based(seller_a, partner_a, django_assert_max_num_queries):
    leads = [lead(partner_a, f"many_{n}") for n in range(40)]
    for item in leads:
        Lead.objects.filter(pk=item.pk).update(removed_at=timezone.now())
    ids = [x.pk for x in leads]
    with django_assert_max_num_queries(20):
        assert leads_restore(partner=partner_a, lead_ids=ids, user=seller_a) == 40
    assert LeadEvent.objects.filter(kind="restored").count() == 40


def test_the_api_restores_a_removed_lead_as_it_was(api_as, seller_a, partner_a):
    item = lead(partner_a, "back_api", status=LeadStatus.CONTACTED, owner=seller_a)
    lead_remove(lead=item, user=seller_a)
    api = api_as(seller_a)
    assert api.get(f"/api/v1/leads/{item.pk}/").status_code == 404  # out of the pool

    answer = api.post(f"/api/v1/leads/{item.pk}/restore/")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["id"], body["status"], body["owner"]["id"]) == (
        item.pk,
        "contacted",
        seller_a.pk,
    )
    assert api.get(f"/api/v1/leads/{item.pk}/").status_code == 200
    kinds = [e["kind"] for e in api.get(f"/api/v1/leads/{item.pk}/events/").json()["results"]]
    assert kinds[:2] == ["restored", "removed"]

    again = api.post(f"/api/v1/leads/{item.pk}/restore/")  # already in the pool: as it is
    assert again.status_code == 200
    assert LeadEvent.objects.filter(lead=item, kind="restored").count() == 1


def test_the_api_restores_only_the_callers_own_partners_leads(
    api_as, seller_b, creator_silver, partner_a, seller_a
):
    item = lead(partner_a, "not_yours")
    lead_remove(lead=item, user=seller_a)
    assert api_as(seller_b).post(f"/api/v1/leads/{item.pk}/restore/").status_code == 404
    assert api_as(creator_silver.user).post(f"/api/v1/leads/{item.pk}/restore/").status_code == 403
    for bad in ("abc", "99999999999999999999999", "-1"):
        assert api_as(seller_a).post(f"/api/v1/leads/{bad}/restore/").status_code == 404
    item.refresh_from_db()
    assert item.removed_at is not None
