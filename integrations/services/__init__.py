from .deliveries import deliveries_send, webhook_delivery_replay
from .disable import webhook_endpoint_disable
from .dispatch import outbox_dispatch
from .endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_remove,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)
from .worker import webhooks_deliver

__all__ = [
    "deliveries_send",
    "outbox_dispatch",
    "webhook_delivery_replay",
    "webhook_endpoint_create",
    "webhook_endpoint_disable",
    "webhook_endpoint_remove",
    "webhook_endpoint_secret_rotate",
    "webhook_endpoint_update",
    "webhooks_deliver",
]
