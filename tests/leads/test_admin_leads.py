"""Django admin for leads, requests, notifications and lead history."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission

from creators.models import Tier
from leads.models import (
    CollaborationRequest,
    Lead,
    LeadEvent,
    LeadStatus,
)
from leads.services import authorizations_expire, collaboration_request_submit, lead_add
from notifications.models import Notification, NotificationKind
from tests.factories import (
    CreatorDailyStatsFactory,
    CreatorFactory,
    LeadFactory,
    PartnerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
LEADS = "/admin/leads/lead/"


def results(response) -> str:
    """The changelist's result table only (the filter sidebar names every partner)."""
    html = response.content.decode()
    start = html.index('id="result_list"')
    return html[start : html.index("</table>", start)]


@pytest.fixture
def staff(db):
    """Staff who may view and change leads and requests, but is not a superuser."""
    user = UserFactory(username="ops", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_lead",
                "change_lead",
                "view_collaborationrequest",
                "view_notification",
                "view_leadevent",
            ]
        )
    )
    return user


@pytest.fixture
def requested(creator_silver, partner_a):
    CreatorDailyStatsFactory(
        creator=creator_silver, date=dt.date(2026, 11, 20), live_gmv_usd=Decimal("1500.00")
    )
    with time_machine.travel(T0, tick=False):
        return collaboration_request_submit(
            creator=creator_silver, partner=partner_a, message="Hello"
        ).request


def test_the_lead_changelist_shows_filters_and_authorization(
    client, admin_user, requested, partner_b, seller_a
):
    LeadFactory(partner=partner_b, creator=CreatorFactory(handle="im_only", tier=Tier.BRONZE))
    client.force_login(admin_user)
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        page = client.get(LEADS).content.decode()
    assert "creator_silver" in page and "im_only" in page
    assert "active until 2026-12-02 12:00 UTC" in page and "—" in page
    for heading in ["Partner", "Creator", "Source", "Status", "Removed at", "Authorization"]:
        assert heading.lower() in page.lower()
    for query, shown, hidden in [
        ("source__exact=instant_message", "im_only", "creator_silver"),
        ("source__exact=collaboration_request", "creator_silver", "im_only"),
        (f"creator_tier__exact={Tier.BRONZE}", "im_only", "creator_silver"),
        (f"partner__id__exact={partner_b.pk}", "im_only", "creator_silver"),
        ("status__exact=new", "creator_silver", "zzz"),
        ("q=creator_sil", "creator_silver", "im_only"),
        ("q=Bravo", "im_only", "creator_silver"),
        ("removed_at__isempty=1", "creator_silver", "zzz"),
    ]:
        page = results(client.get(f"{LEADS}?{query}"))
        assert shown in page and hidden not in page, query


def test_the_changelist_runs_a_constant_number_of_queries(
    client, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)
    for _ in range(3):
        LeadFactory()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(LEADS)
    for _ in range(30):
        LeadFactory()
    with django_assert_max_num_queries(len(few)):
        assert client.get(LEADS).status_code == 200


def test_expired_licensed_data_is_hidden_from_everyone_then_erased(
    client, staff, admin_user, requested
):
    lead = Lead.objects.get()
    url = f"{LEADS}{lead.pk}/change/"
    request_url = f"/admin/leads/collaborationrequest/{requested.pk}/change/"
    client.force_login(staff)
    with time_machine.travel(T0 + dt.timedelta(days=7, seconds=-1), tick=False):
        page = client.get(url).content.decode()
        assert "1500.00" in page and "active until" in page
        assert "Collaboration requested" in page  # the read-only history inline
        assert "1500.00" in client.get(request_url).content.decode()
    with time_machine.travel(T0 + dt.timedelta(days=7, seconds=1), tick=False):
        page = client.get(url).content.decode()
        assert "expired — hidden" in page and "1500" not in page
        page = client.get(request_url).content.decode()
        assert "expired — hidden" in page and "1500" not in page
        assert (
            "expired — hidden" in client.get("/admin/leads/collaborationrequest/").content.decode()
        )

        client.force_login(admin_user)  # no audit copy for a superuser either
        page = client.get(url).content.decode()
        assert "expired — hidden" in page and "1500" not in page

        # The expiry job erases the figures: the database holds none of them any more.
        authorizations_expire()
        lead.refresh_from_db()
        requested.refresh_from_db()
        assert lead.licensed_data is None and requested.licensed_data == {}
        assert requested.licensed_data_purged_at is not None
        page = client.get(url).content.decode()
        assert "expired — erased at expiry" in page and "1500" not in page


