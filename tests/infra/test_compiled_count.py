"""core/compiled.py: a count compiled once answers each caller's own figure, exactly as the ORM
query it was compiled from; a build that ignores a value is refused."""

import pytest
from django.db import router

from core.compiled import compiled_count
from leads.models import Lead
from notifications.models import NotificationKind, NotificationRead
from notifications.selectors import notification_unread_count
from notifications.services import notifications_mark_read
from tests.factories import CreatorUserFactory, NotificationFactory, SellerFactory

pytestmark = pytest.mark.django_db


def _orm(partner, user):
    return notification_unread_count(partner=partner, user=user, cap=None)


def test_the_bell_count_is_each_users_own_and_equals_the_orm(partner_a, partner_b, seller_a):
    seller_a2 = SellerFactory(partner=partner_a).user
    creator = CreatorUserFactory().user
    shared = [
        NotificationFactory(partner=partner_a, kind=NotificationKind.LEAD_REMOVED, text=f"all {n}")
        for n in range(4)
    ]
    mine = NotificationFactory(
        partner=partner_a, user=seller_a, kind=NotificationKind.LEAD_ASSIGNED
    )
    NotificationFactory(partner=partner_a, user=seller_a2, kind=NotificationKind.LEAD_ASSIGNED)
    NotificationFactory(partner=partner_b, kind=NotificationKind.LEAD_REMOVED)
    NotificationFactory(partner=None, user=creator, kind=NotificationKind.AUTHORIZATION_ENDED)
    NotificationRead.objects.create(user=seller_a2, notification=shared[0])

    figures = {
        "a": (notification_unread_count(partner=partner_a, user=seller_a), 5),
        "a2": (notification_unread_count(partner=partner_a, user=seller_a2), 4),
        "creator": (notification_unread_count(partner=None, user=creator), 1),
    }
    assert {key: got for key, (got, _) in figures.items()} == {
        key: want for key, (_, want) in figures.items()
    }
    assert figures["a"][0] == _orm(partner_a, seller_a)
    assert figures["a2"][0] == _orm(partner_a, seller_a2)
    assert figures["creator"][0] == _orm(None, creator)

    notifications_mark_read(partner=partner_a, user=seller_a)
    assert (
        notification_unread_count(partner=partner_a, user=seller_a)
        == 0
        == _orm(partner_a, seller_a)
    )
    assert notification_unread_count(partner=partner_a, user=seller_a2) == 4
    assert mine.pk  # seller_a's own one is read with the rest
    assert notification_unread_count(partner=partner_a, user=seller_a, cap=3) == 0
    assert notification_unread_count(partner=partner_a, user=seller_a2, cap=3) == 3


def test_a_build_that_ignores_a_value_is_refused(partner_a):
    with pytest.raises(ValueError, match="partner"):
        compiled_count(
            "test:ignores-partner",
            lambda partner, user: Lead.objects.filter(owner_id=user),
            using=router.db_for_read(Lead),
            partner=partner_a.pk,
            user=1,
        )


def test_the_signed_in_user_is_the_orms_user_with_its_relations_loaded(
    partner_a, seller_a, django_assert_num_queries
):
    from django.contrib.auth import get_user_model

    from core.auth import user_relations
    from core.compiled import compiled_first
    from leads.pool_version import pool_version_bump

    pool_version_bump(partner_ids=[partner_a.pk])
    creator = CreatorUserFactory().user
    model = get_user_model()

    def build(user):
        return model._default_manager.select_related(*user_relations()).filter(pk=user)[:1]

    using = router.db_for_read(model)
    for user in (seller_a, creator):
        loaded = compiled_first("test-user", build, using=using, user=user.pk)
        expected = build(user.pk).get()
        assert loaded == expected and loaded._state.db == using
        assert [getattr(loaded, f.attname) for f in model._meta.concrete_fields] == [
            getattr(expected, f.attname) for f in model._meta.concrete_fields
        ]
    # The relations came with the row: who the seller works for, its pool version.
    seller = compiled_first("test-user", build, using=using, user=seller_a.pk)
    with django_assert_num_queries(0):
        assert seller.partner_staff.partner == partner_a
        assert seller.partner_staff.partner.lead_pool_version.version == 1
    assert compiled_first("test-user", build, using=using, user=10**9) is None


