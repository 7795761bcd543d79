"""A Celery beat that refuses to be the second one.

Two beats would send every scheduled job twice. "Exactly one beat" used to be a comment in
docker-compose.yml; now it is this scheduler: it takes the `celery-beat` lease (core.locks)
before it loads its schedule, and a beat that finds the lease held refuses to start (exit 1,
naming the holder). The lease is renewed while beat runs; a beat whose lease was taken (it
lost the database for longer than the lease) stops, and the other one keeps time. A beat that
died frees it at once on the same host, or when the lease lapses (60 s) elsewhere, so a
restarted or replacement beat takes over within a minute.

Each tick also touches `<schedule file>.heartbeat`: compose's healthcheck reads its age.
"""

import logging
from pathlib import Path

from celery.beat import PersistentScheduler

from core.locks import lease_acquire, lease_current, lease_release

logger = logging.getLogger(__name__)
LEASE_NAME = "celery-beat"


class BeatAlreadyRunning(RuntimeError):
    """Another beat holds the lease: this one must not send the schedule."""


class SingletonScheduler(PersistentScheduler):
    """PersistentScheduler (the schedule in a file, on a volume in compose), one at a time."""

    _lease = None

    def setup_schedule(self):
        self._lease = lease_acquire(LEASE_NAME)
        if self._lease is None:
            held = lease_current(LEASE_NAME)
            raise BeatAlreadyRunning(
                f"Another celery beat is running ({held.holder if held else 'unknown'}, lease "
                f"until {held.lease_until:%H:%M:%S} UTC if not renewed): refusing to start a "
                "second one, which would send every job twice."
            )
        logger.info("celery beat holds the %s lease (%s).", LEASE_NAME, self._lease.holder)
        super().setup_schedule()

    @property
    def heartbeat_path(self) -> Path:
        return Path(f"{self.schedule_filename}.heartbeat")

    def tick(self, *args, **kwargs):
        if self._lease is not None and self._lease.lost.is_set():
            logger.error("celery beat lost its lease to another beat; stopping this one.")
            raise SystemExit(1)
        interval = super().tick(*args, **kwargs)
        try:
            self.heartbeat_path.touch()
        except OSError as exc:
            logger.warning("celery beat heartbeat not written: %s", exc)
        return interval

    def close(self):
        try:
            super().close()
        finally:
            if self._lease is not None:
                lease_release(self._lease)
                self._lease = None