def test_licensed_data_cannot_be_edited_in_admin(client, staff, requested):
    lead = Lead.objects.get()
    client.force_login(staff)
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        page = client.get(f"{LEADS}{lead.pk}/change/").content.decode()
        client.post(
            f"{LEADS}{lead.pk}/change/",
            {"status": "closed", "licensed_data": '{"live_gmv_30d": "9"}'},
        )
    assert 'name="licensed_data"' not in page and 'name="status"' not in page
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW and lead.licensed_data["live_gmv_30d"] == "1500.00"


def test_close_action_goes_through_the_service(client, staff, requested, partner_a, seller_a):
    other, _ = lead_add(partner=partner_a, creator=CreatorFactory(), user=seller_a)
    lead = Lead.objects.get(creator=requested.creator)
    client.force_login(staff)

    response = client.post(
        LEADS,
        {"action": "close_leads", "_selected_action": [lead.pk, other.pk]},
        follow=True,
    )

    assert "Closed 2 leads." in response.content.decode()
    assert set(Lead.objects.values_list("status", flat=True)) == {LeadStatus.CLOSED}
    # The service's rules came along: history recorded and the open request closed.
    event = LeadEvent.objects.filter(lead=lead, kind=LeadEvent.Kind.STATUS_CHANGED).get()
    assert event.actor == staff and event.to_status == LeadStatus.CLOSED
    assert CollaborationRequest.objects.get().is_open is False


def test_remove_action_goes_through_the_service(client, staff, requested):
    lead = Lead.objects.get()
    client.force_login(staff)
    for _ in range(2):
        client.post(LEADS, {"action": "remove_leads", "_selected_action": [lead.pk]})
    lead.refresh_from_db()
    assert lead.removed_at is not None and lead.removed_by == staff
    assert Notification.objects.filter(kind=NotificationKind.LEAD_REMOVED).count() == 1


def test_a_view_only_user_cannot_run_actions(client, requested):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_lead"))
    client.force_login(viewer)
    lead = Lead.objects.get()
    client.post(LEADS, {"action": "close_leads", "_selected_action": [lead.pk]})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW


def test_leads_and_requests_cannot_be_added_or_deleted(client, admin_user, requested):
    client.force_login(admin_user)
    lead = Lead.objects.get()
    assert client.get(f"{LEADS}add/").status_code == 403
    assert client.get(f"{LEADS}{lead.pk}/delete/").status_code == 403
    assert client.get("/admin/leads/collaborationrequest/add/").status_code == 403
    assert client.get("/admin/leads/leadevent/add/").status_code == 403
    event = LeadEvent.objects.get()
    client.post(f"/admin/leads/leadevent/{event.pk}/change/", {"kind": "removed"})
    event.refresh_from_db()
    assert event.kind == LeadEvent.Kind.REQUESTED
    assert Lead.objects.count() == 1


def test_requests_notifications_and_events_are_listed(client, admin_user, requested, partner_b):
    collaboration_request_submit(creator=requested.creator, partner=partner_b)
    client.force_login(admin_user)

    requests = results(client.get("/admin/leads/collaborationrequest/?q=Bravo"))
    assert "Bravo Creators" in requests and "Alpha LIVE Agency" not in requests
    notes = results(client.get("/admin/notifications/notification/"))
    assert notes.count('<td class="field-text">New collaboration request from @creator_silver') == 2
    events = client.get("/admin/leads/leadevent/?q=creator_silver").content.decode()
    assert "Collaboration requested" in events
    assert (
        client.get(
            f"/admin/leads/collaborationrequest/?partner__id__exact={PartnerFactory().pk}"
        ).status_code
        == 200
    )
