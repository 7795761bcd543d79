"""Bulk actions and saved views through the API, with tenant isolation."""

import pytest

from creators.models import Tier
from leads.models import CollaborationRequest, Lead, LeadEvent, LeadStatus, SavedView
from leads.services import collaboration_request_submit
from notifications.models import Notification
from tests.factories import CreatorFactory, CreatorUserFactory, LeadFactory, SellerFactory

pytestmark = pytest.mark.django_db
BULK = "/api/v1/leads/bulk/"
VIEWS = "/api/v1/saved-views/"


@pytest.fixture
def seller_a2(partner_a):
    return SellerFactory(user__username="seller_a2", partner=partner_a).user


@pytest.fixture
def pool(partner_a):
    """Six of partner A's leads: four new gold, one contacted, one collaborating."""
    leads = [
        LeadFactory(partner=partner_a, creator=CreatorFactory(tier=Tier.GOLD)) for _ in range(4)
    ]
    leads.append(LeadFactory(partner=partner_a, status=LeadStatus.CONTACTED))
    leads.append(LeadFactory(partner=partner_a, status=LeadStatus.COLLABORATING))
    return leads


def statuses(leads):
    return [Lead.objects.get(pk=lead.pk).status for lead in leads]


def test_bulk_set_status_by_ids_one_event_per_changed_lead(api_as, seller_a, pool):
    ids = [lead.pk for lead in pool[:3]]
    response = api_as(seller_a).post(
        BULK, {"action": "set_status", "status": "closed", "ids": ids}, format="json"
    )
    assert response.status_code == 200 and response.json() == {"updated": 3, "skipped": 0}
    assert statuses(pool) == ["closed", "closed", "closed", "new", "contacted", "collaborating"]
    events = LeadEvent.objects.filter(kind=LeadEvent.Kind.STATUS_CHANGED)
    assert sorted(events.values_list("lead_id", flat=True)) == sorted(ids)
    assert {(e.actor_id, e.from_status, e.to_status) for e in events} == {
        (seller_a.pk, "new", "closed")
    }


def test_bulk_set_status_skips_moves_the_pipeline_forbids(api_as, seller_a, pool):
    everyone = [lead.pk for lead in pool]
    response = api_as(seller_a).post(
        BULK, {"action": "set_status", "status": "new", "ids": everyone}, format="json"
    )
    # The four new ones stay (already there), contacted moves, collaborating cannot go back.
    assert response.json() == {"updated": 1, "skipped": 1}
    assert statuses(pool)[4:] == ["new", "collaborating"]
    assert LeadEvent.objects.count() == 1


def test_bulk_closing_ends_open_requests(api_as, seller_a, partner_a):
    creators = [CreatorUserFactory(tier=Tier.GOLD) for _ in range(2)]
    for creator in creators:
        collaboration_request_submit(creator=creator, partner=partner_a, consent=True)
    response = api_as(seller_a).post(
        BULK,
        {
            "action": "set_status",
            "status": "closed",
            "filters": {"source": "collaboration_request"},
        },
        format="json",
    )
    assert response.json()["updated"] == 2
    assert not CollaborationRequest.objects.filter(is_open=True).exists()
    assert CollaborationRequest.objects.filter(closed_at__isnull=False).count() == 2


def test_bulk_by_filters_applies_to_every_matching_lead(
    api_as, seller_a, seller_b, pool, partner_b
):
    theirs = LeadFactory(partner=partner_b, creator=CreatorFactory(tier=Tier.GOLD))
    response = api_as(seller_a).post(
        BULK,
        {
            "action": "set_status",
            "status": "contacted",
            "filters": {"tier": ["gold"], "status": "new"},
        },
        format="json",
    )
    assert response.json()["updated"] == 4
    assert statuses(pool)[:4] == ["contacted"] * 4
    assert Lead.objects.get(pk=theirs.pk).status == "new"
    bad = api_as(seller_a).post(
        BULK, {"action": "remove", "filters": {"tier": "mythril"}}, format="json"
    )
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["filters"]


