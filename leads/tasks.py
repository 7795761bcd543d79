"""Celery tasks for leads: authorization expiry, the 24-hour reminders and the daily digest."""

from core import job_limits
from core.models import JobRun
from core.tasks import job_task

from . import services
from .services.escalation import unanswered_requests_escalate
from .services.responsiveness import partner_responsiveness_refresh


# The job runs every five minutes (beat entries expire after four), so it must finish well
# within that; one set-based UPDATE and one INSERT … SELECT take seconds even at scale.
@job_task(
    soft_time_limit=job_limits.EXPIRY_SOFT_TIME_LIMIT,
    time_limit=job_limits.EXPIRY_TIME_LIMIT,
)
def expire_authorizations_task() -> JobRun:
    """Mark authorizations past their expiry and notify each seller once per lead."""
    return services.authorizations_expire()


# The standard limits (core/job_limits.py): the broker's visibility timeout is derived from
# them, so no job may run longer than it.
@job_task()
def remind_expiring_authorizations_task() -> JobRun:
    """Notify once per request when 24 hours or less of its authorization remain."""
    return services.expiring_authorizations_remind()


@job_task()
def send_expiry_digest_task() -> JobRun:
    """Email each staff user, once a day, the authorizations ending within 48 hours."""
    return services.expiry_digest_send()


@job_task()
def escalate_unanswered_requests_task() -> JobRun:
    """Notify once when an unanswered request nears its deadline, and once when it passes."""
    return unanswered_requests_escalate()


@job_task()
def refresh_partner_responsiveness_task() -> JobRun:
    """Recompute every partner's responsiveness figures (90 days, set-based)."""
    return partner_responsiveness_refresh()