def test_the_pool_workspace_state_moves_with_staff_and_saved_views(partner_a, seller_a):
    from leads.selectors import pool_workspace_state
    from leads.services.saved_views import saved_view_create

    before = pool_workspace_state(partner=partner_a, user=seller_a)
    saved_view_create(owner=seller_a, partner=partner_a, name="Gold", query="tier=gold")
    with_view = pool_workspace_state(partner=partner_a, user=seller_a)
    assert with_view != before and [v[1] for v in with_view[1]] == ["Gold"]
    other = SellerFactory(partner=partner_a).user
    # Another seller's own view is not theirs to see; a new member is in the staff.
    assert pool_workspace_state(partner=partner_a, user=other)[1] == ()
    assert other.pk in [row[0] for row in pool_workspace_state(partner=partner_a, user=seller_a)[0]]


def test_a_token_is_found_by_its_key_text_alive_or_not_and_expiry_still_ends_it(seller_a, api):
    import datetime as dt

    from django.utils import timezone
    from knox.models import AuthToken

    from core.auth import _tokens_by_key, api_token_issue

    token = api_token_issue(user=seller_a)
    stored = AuthToken.objects.get(user=seller_a)
    found = _tokens_by_key(stored.token_key)
    assert [t.pk for t in found] == [stored.pk]
    assert found[0].user == seller_a and found[0].user.partner_staff.partner_id
    assert _tokens_by_key("no-such-key") == []
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").status_code == 200
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert api.get("/api/v1/me/").status_code == 401


def test_a_change_answers_with_the_lead_as_the_detail_shows_it(
    partner_a, partner_b, seller_a, api_as
):
    """`lead_get` is compiled once (with its annotations): the PATCH answer carries the same
    owner, latest request message and live-note count as the detail's ORM read, per lead."""
    from leads.models import LeadEvent, LeadNote
    from leads.selectors import lead_get, lead_pool
    from tests.factories import LeadFactory

    api = api_as(seller_a)
    leads = [LeadFactory(partner=partner_a) for _ in range(2)]
    other = LeadFactory(partner=partner_b)
    LeadEvent.objects.create(lead=leads[0], kind="requested", text="Let's work together")
    LeadEvent.objects.create(lead=leads[0], kind="message", text="Still keen?")
    for n in range(3):
        LeadNote.objects.create(lead=leads[0], author=seller_a, body=f"note {n}")
    LeadNote.objects.create(lead=leads[1], author=seller_a, body="gone")
    LeadNote.objects.filter(lead=leads[1]).update(deleted_at=leads[1].requested_at)  # deleted

    answers = {}
    for lead in leads:
        answer = api.patch(f"/api/v1/leads/{lead.pk}/", {"owner": seller_a.pk}, format="json")
        assert answer.status_code == 200, answer.content
        answers[lead.pk] = answer.json()
        assert answers[lead.pk] == api.get(f"/api/v1/leads/{lead.pk}/").json()
    assert answers[leads[0].pk]["message"] == "Still keen?"
    assert answers[leads[0].pk]["notes_count"] == 3
    assert answers[leads[1].pk]["message"] is None
    assert answers[leads[1].pk]["notes_count"] == 0
    for lead in leads:
        compiled, orm = (
            lead_get(partner=partner_a, lead_id=lead.pk),
            lead_pool(partner=partner_a).get(pk=lead.pk),
        )
        assert (compiled.message, compiled.notes_count, compiled.owner, compiled.creator) == (
            orm.message,
            orm.notes_count,
            orm.owner,
            orm.creator,
        )
    with pytest.raises(Lead.DoesNotExist):
        lead_get(partner=partner_a, lead_id=other.pk)
    assert (
        api.patch(f"/api/v1/leads/{other.pk}/", {"status": "contacted"}, format="json").status_code
        == 404
    )
