"""The list's claim (api/pool_cache.list_cache_claim): of many requests asking at once for a
page no one has, one computes it and the others are served what it stored; a claim whose
request stored nothing (a 400) or never ends holds no one for long."""

import datetime as dt
import threading
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from leads.api import pool_cache

KEY = "leads:list:test-claim"


def _entry(count):
    return (timezone.now() + dt.timedelta(seconds=60), count, 1, [{"id": 7}])


def _later(seconds, action):
    thread = threading.Timer(seconds, action)
    thread.start()
    return thread


def test_the_first_claims_and_the_next_is_served_what_it_stored():
    assert pool_cache.list_cache_claim(KEY) == (None, True)
    filler = _later(0.05, lambda: cache.set(KEY, _entry(3), 60))
    started = time.monotonic()
    hit, claimed = pool_cache.list_cache_claim(KEY)
    filler.join()
    assert (hit, claimed) == ((3, 1, [{"id": 7}]), False)
    assert time.monotonic() - started < pool_cache.CLAIM_WAIT_SECONDS
    pool_cache.list_cache_unclaim(KEY)
    cache.delete(KEY)
    assert pool_cache.list_cache_claim(KEY) == (None, True)
    pool_cache.list_cache_unclaim(KEY)


def test_a_claim_released_without_a_page_sends_the_waiter_to_compute():
    assert pool_cache.list_cache_claim(KEY) == (None, True)
    releaser = _later(0.05, lambda: pool_cache.list_cache_unclaim(KEY))
    started = time.monotonic()
    assert pool_cache.list_cache_claim(KEY) == (None, False)
    releaser.join()
    assert time.monotonic() - started < pool_cache.CLAIM_WAIT_SECONDS


def test_a_claim_never_released_holds_a_waiter_only_for_the_wait(monkeypatch):
    monkeypatch.setattr(pool_cache, "CLAIM_WAIT_SECONDS", 0.1)
    assert pool_cache.list_cache_claim(KEY) == (None, True)
    started = time.monotonic()
    assert pool_cache.list_cache_claim(KEY) == (None, False)
    assert 0.1 <= time.monotonic() - started < 0.5
    pool_cache.list_cache_unclaim(KEY)


@pytest.mark.django_db
def test_an_invalid_question_answers_400_and_leaves_no_claim(api_as, seller_a):
    api = api_as(seller_a)
    for _ in range(2):
        started = time.monotonic()
        answer = api.get("/api/v1/leads/?tier=mythic")
        assert answer.status_code == 400
        assert "tier" in answer.json()["errors"]
        assert time.monotonic() - started < pool_cache.CLAIM_WAIT_SECONDS
    assert not [k for k in _keys() if k.endswith(":claim")]


def _keys():
    backend = cache._cache
    if hasattr(backend, "get_client"):
        return [k.decode() for k in backend.get_client().scan_iter(match="*:claim")]
    return list(getattr(cache, "_cache", {}).keys())
