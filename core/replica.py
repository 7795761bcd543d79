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

A replica that can fail: before a request reads from it, `replica_state()` says whether it
answers and lags no more than REPLICA_MAX_LAG_SECONDS (checked at most every
REPLICA_CHECK_SECONDS per process). If not, the reads go to the primary, with a log line when
the state changes and `pc_replica_fallbacks_total{reason}` counted per request. A replica that
fails in the middle of a read-only request (OperationalError) is marked down and the request
is answered again from the primary: never a 500.

Without `DATABASE_REPLICA_URL` there is no `replica` alias and no router: every helper here is
a no-op and every query goes to `default`.
"""

import contextlib
import logging
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connections

from .metrics import REPLICA_FALLBACKS

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "pc_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_reads_on_replica: ContextVar[bool] = ContextVar("reads_on_replica", default=False)


def replica_configured() -> bool:
    """True when `DATABASE_REPLICA_URL` gave a replica and routing to it is switched on."""
    return REPLICA in settings.DATABASES and getattr(settings, "REPLICA_READS", True)


@dataclass(frozen=True)
class ReplicaState:
    """What the last check found: usable, and if not, why (`unreachable`, `lagging` …)."""

    usable: bool
    reason: str = ""
    lag_seconds: float | None = None
    checked_at: float = 0.0


_state_lock = threading.Lock()
_state: ReplicaState | None = None

# The replica's lag: 0 when it has replayed all the WAL it received (or it was promoted);
# otherwise the age of the newest transaction it replayed. A standby whose WAL receiver is not
# streaming may be behind by any amount, so it counts as not streaming.
LAG_SQL = """
    SELECT pg_is_in_recovery(),
           (SELECT status FROM pg_stat_wal_receiver LIMIT 1),
           CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
           END
"""


def _check_replica() -> ReplicaState:
    now = time.monotonic()
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, receiver, lag = cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure to ask means: do not read there
        with contextlib.suppress(Exception):
            connections[REPLICA].close()
        return ReplicaState(False, f"unreachable ({type(exc).__name__})", None, now)
    if not in_recovery:
        return ReplicaState(True, "", 0.0, now)
    if receiver is not None and receiver != "streaming":
        return ReplicaState(False, f"not streaming ({receiver})", None, now)
    lag = float(lag or 0)
    max_lag = float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 30))
    if lag > max_lag:
        return ReplicaState(False, f"lagging {lag:.1f} s > {max_lag:g} s", lag, now)
    return ReplicaState(True, "", lag, now)


def _record(new: ReplicaState) -> ReplicaState:
    global _state
    with _state_lock:
        before, _state = _state, new
    if before is None or before.usable != new.usable:
        if new.usable and before is not None:
            logger.warning("Replica usable again (lag %s s): reads go back.", new.lag_seconds)
        elif not new.usable:
            logger.warning("Replica %s: its reads fall back to the primary.", new.reason)
    return new


def replica_state(*, refresh: bool = False) -> ReplicaState:
    """The replica's state, checked at most every REPLICA_CHECK_SECONDS in this process."""
    state = _state
    period = float(getattr(settings, "REPLICA_CHECK_SECONDS", 5))
    if refresh or state is None or time.monotonic() - state.checked_at >= period:
        state = _record(_check_replica())
    return state


def replica_mark_down(reason: str) -> None:
    """A read on the replica failed: use the primary until the next check finds it well."""
    with contextlib.suppress(Exception):
        connections[REPLICA].close()
    _record(ReplicaState(False, reason, None, time.monotonic()))


def replica_state_reset() -> None:
    """Forget the last check (tests)."""
    global _state
    with _state_lock:
        _state = None


def replica_usable() -> bool:
    """Whether reads asked for the replica may go there now; counts a fallback when not."""
    if not replica_configured():
        return False
    state = replica_state()
    if not state.usable:
        REPLICA_FALLBACKS.labels(reason=state.reason.split(" ")[0]).inc()
    return state.usable


# Errors of a replica that went away in the middle of a request.
REPLICA_ERRORS = (OperationalError, InterfaceError)


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
    token = _reads_on_replica.set(enabled and replica_usable())
    try:
        yield
    finally:
        _reads_on_replica.reset(token)


def replica_stream(iterable, *, enabled: bool = True):
    """Consume `iterable` (a streamed body) with its reads on the replica, one item at a time.

    The body of a StreamingHttpResponse runs after the view returned; each step is wrapped on
    its own so that the context never spans a yield. Whether the replica is used is decided
    once, when the body starts (one check, one fallback counted).
    """
    on_replica = enabled and replica_usable()
    iterator = iter(iterable)
    while True:
        token = _reads_on_replica.set(on_replica)
        try:
            item = next(iterator)
        except StopIteration:
            return
        finally:
            _reads_on_replica.reset(token)
        yield item


def use_replica(view):
    """Run a read-only function view's queries on the replica unless the client is pinned."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        enabled = replica_configured() and not request_pinned_to_primary(request)
        on_replica = False
        try:
            with replica_reads(enabled):
                on_replica = _reads_on_replica.get()
                return view(request, *args, **kwargs)
        except REPLICA_ERRORS as exc:
            if not on_replica:
                raise
            replica_mark_down(f"failed ({type(exc).__name__})")
            REPLICA_FALLBACKS.labels(reason="failed").inc()
            return view(request, *args, **kwargs)  # read-only: answer again from the primary

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
            and replica_usable()
        ):
            self._replica_token = _reads_on_replica.set(True)
            self._read_replica = True

    def _replica_done(self) -> None:
        token = self.__dict__.pop("_replica_token", None)
        if token is not None:
            _reads_on_replica.reset(token)

    def dispatch(self, request, *args, **kwargs):
        """A replica that fails mid-request: mark it down and answer from the primary."""
        self._read_replica = False
        try:
            return super().dispatch(request, *args, **kwargs)
        except REPLICA_ERRORS as exc:
            self._replica_done()
            if not self._read_replica or request.method not in SAFE_METHODS:
                raise
            replica_mark_down(f"failed ({type(exc).__name__})")
            REPLICA_FALLBACKS.labels(reason="failed").inc()
            return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        self._replica_done()
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
