"""Admin: threads are searchable; messages are an audit trail (read-only)."""

import pytest

from im.models import Message, Side
from im.services import message_send
from tests.factories import ThreadFactory

pytestmark = pytest.mark.django_db


def test_threads_are_searchable_and_messages_read_only(client, admin_user, partner_a, thread):
    other = ThreadFactory(partner=partner_a, creator__handle="someone_else")
    message = message_send(thread=thread, sender=None, side=Side.CREATOR, body="audit me")
    client.force_login(admin_user)

    found = client.get("/admin/im/thread/?q=creator_bronze").content.decode()
    assert f"/admin/im/thread/{thread.pk}/change/" in found
    assert f"/admin/im/thread/{other.pk}/change/" not in found
    by_partner = client.get("/admin/im/thread/?q=Alpha").content.decode()
    assert f"/admin/im/thread/{other.pk}/change/" in by_partner

    change = client.get(f"/admin/im/thread/{thread.pk}/change/").content.decode()
    assert "audit me" in change
    assert 'name="messages-0-body"' not in change  # shown, not editable
    assert 'name="messages-MAX_NUM_FORMS" value="0"' in change  # no new messages here

    assert client.get("/admin/im/thread/add/").status_code == 403
    assert client.get("/admin/im/message/add/").status_code == 403
    assert (
        client.post(f"/admin/im/message/{message.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert client.post(
        f"/admin/im/message/{message.pk}/change/", {"body": "rewritten"}
    ).status_code in (302, 403)
    assert Message.objects.get().body == "audit me"
