"""Named locks that serialize work across processes, on the database every process shares.

Two kinds, and neither can outlive what took it:

- `transaction_lock(name)`: held until the current transaction ends (PostgreSQL's
  transaction-level advisory lock). Safe behind PgBouncer's transaction pooling, since a
  transaction always runs on one server session.
- `lease_acquire(name)`: a lease row (`core.models.JobLock`) for work that spans many
  transactions (a scheduled job and its run record). It is taken and released by single
  compare-and-swap statements, renewed every JOB_LEASE_RENEW_SECONDS by a thread of the
  holder, and lapses JOB_LEASE_SECONDS after the holder stops renewing. A holder that was a
  process on this host and no longer exists (a killed worker child) is known dead at once,
  so its redelivered task takes over without waiting.

No session-level state is used: a session advisory lock taken on one pooled server session
and released on another was the failure this replaces (issue 21).
"""

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone

from . import job_limits

logger = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable 32-bit key for a lock name (PostgreSQL advisory locks take integers)."""
    return zlib.crc32(name.encode())


def transaction_lock(name: str) -> None:
    """Wait for, then hold until the end of the current transaction, the lock `name`.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback, or when
    the connection dies. SQLite: nothing to take, since this project's SQLite transactions
    begin IMMEDIATE and so already hold the database's one write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])


def _process_start(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), so that a reused pid is
    not mistaken for the holder; "" where /proc is not there."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return ""
    # After the ")" that closes the command: state is field 3, starttime field 22.
    return "Z" if fields[0] in ("Z", "X") else fields[19]


def holder_name(pid: int | None = None) -> str:
    """host:pid:start of a process (this one by default): who holds a lease."""
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()}:{pid}:{_process_start(pid)}"


# Tokens of the leases this process holds now: a lease held by this very process under
# another token belongs to a run that ended without releasing it (its release failed while
# the database was down, say), so a retry in this process may take it over.
_held_here: set[str] = set()


def holder_is_dead(holder: str, token: str) -> bool:
    """Whether the holder is known dead: a process of this host that has exited (or been
    replaced under the same pid), or a run of this process that has ended. A holder on
    another host is never known dead: its lease lapses instead."""
    host, _, rest = holder.partition(":")
    pid_text, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return token not in _held_here
    now_started = _process_start(pid)
    if now_started == "Z":
        return True  # killed, not yet reaped by its parent
    if now_started == "":
        if os.path.isdir("/proc/self"):
            return True  # Linux: no /proc entry, so no such process
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return bool(started) and now_started != started


@dataclass
class Lease:
    """A lease this process holds; `lost` is set when a renewal found it taken."""

    name: str
    token: str
    holder: str
    seconds: int
    lost: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None


def _lease_seconds() -> int:
    return int(getattr(settings, "JOB_LEASE_SECONDS", job_limits.JOB_LEASE_SECONDS))


def _renew_seconds() -> float:
    return float(getattr(settings, "JOB_LEASE_RENEW_SECONDS", job_limits.JOB_LEASE_RENEW_SECONDS))


def lease_current(name: str):
    """The JobLock row of `name`, or None."""
    from .models import JobLock

    return JobLock.objects.filter(name=name).first()


def lease_acquire(name: str, *, renew: bool = True) -> Lease | None:
    """Take the lease `name` if it is free, lapsed, or held by a dead holder; else None.

    Each step is one statement in its own transaction (or savepoint): an INSERT for a name
    never used, otherwise an UPDATE that succeeds only if the row still carries the token it
    was read with, so two takers can never both win. With `renew`, a daemon thread renews
    the lease until `lease_release`.
    """
    from .models import JobLock

    seconds = _lease_seconds()
    now = timezone.now()
    lease = Lease(name=name, token=secrets.token_hex(16), holder=holder_name(), seconds=seconds)
    claim = {
        "holder": lease.holder,
        "token": lease.token,
        "lease_until": now + dt.timedelta(seconds=seconds),
        "acquired_at": now,
        "renewed_at": now,
    }
    row = JobLock.objects.filter(name=name).values("token", "holder", "lease_until").first()
    if row is None:
        try:
            with transaction.atomic():
                JobLock.objects.create(name=name, **claim)
        except IntegrityError:
            return None  # another process created it first: it holds the lease
    else:
        free = not row["token"] or row["lease_until"] <= now
        if not free and not holder_is_dead(row["holder"], row["token"]):
            return None
        taken = JobLock.objects.filter(name=name, token=row["token"]).update(**claim)
        if not taken:
            return None
        if not free:
            logger.warning(
                "Lease %s taken over from %s, a holder that no longer runs.", name, row["holder"]
            )
    _held_here.add(lease.token)
    if renew:
        lease._thread = threading.Thread(
            target=_renew_until_released, args=(lease,), name=f"lease:{name}", daemon=True
        )
        lease._thread.start()
    return lease


def lease_renew(lease: Lease) -> bool:
    """Push the lease's end JOB_LEASE_SECONDS ahead; False (and `lost` set) if it was taken."""
    from .models import JobLock

    now = timezone.now()
    renewed = JobLock.objects.filter(name=lease.name, token=lease.token).update(
        lease_until=now + dt.timedelta(seconds=lease.seconds), renewed_at=now
    )
    if not renewed:
        from .metrics import JOB_LEASE_LOST

        lease.lost.set()
        JOB_LEASE_LOST.labels(job=lease.name).inc()
        logger.error("Lease %s was lost: another holder took it after it lapsed.", lease.name)
    return bool(renewed)


def _renew_until_released(lease: Lease) -> None:
    """The renewing thread: its own database connection, one UPDATE per interval."""
    try:
        while not lease._stop.wait(_renew_seconds()):
            try:
                if not lease_renew(lease):
                    return
            except DatabaseError as exc:
                # The database is away: keep trying; the lease lapses only after
                # JOB_LEASE_SECONDS without a renewal.
                logger.warning("Lease %s not renewed (%s); retrying.", lease.name, exc)
                connections["default"].close()
    finally:
        connections["default"].close()


def lease_release(lease: Lease) -> None:
    """Stop renewing and free the lease (only if this holder still has it).

    If the database cannot be reached, the lease is left to lapse; a retry in this process
    takes it over at once anyway (`holder_is_dead`).
    """
    from .models import JobLock

    lease._stop.set()
    if lease._thread is not None:
        lease._thread.join(timeout=5)
    _held_here.discard(lease.token)
    try:
        JobLock.objects.filter(name=lease.name, token=lease.token).update(
            holder="", token="", lease_until=timezone.now()
        )
    except DatabaseError as exc:
        logger.warning("Lease %s not released (%s); it lapses on its own.", lease.name, exc)
        if not connection.in_atomic_block:
            connection.close()
