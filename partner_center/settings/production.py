"""Production: refuses to start without ALLOWED_HOSTS, SITE_URL and a strong SECRET_KEY."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import EMBEDDED_SECRET_KEY, LOGGING, STORAGES, env_bool, env_list

for _required in ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"):
    if not os.environ.get(_required, "").strip():
        raise ImproperlyConfigured(f"{_required} must be set in production.")
SECRET_KEY = os.environ["SECRET_KEY"]
if SECRET_KEY.strip() == EMBEDDED_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production, not the embedded default.")
# Django's own bar (security.W009): at least 50 characters, 5 distinct, no insecure prefix.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
DEBUG = False

# Links in emails go to SITE_URL, and Message-IDs end in its host, never in the container's
# name or "localhost" (which spam filters and threading both dislike).
SITE_URL = os.environ["SITE_URL"].strip().rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(
        "SITE_URL must be the public address, e.g. https://partners.example.com "
        f"(got {SITE_URL!r})."
    )
SITE_HOST = _site.hostname

# Django's own mails (password resets, admin errors) take Message-ID domains from DNS_NAME.
from django.core.mail.utils import DNS_NAME  # noqa: E402

DNS_NAME._fqdn = SITE_HOST

# Webhooks go to public https addresses only: a loopback or plain-http receiver is for
# development and the demo, and asking for one here is a configuration error, not a switch.
for _unsafe in ("WEBHOOKS_ALLOW_HTTP", "WEBHOOKS_ALLOW_LOOPBACK"):
    if env_bool(_unsafe, False):
        raise ImproperlyConfigured(f"{_unsafe} cannot be on in production.")
WEBHOOKS_ALLOW_HTTP = False
WEBHOOKS_ALLOW_LOOPBACK = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Static files carry a content hash in their names (cache-busting), so they can be cached for
# a year; collectstatic (the image build, compose's web) writes the manifest.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# JSON log lines unless told otherwise (LOG_FORMAT=text), for the log shipper.
if not os.environ.get("LOG_FORMAT"):
    LOG_FORMAT = "json"
    LOGGING = {
        **LOGGING,
        "handlers": {"console": {**LOGGING["handlers"]["console"], "formatter": "json"}},
    }

# Error reports (partner_center/observability.py): user ids only, no licensed data.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    from partner_center.observability import sentry_init  # noqa: E402

    sentry_init(dsn=SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"))
