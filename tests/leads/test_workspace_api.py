"""The lead workspace through the API: owners, history, notes, staff, and the lead's fields."""

import datetime as dt

import pytest
from django.utils import timezone

from creators.models import Tier
from leads.models import LeadEvent, LeadNote
from leads.services import collaboration_request_submit, lead_remove
from notifications.models import Notification, NotificationKind
from tests.factories import CreatorUserFactory, LeadFactory, SellerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_a2(partner_a):
    return SellerFactory(
        user__username="seller_a2", user__first_name="Ada", user__last_name="Two", partner=partner_a
    ).user


@pytest.fixture
def lead_a(partner_a):
    return LeadFactory(partner=partner_a, creator__handle="glow_up")


def url(lead, suffix=""):
    return f"/api/v1/leads/{lead.pk}/{suffix}"


# --- who is who --------------------------------------------------------------------------


def test_me_gives_the_callers_id_and_staff_lists_the_partners_team(
    api_as, seller_a, seller_a2, seller_b, creator_silver
):
    assert api_as(seller_a).get("/api/v1/me/").json()["id"] == seller_a.pk
    body = api_as(seller_a).get("/api/v1/staff/").json()
    assert body["count"] == 2
    assert body["results"] == [
        {"id": seller_a.pk, "username": "seller_a", "name": "seller_a"},
        {"id": seller_a2.pk, "username": "seller_a2", "name": "Ada Two"},
    ]
    assert [s["username"] for s in api_as(seller_b).get("/api/v1/staff/").json()["results"]] == [
        "seller_b"
    ]
    assert api_as(creator_silver.user).get("/api/v1/staff/").status_code == 403
    assert api_as(None).get("/api/v1/staff/").status_code == 401


# --- owner ---------------------------------------------------------------------------------


