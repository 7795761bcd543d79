"""Fixtures for TTSPC IM tests: a thread between partner A and creator_bronze."""

import pytest

from im.models import Side
from im.services import message_send
from tests.factories import ThreadFactory


@pytest.fixture
def thread(partner_a, creator_bronze):
    return ThreadFactory(partner=partner_a, creator=creator_bronze)


@pytest.fixture
def say():
    """Post a message through the service, as the API and the pages do."""

    def post(thread, body, *, side=Side.CREATOR):
        sender = thread.creator.user if side == Side.CREATOR else None
        return message_send(thread=thread, sender=sender, side=side, body=body)

    return post
