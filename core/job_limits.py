"""How long each scheduled job may run, in one place for the tasks, the broker and the
abandoned-run check. Plain constants: the settings read them too.

The full-size figures (bench/) are seconds: 6 s for the tier refresh over a million creators,
3 s for the follower refresh. Ten minutes is ample, and it bounds how long a killed worker's
job waits to be redelivered and how long its run stays "running" before it is abandoned.
"""

JOB_SOFT_TIME_LIMIT = 9 * 60
JOB_TIME_LIMIT = 10 * 60
# The expiry runs every five minutes; it must be done before the next one.
EXPIRY_SOFT_TIME_LIMIT = 4 * 60
EXPIRY_TIME_LIMIT = 5 * 60
# The feed import runs in a request or a command, not on the worker; this only decides when
# its run record counts as abandoned.
IMPORT_TIME_LIMIT = 30 * 60

# Redis redelivers a task its worker took but never acknowledged (acks_late) after the
# broker's visibility timeout. It must exceed the longest time limit, or a job still running
# would be handed to a second worker; a minute more is enough. Retries wait less than this.
BROKER_VISIBILITY_TIMEOUT = max(JOB_TIME_LIMIT, EXPIRY_TIME_LIMIT) + 60
RETRY_BACKOFF_MAX = 5 * 60

# A job that meets a transient database error (a restart, a failover, a cut connection)
# retries after 15 s, 30 s, 1, 2, 4 min, then every 5 min: 8 retries span about 23 minutes,
# so a database that is back within 10 minutes sees the job finish. No jitter: the window is
# a promise, and there are only a handful of jobs to spread.
JOB_RETRY_BACKOFF = 15
JOB_MAX_RETRIES = 8
# Mail: 30 s, 1, 2, 4 min, then every 5 min: 8 retries span about 27 minutes.
MAIL_RETRY_BACKOFF = 30
MAIL_MAX_RETRIES = 8
# Retries must keep trying for at least this long (tests/hardening/test_db_restart.py).
RETRY_WINDOW_MIN = 10 * 60

# A running job holds a lease (core.locks) that it renews every JOB_LEASE_RENEW_SECONDS; a
# holder that died stops renewing, and its lease is free JOB_LEASE_SECONDS later at most
# (at once when the holder was a process on the same host that no longer exists).
JOB_LEASE_SECONDS = 60
JOB_LEASE_RENEW_SECONDS = 15


def retry_schedule(*, backoff: int, max_retries: int, maximum: int = RETRY_BACKOFF_MAX):
    """The waits, in seconds, before each retry (Celery's exponential backoff, no jitter)."""
    return [min(maximum, backoff * 2**retry) for retry in range(max_retries)]
