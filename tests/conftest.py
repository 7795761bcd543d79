"""Shared fixtures: the demo's cast (two partners' sellers, creators of each kind)."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from creators.models import Tier

from .factories import CreatorUserFactory, PartnerFactory, SellerFactory, UserFactory
from .pool_version_guard import PoolVersionGuard


@pytest.fixture
def partner_a(db):
    return PartnerFactory(name="Alpha LIVE Agency", slug="alpha")


@pytest.fixture
def partner_b(db):
    return PartnerFactory(name="Bravo Creators", slug="bravo")


@pytest.fixture
def seller_a(partner_a):
    """The user of partner A's staff."""
    return SellerFactory(user__username="seller_a", partner=partner_a).user


@pytest.fixture
def seller_b(partner_b):
    return SellerFactory(user__username="seller_b", partner=partner_b).user


@pytest.fixture
def creator_silver(db):
    """A Creator (with `.user`) whose refreshed tier is Silver."""
    return CreatorUserFactory(
        handle="creator_silver",
        user__username="creator_silver",
        tier=Tier.SILVER,
        live_gmv_30d="1500.00",
        follower_count=25_000,
    )


@pytest.fixture
def creator_bronze(db):
    return CreatorUserFactory(
        handle="creator_bronze",
        user__username="creator_bronze",
        tier=Tier.BRONZE,
        live_gmv_30d="420.00",
        follower_count=4_000,
    )


@pytest.fixture
def creator_none(db):
    return CreatorUserFactory(
        handle="creator_none",
        user__username="creator_none",
        tier=Tier.NON_TIERED,
        live_gmv_30d="0",
        follower_count=300,
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def api():
    """An APIClient; call `api.force_login(user)` or use `api_as(user)`."""
    return APIClient()


@pytest.fixture
def api_as():
    def make(user):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


def clear_cache():
    """Empty this test process's cache: its own keys only when the cache is a shared Redis."""
    from django.conf import settings
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache") and prefix:
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (freshness notes, throttle counters, lockouts)."""
    clear_cache()
    yield
    clear_cache()


@pytest.fixture(autouse=True)
def _pool_version_guard(request):
    """Fail a test whose service wrote the pool's tables without bumping its version
    (tests/pool_version_guard.py), in every test that runs inside its own transaction.
    `@pytest.mark.no_pool_version_guard` turns it off."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if transactional or request.node.get_closest_marker("no_pool_version_guard"):
        # Without the test's own transaction the outermost service transaction is a real
        # BEGIN/COMMIT, which the guard cannot see: it watches savepoints.
        yield
        return
    guard = PoolVersionGuard()
    with connection.execute_wrapper(guard):
        yield
    if guard.violations:
        pytest.fail(
            "A write to the Leads Pool's tables committed without pool_version_bump: "
            + guard.violations[0]
        )


@pytest.fixture(scope="session", autouse=True)
def _close_stray_test_database_sessions(django_db_setup, django_db_blocker):
    """Let the test database be dropped cleanly on PostgreSQL.

    The live server's request threads (browser journeys) can leave an idle connection open
    after the thread ends; it would make the final DROP DATABASE warn "being accessed by other
    users". Close such sessions after everything else, just before the database goes.
    """
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
