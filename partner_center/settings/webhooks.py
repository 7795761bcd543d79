"""Outbound webhooks' settings (integrations/net.py), imported by base.py.

Plain http and loopback receivers are for development, tests and the demo (`make run` starts
a receiver on loopback): production.py refuses both. Private, link-local and metadata
addresses are refused everywhere.
"""

import os


def _on(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


WEBHOOKS_ALLOW_HTTP = _on("WEBHOOKS_ALLOW_HTTP", True)
WEBHOOKS_ALLOW_LOOPBACK = _on("WEBHOOKS_ALLOW_LOOPBACK", True)
WEBHOOKS_CONNECT_TIMEOUT = float(os.environ.get("WEBHOOKS_CONNECT_TIMEOUT") or 3)
WEBHOOKS_READ_TIMEOUT = float(os.environ.get("WEBHOOKS_READ_TIMEOUT") or 5)
# An attempt's whole time, connect to the last byte read (integrations/net.py's _Watchdog).
WEBHOOKS_ATTEMPT_SECONDS = float(os.environ.get("WEBHOOKS_ATTEMPT_SECONDS") or 10)
# A sheet feed answers once per this many seconds (integrations/feeds.py); more is a 429.
SHEET_FEED_INTERVAL_SECONDS = int(os.environ.get("SHEET_FEED_INTERVAL_SECONDS") or 60)
