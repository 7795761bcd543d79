"""The settings page's integrations section (webhooks and sheet feeds) and the delivery log."""

from .deliveries import delivery_log, delivery_replay
from .feeds import sheet_feed_add, sheet_feed_revoke
from .section import integrations_section
from .webhooks import (
    endpoint_active_set,
    endpoint_add,
    endpoint_remove,
    endpoint_secret_rotate,
    endpoint_update,
)

__all__ = [
    "delivery_log",
    "delivery_replay",
    "endpoint_active_set",
    "endpoint_add",
    "endpoint_remove",
    "endpoint_secret_rotate",
    "endpoint_update",
    "integrations_section",
    "sheet_feed_add",
    "sheet_feed_revoke",
]
