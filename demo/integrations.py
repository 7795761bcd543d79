"""The demo's webhook: one endpoint of Alpha (seller_a's partner) posting every event to the
small receiver that `make run` starts on loopback (scripts/demo_receiver.py).

A mixin of `seed_demo`. The demo's history (months of leads, made just now) wrote thousands of
outbox events; nobody was listening when they happened, so they are stamped as dispatched
before the endpoint exists, and the log starts empty: the first delivery is the first change
a new user makes.
"""

import os

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from creators.models import Partner
from integrations.models import EventType
from integrations.services import webhook_endpoint_create
from integrations.services.dispatch import outbox_stamp_unwatched

DEFAULT_PORT = 8000
SECRET_FILE = "demo-receiver.secret"


def demo_receiver_port() -> int:
    """The receiver's port: DEMO_RECEIVER_PORT, else the web server's PORT + 1."""
    raw = os.environ.get("DEMO_RECEIVER_PORT") or ""
    if raw.isdigit():
        return int(raw)
    web = os.environ.get("PORT") or ""
    return (int(web) if web.isdigit() else DEFAULT_PORT) + 1


class IntegrationScenes:
    """seed_demo's webhook."""

    def create_demo_webhook(self, partners: dict[str, Partner]) -> str:
        outbox_stamp_unwatched(now=timezone.now())
        url = f"http://127.0.0.1:{demo_receiver_port()}/hooks"
        _, secret = webhook_endpoint_create(
            partner=partners["alpha"],
            user=User.objects.get(username="seller_a"),
            url=url,
            kind="generic",
            events=list(EventType.values),
        )
        # The receiver checks signatures with this secret. Written only when `make run` asked
        # for a receiver (it sets DEMO_RECEIVER_PORT): a test's seed leaves the file alone.
        if os.environ.get("DEMO_RECEIVER_PORT"):
            path = settings.VAR_DIR / SECRET_FILE
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secret + "\n")
            path.chmod(0o600)
        return url