def test_bulk_assign_and_unassign(api_as, seller_a, seller_a2, seller_b, pool):
    ids = [lead.pk for lead in pool[:2]]
    response = api_as(seller_a).post(
        BULK, {"action": "assign", "owner": seller_a2.pk, "ids": ids}, format="json"
    )
    assert response.json()["updated"] == 2
    assert set(Lead.objects.filter(owner=seller_a2).values_list("pk", flat=True)) == set(ids)
    events = LeadEvent.objects.filter(kind=LeadEvent.Kind.ASSIGNED)
    assert {(e.from_owner_id, e.to_owner_id) for e in events} == {(None, seller_a2.pk)}
    notice = Notification.objects.get(kind="lead_assigned")
    assert notice.user == seller_a2 and notice.text == "seller_a assigned 2 leads to you."
    # Assigning again changes nothing; null unassigns.
    again = api_as(seller_a).post(
        BULK, {"action": "assign", "owner": seller_a2.pk, "ids": ids}, format="json"
    )
    assert again.json()["updated"] == 0
    cleared = api_as(seller_a).post(
        BULK,
        {"action": "assign", "owner": None, "filters": {"owner": str(seller_a2.pk)}},
        format="json",
    )
    assert cleared.json()["updated"] == 2 and not Lead.objects.filter(owner__isnull=False).exists()
    # Another partner's staff cannot own A's leads.
    refused = api_as(seller_a).post(
        BULK, {"action": "assign", "owner": seller_b.pk, "ids": ids}, format="json"
    )
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["owner"]


def test_bulk_remove_keeps_history_and_notifies_once(api_as, seller_a, pool):
    ids = [lead.pk for lead in pool[:3]]
    response = api_as(seller_a).post(BULK, {"action": "remove", "ids": ids}, format="json")
    assert response.json()["updated"] == 3
    assert Lead.objects.filter(removed_at__isnull=False).count() == 3
    assert LeadEvent.objects.filter(kind="removed").count() == 3
    assert Notification.objects.get(kind="lead_removed").text == (
        "3 leads were removed from the Leads Pool by seller_a."
    )
    # Removed leads are no longer in the pool: a second bulk on them is refused whole.
    again = api_as(seller_a).post(BULK, {"action": "remove", "ids": ids}, format="json")
    assert again.status_code == 400 and list(again.json()["errors"]) == ["ids"]


def test_an_id_outside_the_callers_pool_fails_the_whole_request(api_as, seller_a, pool, partner_b):
    theirs = LeadFactory(partner=partner_b)
    for ids in [[pool[0].pk, theirs.pk], [pool[0].pk, 999_999]]:
        for body in [
            {"action": "set_status", "status": "closed"},
            {"action": "assign", "owner": None},
            {"action": "remove"},
        ]:
            response = api_as(seller_a).post(BULK, {**body, "ids": ids}, format="json")
            assert response.status_code == 400 and list(response.json()["errors"]) == ["ids"]
    assert statuses(pool)[0] == "new" and not LeadEvent.objects.exists()
    assert Lead.objects.get(pk=theirs.pk).removed_at is None


