"""Reads on a PostgreSQL streaming replica, opted into per view, with read-your-writes.

`DATABASE_REPLICA_URL` (optional) adds the `replica` database alias and installs
`PrimaryReplicaRouter`. Nothing reads from the replica unless the code asks for it, so a view
that is not marked behaves exactly as before. The ways to ask:

- `@use_replica` on a function view (pages: the pool, the directory);
- `ReplicaReadsMixin` on a DRF view, with `replica_actions` naming the read-only actions
  (`list`, `export`, `stats` …);
- `with replica_reads():` around any block of reads, and `replica_stream(iterable)` for a
  streamed response whose queries run after the view has returned (the CSV export).

Read your own writes: a request with an unsafe method (POST, PUT, PATCH, DELETE) that succeeds
pins its client to the primary for `REPLICA_PIN_SECONDS` (default 5, well above the streaming
lag of a healthy replica): a cookie for browsers, and a cache key per user for API clients that
keep no cookies (shared between processes when the cache is Redis). A pinned request, and any
unsafe request, reads from the primary even in a view marked for the replica.

Without `DATABASE_REPLICA_URL` there is no `replica` alias and no router: every helper here is
a no-op and every query goes to `default`.
"""

import contextlib
import time
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core.cache import cache

REPLICA = "replica"
PIN_COOKIE = "pc_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_reads_on_replica: ContextVar[bool] = ContextVar("reads_on_replica", default=False)


def replica_configured() -> bool:
    """True when `DATABASE_REPLICA_URL` gave a replica and routing to it is switched on."""
    return REPLICA in settings.DATABASES and getattr(settings, "REPLICA_READS", True)


def _pin_seconds() -> int:
    return int(getattr(settings, "REPLICA_PIN_SECONDS", 5))


def _pin_key(user_id) -> str:
    return f"replica-pin:{user_id}"


def request_pinned_to_primary(request) -> bool:
    """Whether this request must read from the primary: it writes, or its client wrote lately."""
    if request.method not in SAFE_METHODS:
        return True
    try:
        if float(request.COOKIES.get(PIN_COOKIE, 0)) > time.time():
            return True
    except ValueError:
        pass  # a tampered cookie pins nothing
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return cache.get(_pin_key(user.pk)) is not None
    return False


@contextlib.contextmanager
def replica_reads(enabled: bool = True):
    """Within the block, reads go to the replica (when one is configured); writes never do."""
    token = _reads_on_replica.set(enabled and replica_configured())
    try:
        yield
    finally:
        _reads_on_replica.reset(token)


def replica_stream(iterable, *, enabled: bool = True):
    """Consume `iterable` (a streamed body) with its reads on the replica, one item at a time.

    The body of a StreamingHttpResponse runs after the view returned; each step is wrapped on
    its own so that the context never spans a yield.
    """
    iterator = iter(iterable)
    while True:
        with replica_reads(enabled):
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


def use_replica(view):
    """Run a read-only function view's queries on the replica unless the client is pinned."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        enabled = replica_configured() and not request_pinned_to_primary(request)
        with replica_reads(enabled):
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaReadsMixin:
    """For DRF views: the actions in `replica_actions` read from the replica.

    The decision is made in `initial()`, after authentication, so token clients are known and
    their pin is honoured; the context ends in `finalize_response()`, which DRF calls on every
    outcome, errors included.
    """

    replica_actions: frozenset[str] = frozenset({"list"})

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        action = getattr(self, "action", None) or request.method.lower()
        if (
            action in self.replica_actions
            and replica_configured()
            and not request_pinned_to_primary(request)
        ):
            self._replica_token = _reads_on_replica.set(True)

    def finalize_response(self, request, response, *args, **kwargs):
        token = self.__dict__.pop("_replica_token", None)
        if token is not None:
            _reads_on_replica.reset(token)
        return super().finalize_response(request, response, *args, **kwargs)

    def reads_on_replica(self) -> bool:
        """Whether this request's reads go to the replica (for streamed bodies)."""
        return _reads_on_replica.get()


class PrimaryReplicaRouter:
    """Reads inside `replica_reads()` go to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        # None outside the block: Django's own choice (the instance's database, or default).
        return REPLICA if _reads_on_replica.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReadYourWritesMiddleware:
    """After a successful write, pin the client to the primary for REPLICA_PIN_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method not in SAFE_METHODS
            and response.status_code < 400
            and replica_configured()
        ):
            seconds = _pin_seconds()
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                cache.set(_pin_key(user.pk), 1, seconds)
        return response
