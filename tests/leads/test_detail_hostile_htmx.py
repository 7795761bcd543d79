"""The lead detail's forms commit, then render their answer: nothing in that answer may fail
on input. The HX-* headers the pages read and the forms' `pool` field are input too (a
`http://[` there made the note and status forms store the change, then answer 500, so a
client that retried wrote twice)."""

import pytest

from leads.models import LeadNote, LeadStatus
from leads.services import note_create
from tests.factories import LeadFactory

HOSTILE = ["http://[", "http://[::1", "//\x00", "http://testserver:99999/seller/leads/", "é/ü"]


@pytest.fixture
def lead(partner_a):
    return LeadFactory(partner=partner_a, status=LeadStatus.NEW)


def post(client, url, data, value):
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": value}
    return client.post(url, {**data, "pool": value}, **headers)


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_every_detail_form_answers_without_a_500_and_writes_once(client, seller_a, lead, value):
    client.force_login(seller_a)
    base = f"/seller/leads/{lead.pk}"
    answered = post(client, f"{base}/notes/", {"body": "Call at five"}, value)
    assert answered.status_code == 200
    assert LeadNote.objects.filter(lead=lead, body="Call at five").count() == 1
    timeline = client.get(f"/seller/im/leads/{lead.pk}/timeline/", HTTP_HX_REQUEST="true")
    assert "Call at five" in timeline.content.decode()

    answered = post(client, f"{base}/status/", {"status": "contacted"}, value)
    assert answered.status_code == 200
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONTACTED

    answered = post(client, f"{base}/owner/", {"owner": str(seller_a.pk)}, value)
    assert answered.status_code == 200
    lead.refresh_from_db()
    assert lead.owner_id == seller_a.pk

    note = note_create(lead=lead, author=seller_a, body="draft")
    answered = post(client, f"{base}/notes/{note.pk}/", {"body": "final"}, value)
    assert answered.status_code == 200
    assert LeadNote.objects.get(pk=note.pk).body == "final"
    answered = post(client, f"{base}/notes/{note.pk}/delete/", {}, value)
    assert answered.status_code == 200
    assert LeadNote.objects.get(pk=note.pk).deleted_at is not None

    answered = post(client, f"{base}/remove/", {}, value)
    assert answered.status_code in (200, 302)
    lead.refresh_from_db()
    assert lead.removed_at is not None
