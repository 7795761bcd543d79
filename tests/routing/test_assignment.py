"""Assignment rules give a new lead an owner in the lead's own transaction."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from creators.models import PartnerStaff, Tier
from leads.models import Lead, LeadEvent, LeadStatus
from leads.services import collaboration_request_submit, lead_add, lead_remove
from leads.templatetags.leads_tags import history_entry
from notifications.models import Notification, NotificationKind
from routing.services import lead_route
from tests.factories import CreatorUserFactory, LeadFactory, SellerFactory


def submit(partner, *, tier=Tier.GOLD, handle=None):
    creator = CreatorUserFactory(tier=tier, **({"handle": handle} if handle else {}))
    return collaboration_request_submit(creator=creator, partner=partner).request.lead


def owner_of(lead):
    return Lead.objects.get(pk=lead.pk).owner


def test_round_robin_takes_members_in_turn_and_writes_the_rule_in_history(
    partner_a, seller_a, seller_a2, make_rule
):
    make_rule([seller_a, seller_a2], name="Gold+", query="tier=gold&tier=platinum")
    owners = [owner_of(submit(partner_a)) for _ in range(4)]
    assert owners == [seller_a, seller_a2, seller_a, seller_a2]

    lead = submit(partner_a, handle="routed_gold")
    event = LeadEvent.objects.get(lead=lead, kind=LeadEvent.Kind.ASSIGNED)
    assert event.actor_id is None and event.text == "Gold+"
    assert event.to_owner == seller_a and event.from_owner_id is None
    line = history_entry(event)
    assert "Assigned to seller_a by rule Gold+" in " ".join(
        line.replace("<strong>", "").replace("</strong>", "").split()
    )
    staff = PartnerStaff.objects.get(user=seller_a)
    assert staff.last_assigned_at == event.created_at


def test_the_owner_is_notified_and_mailed_like_a_manual_assignment(
    partner_a, seller_a, seller_a2, make_rule, mailoutbox, django_capture_on_commit_callbacks
):
    make_rule([seller_a2])
    with django_capture_on_commit_callbacks(execute=True):
        lead = submit(partner_a, handle="mail_me")
    assigned = Notification.objects.get(kind=NotificationKind.LEAD_ASSIGNED)
    assert assigned.user == seller_a2 and assigned.lead_id == lead.pk
    assert "@mail_me" in assigned.text
    assert any(m.to == [seller_a2.email] and "@mail_me" in m.subject for m in mailoutbox)


def test_a_query_that_does_not_match_leaves_the_next_rule_to_try(
    partner_a, seller_a, seller_a2, make_rule
):
    make_rule([seller_a], name="Gold+", query="tier=gold&tier=platinum", position=0)
    make_rule([seller_a2], name="Everyone else", query="", position=1)
    assert owner_of(submit(partner_a, tier=Tier.SILVER)) == seller_a2
    assert owner_of(submit(partner_a, tier=Tier.GOLD)) == seller_a


def test_an_inactive_rule_is_skipped(partner_a, seller_a, seller_a2, make_rule):
    make_rule([seller_a], name="Off", active=False, position=0)
    make_rule([seller_a2], name="On", position=1)
    assert owner_of(submit(partner_a)) == seller_a2


def test_away_and_inactive_members_are_skipped(
    partner_a, seller_a, seller_a2, seller_a3, make_rule
):
    make_rule([seller_a, seller_a2, seller_a3])
    PartnerStaff.objects.filter(user=seller_a).update(away=True)
    get_user_model().objects.filter(pk=seller_a2.pk).update(is_active=False)
    owners = {owner_of(submit(partner_a)) for _ in range(3)}
    assert owners == {seller_a3}


def test_no_available_member_leaves_the_lead_unowned(partner_a, seller_a, make_rule):
    make_rule([seller_a], name="Gold+", position=0)
    make_rule([seller_a], name="Never reached", position=1)
    PartnerStaff.objects.filter(user=seller_a).update(away=True)
    lead = submit(partner_a)
    assert owner_of(lead) is None
    assert not LeadEvent.objects.filter(lead=lead, kind=LeadEvent.Kind.ASSIGNED).exists()


def test_a_member_who_left_the_partner_is_skipped(
    partner_a, partner_b, seller_a, seller_a2, make_rule
):
    make_rule([seller_a, seller_a2])
    PartnerStaff.objects.filter(user=seller_a).update(partner=partner_b)
    assert {owner_of(submit(partner_a)) for _ in range(2)} == {seller_a2}


def test_fewest_open_counts_open_leads_and_breaks_ties_by_the_longest_wait(
    partner_a, seller_a, seller_a2, seller_a3, make_rule
):
    make_rule([seller_a, seller_a2, seller_a3], strategy="fewest_open")
    # seller_a: two open leads; seller_a2 and seller_a3: one each (closed ones do not count).
    LeadFactory.create_batch(2, partner=partner_a, owner=seller_a)
    LeadFactory(partner=partner_a, owner=seller_a2, status=LeadStatus.CONTACTED)
    LeadFactory(partner=partner_a, owner=seller_a3)
    LeadFactory.create_batch(3, partner=partner_a, owner=seller_a3, status=LeadStatus.CLOSED)
    removed = LeadFactory(partner=partner_a, owner=seller_a2)
    Lead.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    now = timezone.now()
    PartnerStaff.objects.filter(user=seller_a2).update(last_assigned_at=now)
    PartnerStaff.objects.filter(user=seller_a3).update(last_assigned_at=now - dt.timedelta(hours=1))
    # Tie at one open lead: seller_a3 has waited longer.
    assert owner_of(submit(partner_a)) == seller_a3
    # Now seller_a2 has the fewest (1 against 2 and 2).
    assert owner_of(submit(partner_a)) == seller_a2


def test_fewest_open_gives_never_assigned_members_first_turn(
    partner_a, seller_a, seller_a2, make_rule
):
    make_rule([seller_a, seller_a2], strategy="fewest_open")
    PartnerStaff.objects.filter(user=seller_a).update(last_assigned_at=timezone.now())
    assert owner_of(submit(partner_a)) == seller_a2


def test_an_owned_lead_is_never_reassigned(partner_a, seller_a, seller_a2, make_rule):
    make_rule([seller_a2])
    owned = LeadFactory(partner=partner_a, owner=seller_a)
    assert lead_route(lead=owned) is None
    # Removed and added back from IM: it arrives again, still owned by seller_a.
    lead_remove(lead=owned, user=seller_a)
    lead_add(partner=partner_a, creator=owned.creator, user=seller_a)
    assert owner_of(owned) == seller_a
    assert not LeadEvent.objects.filter(lead=owned, kind=LeadEvent.Kind.ASSIGNED).exists()


def test_a_lead_added_from_im_is_routed_too(partner_a, seller_a, seller_a2, make_rule):
    make_rule([seller_a2], query="source=instant_message")
    creator = CreatorUserFactory(tier=Tier.BRONZE)
    lead, created = lead_add(partner=partner_a, creator=creator, user=seller_a)
    assert created and owner_of(lead) == seller_a2


def test_rules_of_another_partner_never_apply(partner_a, partner_b, seller_b, make_rule):
    make_rule([seller_b], partner=partner_b)
    assert owner_of(submit(partner_a)) is None


@pytest.mark.parametrize("query", ["owner=none", "status=new", "tier=gold&followers_min=0"])
def test_pool_filters_work_in_rules(partner_a, seller_a, make_rule, query):
    make_rule([seller_a], query=query)
    assert owner_of(submit(partner_a)) == seller_a


def test_a_repeat_request_does_not_route_again(partner_a, seller_a, seller_a2, make_rule):
    make_rule([seller_a, seller_a2])
    creator = CreatorUserFactory(tier=Tier.GOLD)
    first = collaboration_request_submit(creator=creator, partner=partner_a).request.lead
    collaboration_request_submit(creator=creator, partner=partner_a, message="again")
    assert owner_of(first) == seller_a
    assert LeadEvent.objects.filter(lead=first, kind=LeadEvent.Kind.ASSIGNED).count() == 1
    SellerFactory(partner=partner_a)  # a new colleague changes nothing for existing leads
    assert owner_of(first) == seller_a