def test_assigning_a_lead_records_it_notifies_the_new_owner_only_and_mails_them(
    api_as, seller_a, seller_a2, lead_a, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(seller_a).patch(url(lead_a), {"owner": seller_a2.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["owner"] == {
        "id": seller_a2.pk,
        "username": "seller_a2",
        "name": "Ada Two",
    }
    lead_a.refresh_from_db()
    assert lead_a.owner == seller_a2
    event = LeadEvent.objects.get(lead=lead_a, kind=LeadEvent.Kind.ASSIGNED)
    assert (event.actor, event.from_owner, event.to_owner) == (seller_a, None, seller_a2)

    # The notice is for seller_a2 alone.
    mine = api_as(seller_a2).get("/api/v1/notifications/").json()["results"]
    assert [(n["kind"], n["text"]) for n in mine] == [
        ("lead_assigned", "seller_a assigned @glow_up to you.")
    ]
    assert api_as(seller_a).get("/api/v1/notifications/").json()["results"] == []
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [seller_a2.email]
    assert f"http://127.0.0.1:8000/seller/leads/{lead_a.pk}/" in mailoutbox[0].body

    # Unassign: null; assigning the same owner again changes nothing.
    assert (
        api_as(seller_a).patch(url(lead_a), {"owner": None}, format="json").json()["owner"] is None
    )
    api_as(seller_a).patch(url(lead_a), {"owner": None}, format="json")
    assert LeadEvent.objects.filter(kind=LeadEvent.Kind.ASSIGNED).count() == 2
    assert Notification.objects.filter(kind=NotificationKind.LEAD_ASSIGNED).count() == 1


def test_an_owner_outside_the_partners_staff_is_a_400_naming_owner(
    api_as, seller_a, seller_b, lead_a, creator_silver, admin_user
):
    outsider = UserFactory(username="nobody")
    inactive = SellerFactory(partner=lead_a.partner, user__is_active=False).user
    for owner in [
        seller_b.pk,
        creator_silver.user.pk,
        admin_user.pk,
        outsider.pk,
        inactive.pk,
        999_999,
        "abc",
        True,
        1.5,
        [seller_a.pk],
        {"id": seller_a.pk},
    ]:
        response = api_as(seller_a).patch(url(lead_a), {"owner": owner}, format="json")
        assert response.status_code == 400, owner
        assert list(response.json()["errors"]) == ["owner"], owner
    lead_a.refresh_from_db()
    assert lead_a.owner is None and not LeadEvent.objects.exists()


def test_patch_takes_status_and_owner_together_all_or_nothing(api_as, seller_a, seller_a2, lead_a):
    response = api_as(seller_a).patch(
        url(lead_a), {"status": "contacted", "owner": seller_a2.pk}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["owner"]["id"]) == (
        "contacted",
        seller_a2.pk,
    )
    # A bad status rolls the owner change back too.
    type(lead_a).objects.filter(pk=lead_a.pk).update(status="collaborating")
    response = api_as(seller_a).patch(url(lead_a), {"status": "new", "owner": None}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["status"]
    lead_a.refresh_from_db()
    assert lead_a.owner == seller_a2
    for body in [{}, {"creator": "x"}]:
        assert api_as(seller_a).patch(url(lead_a), body, format="json").status_code == 400


def test_another_partners_lead_cannot_be_assigned(api_as, seller_b, lead_a):
    assert api_as(seller_b).patch(url(lead_a), {"owner": None}, format="json").status_code == 404


def test_owner_filter_me_none_and_by_user(api_as, seller_a, seller_a2, partner_a):
    mine = LeadFactory(partner=partner_a, owner=seller_a)
    theirs = LeadFactory(partner=partner_a, owner=seller_a2)
    nobody = LeadFactory(partner=partner_a)

    def ids(query, user=seller_a):
        response = api_as(user).get(f"/api/v1/leads/?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("owner=me") == {mine.pk}
    assert ids("owner=me", seller_a2) == {theirs.pk}
    assert ids("owner=none") == {nobody.pk}
    assert ids(f"owner={seller_a2.pk}") == {theirs.pk}
    assert ids("") == {mine.pk, theirs.pk, nobody.pk}
    for bad in ["someone", "-1", "1.5", "0"]:
        response = api_as(seller_a).get(f"/api/v1/leads/?owner={bad}")
        assert response.status_code == 400 and "owner" in response.json()["errors"]
    # The CSV takes the same filter.
    csv = api_as(seller_a).get("/api/v1/leads/export.csv?owner=me")
    assert len(b"".join(csv.streaming_content).decode().strip().splitlines()) == 2


# --- expiry filter and ordering ----------------------------------------------------------


def test_expiring_within_hours_and_expiry_ordering(api_as, seller_a, partner_a):
    now = timezone.now()
    soon = LeadFactory(partner=partner_a, authorization_expires_at=now + dt.timedelta(hours=3))
    later = LeadFactory(partner=partner_a, authorization_expires_at=now + dt.timedelta(hours=30))
    week = LeadFactory(partner=partner_a, authorization_expires_at=now + dt.timedelta(days=6))
    expired = LeadFactory(partner=partner_a, authorization_expires_at=now - dt.timedelta(hours=1))
    never = LeadFactory(partner=partner_a)

    def ids(query):
        response = api_as(seller_a).get(f"/api/v1/leads/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("expiring_within_hours=24") == [soon.pk]
    assert set(ids("expiring_within_hours=48")) == {soon.pk, later.pk}
    assert set(ids("expiring_within_hours=168")) == {soon.pk, later.pk, week.pk}
    ordered = ids("ordering=authorization_expires_at")
    assert ordered[:3] == [soon.pk, later.pk, week.pk]
    assert set(ordered[3:]) == {expired.pk, never.pk}
    for bad in ["0", "169", "-5", "soon", "2.5"]:
        response = api_as(seller_a).get(f"/api/v1/leads/?expiring_within_hours={bad}")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["expiring_within_hours"]


# --- message, owner and notes_count on the list --------------------------------------------


def test_the_request_message_is_shown_to_the_seller(api_as, seller_a, partner_a, creator_silver):
    result = collaboration_request_submit(
        creator=creator_silver, partner=partner_a, message="I host beauty LIVEs.", consent=True
    )
    row = api_as(seller_a).get("/api/v1/leads/").json()["results"][0]
    assert row["message"] == "I host beauty LIVEs."
    detail = api_as(seller_a).get(url(result.request.lead)).json()
    assert detail["message"] == "I host beauty LIVEs."
    # A repeat while open: its message is the latest.
    collaboration_request_submit(
        creator=creator_silver, partner=partner_a, message="Also home goods!", consent=True
    )
    assert api_as(seller_a).get(url(result.request.lead)).json()["message"] == "Also home goods!"
    # An IM lead has no message.
    im_lead = LeadFactory(partner=partner_a)
    assert api_as(seller_a).get(url(im_lead)).json()["message"] is None


def test_list_query_count_stays_constant_with_owners_messages_and_notes(
    api_as, seller_a, seller_a2, partner_a, django_assert_max_num_queries
):
    client = api_as(seller_a)

    def add(n):
        for i in range(n):
            creator = CreatorUserFactory(tier=Tier.GOLD)
            collaboration_request_submit(
                creator=creator, partner=partner_a, message=f"hi {i}", consent=True
            )
        for lead in partner_a.leads.filter(owner__isnull=True):
            lead.owner = seller_a2
            lead.save()
            LeadNote.objects.create(lead=lead, author=seller_a, body="note")

    add(3)
    # Session, user with partner, count, page.
    with django_assert_max_num_queries(4):
        rows = client.get("/api/v1/leads/?page_size=100").json()["results"]
    assert len(rows) == 3 and all(r["owner"]["username"] == "seller_a2" for r in rows)
    assert all(r["notes_count"] == 1 and r["message"].startswith("hi ") for r in rows)
    add(20)
    with django_assert_max_num_queries(4):
        rows = client.get("/api/v1/leads/?page_size=100&ordering=authorization_expires_at").json()
    assert len(rows["results"]) == 23
    with django_assert_max_num_queries(4):
        assert client.get(url(partner_a.leads.first())).json()["notes_count"] == 1


# --- history -----------------------------------------------------------------------------


def test_the_history_is_newest_first_with_who_what_and_from_to(
    api_as, seller_a, seller_a2, partner_a, creator_silver, django_assert_max_num_queries
):
    result = collaboration_request_submit(
        creator=creator_silver, partner=partner_a, message="Hello!", consent=True
    )
    lead = result.request.lead
    client = api_as(seller_a)
    client.patch(url(lead), {"status": "contacted"}, format="json")
    client.patch(url(lead), {"owner": seller_a2.pk}, format="json")
    with django_assert_max_num_queries(5):
        body = client.get(url(lead, "events/")).json()
    events = body["results"]
    assert [e["kind"] for e in events] == ["assigned", "status_changed", "requested"]
    assigned, moved, requested = events
    assert assigned["actor"] == "seller_a"
    assert assigned["to_owner"]["username"] == "seller_a2" and assigned["from_owner"] is None
    assert (moved["from_status"], moved["to_status"]) == ("new", "contacted")
    assert requested["actor"] == "creator_silver" and requested["text"] == "Hello!"
    assert set(events[0]) >= {"kind", "at", "actor", "from_status", "to_status"}
    # A job's event has no actor.
    LeadEvent.objects.create(lead=lead, kind=LeadEvent.Kind.AUTHORIZATION_EXPIRED)
    assert client.get(url(lead, "events/")).json()["results"][0]["actor"] is None
    # A removed lead keeps its history; another partner's is a 404.
    lead_remove(lead=lead, user=seller_a)
    assert client.get(url(lead, "events/")).json()["results"][0]["kind"] == "removed"
    other = SellerFactory().user
    assert api_as(other).get(url(lead, "events/")).status_code == 404
    assert client.get("/api/v1/leads/abc/events/").status_code == 404


# --- notes -------------------------------------------------------------------------------


def test_notes_are_shared_with_the_team_and_edited_by_their_author_only(
    api_as, seller_a, seller_a2, seller_b, lead_a, creator_silver
):
    notes_url = url(lead_a, "notes/")
    created = api_as(seller_a).post(notes_url, {"body": "  Call after 5pm.  "}, format="json")
    assert created.status_code == 201
    note = created.json()
    assert note["body"] == "Call after 5pm." and note["author"]["username"] == "seller_a"
    assert note["is_mine"] is True

    # The teammate reads it, cannot change or delete it.
    listed = api_as(seller_a2).get(notes_url).json()
    assert [(n["body"], n["is_mine"]) for n in listed["results"]] == [("Call after 5pm.", False)]
    note_url = f"{notes_url}{note['id']}/"
    assert api_as(seller_a2).patch(note_url, {"body": "mine now"}, format="json").status_code == 403
    assert api_as(seller_a2).delete(note_url).status_code == 403
    # Another partner and a creator see nothing.
    assert api_as(seller_b).get(notes_url).status_code == 404
    assert api_as(seller_b).patch(note_url, {"body": "x"}, format="json").status_code == 404
    assert api_as(seller_b).delete(note_url).status_code == 404
    assert api_as(seller_b).post(notes_url, {"body": "x"}, format="json").status_code == 404
    assert api_as(creator_silver.user).get(notes_url).status_code == 403

    # The author edits, then deletes; the history keeps the deletion.
    edited = api_as(seller_a).patch(note_url, {"body": "Call after 6pm."}, format="json")
    assert edited.status_code == 200 and edited.json()["body"] == "Call after 6pm."
    assert api_as(seller_a).get(url(lead_a)).json()["notes_count"] == 1
    assert api_as(seller_a).delete(note_url).status_code == 204
    assert api_as(seller_a).get(notes_url).json()["results"] == []
    assert api_as(seller_a).get(url(lead_a)).json()["notes_count"] == 0
    assert api_as(seller_a).delete(note_url).status_code == 404
    kinds = [e["kind"] for e in api_as(seller_a).get(url(lead_a, "events/")).json()["results"]]
    assert kinds == ["note_deleted", "note_added"]
    assert LeadNote.objects.get().deleted_at is not None


def test_a_note_is_1_to_5000_characters(api_as, seller_a, lead_a):
    notes_url = url(lead_a, "notes/")
    for body in [{}, {"body": ""}, {"body": "   "}, {"body": "x" * 5001}, {"body": None}]:
        response = api_as(seller_a).post(notes_url, body, format="json")
        assert response.status_code == 400 and list(response.json()["errors"]) == ["body"], body
    assert api_as(seller_a).post(notes_url, {"body": "x" * 5000}, format="json").status_code == 201
    assert api_as(seller_a).get("/api/v1/leads/999999/notes/").status_code == 404