def test_bulk_input_errors_name_the_field(api_as, seller_a, pool, creator_silver):
    cases = [
        ({"action": "explode", "ids": [pool[0].pk]}, "action"),
        ({"action": "set_status", "ids": [pool[0].pk]}, "status"),
        ({"action": "set_status", "status": "won", "ids": [pool[0].pk]}, "status"),
        ({"action": "assign", "ids": [pool[0].pk]}, "owner"),
        ({"action": "remove"}, "ids"),
        ({"action": "remove", "ids": []}, "ids"),
        ({"action": "remove", "ids": ["x"]}, "ids"),
        ({"action": "remove", "ids": [pool[0].pk], "filters": {}}, "ids"),
        ({"action": "remove", "ids": list(range(1, 10_002))}, "ids"),
        ({"action": "remove", "filters": "status=new"}, "filters"),
    ]
    for body, field in cases:
        response = api_as(seller_a).post(BULK, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["errors"], (body, response.json())
    assert not LeadEvent.objects.exists()
    assert (
        api_as(creator_silver.user)
        .post(BULK, {"action": "remove", "filters": {}}, format="json")
        .status_code
        == 403
    )


# --- saved views -------------------------------------------------------------------------


def test_saved_views_are_own_or_shared_within_the_partner(api_as, seller_a, seller_a2, seller_b):
    mine = api_as(seller_a).post(
        VIEWS,
        {"name": "Gold+ new", "query": "?tier=gold&tier=platinum&status=new&ordering=-followers"},
        format="json",
    )
    assert mine.status_code == 201
    assert mine.json()["query"] == "tier=gold&tier=platinum&status=new&ordering=-followers"
    assert mine.json()["shared"] is False and mine.json()["is_mine"] is True
    shared = api_as(seller_a2).post(
        VIEWS,
        {"name": "Expiring", "query": "expiring_within_hours=24", "shared": True},
        format="json",
    )
    api_as(seller_a2).post(VIEWS, {"name": "Private", "query": "owner=me"}, format="json")
    api_as(seller_b).post(VIEWS, {"name": "B shared", "query": "", "shared": True}, format="json")

    def names(user):
        return [v["name"] for v in api_as(user).get(VIEWS).json()["results"]]

    assert names(seller_a) == ["Expiring", "Gold+ new"]
    assert names(seller_a2) == ["Expiring", "Private"]
    assert names(seller_b) == ["B shared"]

    # Only the owner deletes; a teammate gets 403, another partner 404.
    shared_url = f"{VIEWS}{shared.json()['id']}/"
    assert api_as(seller_a).delete(shared_url).status_code == 403
    assert api_as(seller_b).delete(shared_url).status_code == 404
    assert api_as(seller_a2).delete(shared_url).status_code == 204
    assert names(seller_a) == ["Gold+ new"]
    assert SavedView.objects.count() == 3


def test_a_saved_view_query_must_parse_as_pool_filters(api_as, seller_a):
    for query in [
        "tier=mythril",
        "followers_min=10&followers_max=5",
        "expiring_within_hours=500",
        "owner=someone",
        "ordering=sideways",
        "colour=blue",
        "page_size=1000",
    ]:
        response = api_as(seller_a).post(VIEWS, {"name": query, "query": query}, format="json")
        assert response.status_code == 400, query
        assert list(response.json()["errors"]) == ["query"], query
    for body, field in [({"query": "status=new"}, "name"), ({"name": " ", "query": ""}, "name")]:
        response = api_as(seller_a).post(VIEWS, body, format="json")
        assert response.status_code == 400 and field in response.json()["errors"]
    ok = api_as(seller_a).post(VIEWS, {"name": "All", "query": "page=3&status=new"}, format="json")
    assert ok.status_code == 201 and ok.json()["query"] == "status=new"
    dup = api_as(seller_a).post(VIEWS, {"name": "All", "query": ""}, format="json")
    assert dup.status_code == 400 and list(dup.json()["errors"]) == ["name"]


def test_bulk_changes_keep_the_directorys_collaborating_count(api_as, seller_a, pool, partner_a):
    def count():
        partner_a.refresh_from_db()
        return partner_a.collaborating_creators

    from leads.services import partners_collaborating_recount

    partners_collaborating_recount(partner_ids=[partner_a.pk])
    assert count() == 1
    ids = [lead.pk for lead in pool[:4]]
    api_as(seller_a).post(
        BULK, {"action": "set_status", "status": "collaborating", "ids": ids}, format="json"
    )
    assert count() == 5
    api_as(seller_a).post(BULK, {"action": "remove", "ids": ids[:2]}, format="json")
    assert count() == 3


def test_cached_pool_counts_follow_bulk_changes(api_as, seller_a, pool):
    def count(query):
        return api_as(seller_a).get(f"/api/v1/leads/?{query}").json()["count"]

    assert (count("status=new"), count("tier=gold"), count("")) == (4, 4, 6)
    api_as(seller_a).post(
        BULK,
        {"action": "set_status", "status": "contacted", "filters": {"status": "new"}},
        format="json",
    )
    assert (count("status=new"), count("status=contacted")) == (0, 5)
    api_as(seller_a).post(BULK, {"action": "remove", "filters": {"tier": "gold"}}, format="json")
    assert (count("tier=gold"), count("")) == (0, 2)
