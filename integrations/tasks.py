"""Celery task of integrations: the webhook worker, started every minute by beat."""

from celery import shared_task

from core.jobs import JOB_OPTIONS, JobAlreadyRunning

from .services import webhooks_deliver

# Beat starts one run a minute; each polls for most of that minute, so an event leaves within
# about a second of its commit, and the next run starts as this one ends.
RUN_SECONDS = 50


@shared_task(**{**JOB_OPTIONS, "soft_time_limit": 150, "time_limit": 180})
def deliver_webhooks_task(seconds: float = RUN_SECONDS) -> dict:
    """Deliver committed outbox events to webhook endpoints for `seconds` (one run at a time:
    a second one answers `{"skipped": …}`)."""
    try:
        run = webhooks_deliver(seconds=seconds)
    except JobAlreadyRunning as exc:
        return {"skipped": str(exc)}
    return {
        "events": run.events,
        "attempted": run.sent.attempted,
        "succeeded": run.sent.succeeded,
        "failed": run.sent.failed,
        "disabled": run.sent.disabled,
    }
