"""core/redis_cache.py: the Redis cache keeps one client per connection pool and still reads,
writes and counts as Django's own backend does."""

import os
import threading

import pytest

from core.redis_cache import PooledRedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")


def test_one_client_per_pool_serves_every_call_and_thread():
    cache = PooledRedisCache(REDIS_URL, {"KEY_PREFIX": "test-pooled-client"})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    assert cache._cache.get_client("some-key", write=True) is client

    cache.set("figure", {"count": 3, "rows": [1, 2]}, 30)
    assert cache.get("figure") == {"count": 3, "rows": [1, 2]}
    assert cache.get_many(["figure", "missing"]) == {"figure": {"count": 3, "rows": [1, 2]}}
    cache.set("hits", 0, 30)
    threads = [threading.Thread(target=lambda: cache.incr("hits")) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("hits") == 8
    assert cache.delete("figure") is True
    assert cache.get("figure") is None
    cache.delete("hits")
