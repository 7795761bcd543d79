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
