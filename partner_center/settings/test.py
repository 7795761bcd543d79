"""Tests: the embedded defaults unless DATABASE_URL / REDIS_URL point at real services."""

import os

from .base import *  # noqa: F403
from .base import CACHES, REST_FRAMEWORK

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttles are tested on their own; keep the rest of the suite free of them.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "token": "1000/min",
        "collaboration_request": "1000/min",
        "message": "1000/min",
    },
}

# Serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# With REDIS_URL (CI) the cache is Redis, shared with any other run on the same database:
# each test process keeps its keys under its own prefix, and the suite's autouse fixture
# deletes exactly those between tests.
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES = {
        "default": {
            **CACHES["default"],
            "KEY_PREFIX": f"test-{os.getpid()}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}",
        }
    }

# With DATABASE_REPLICA_URL set (CI starts a real streaming replica), ordinary tests still read
# from the primary: their rows are uncommitted, so a replica could never see them. The router
# tests (tests/infra/test_replica.py) switch this on for themselves.
REPLICA_READS = False
