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
