"""Celery beat's one schedule: crontab entries only, each with a comment and an `expires`
(CELERY_TIMEZONE is the business time zone). Imported by settings/base.py."""

from celery.schedules import crontab

from core.clock import TIER_REFRESH_DAY, TIER_REFRESH_HOUR

CELERY_BEAT_SCHEDULE = {
    # Monthly tier refresh: the source says tiers refresh on the 2nd day of each month.
    "refresh-tiers-monthly": {
        "task": "creators.tasks.refresh_tiers_task",
        "schedule": crontab(minute=0, hour=TIER_REFRESH_HOUR, day_of_month=TIER_REFRESH_DAY),
        "options": {"expires": 6 * 60 * 60},
    },
    # Daily follower refresh: follower counts are refreshed once a day.
    "refresh-followers-daily": {
        "task": "creators.tasks.refresh_followers_task",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": 6 * 60 * 60},
    },
    # Tier refresh catch-up: reruns the latest monthly refresh if it did not succeed (its
    # worker was killed, or beat was down at 02:00 on the 2nd); otherwise does nothing.
    "refresh-tiers-catch-up": {
        "task": "creators.tasks.tier_refresh_catch_up_task",
        "schedule": crontab(minute=15),
        "options": {"expires": 50 * 60},
    },
    # Authorization expiry: licensed data is hidden at read time; this marks and notifies.
    "expire-authorizations": {
        "task": "leads.tasks.expire_authorizations_task",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    # Expiring-authorization reminders: one notice per request once 24 hours or less remain.
    # Hourly, so a reminder comes between 24 and 23 hours before the end.
    "remind-expiring-authorizations-hourly": {
        "task": "leads.tasks.remind_expiring_authorizations_task",
        "schedule": crontab(minute=10),
        "options": {"expires": 50 * 60},
    },
    # Partner responsiveness (90 days of requests); first responses refresh their partner.
    "refresh-partner-responsiveness-daily": {
        "task": "leads.tasks.refresh_partner_responsiveness_task",
        "schedule": crontab(minute=45, hour=3),
        "options": {"expires": 6 * 60 * 60},
    },
    # Daily expiry digest email to every staff user (07:00 business time, before the workday).
    "send-expiry-digest-daily": {
        "task": "leads.tasks.send_expiry_digest_task",
        "schedule": crontab(minute=0, hour=7),
        "options": {"expires": 6 * 60 * 60},
    },
    # First-response escalation: the owner (or every staff user) is told once when a request
    # enters the last 25% of its response window, and once when its deadline passes.
    "escalate-unanswered-requests-hourly": {
        "task": "leads.tasks.escalate_unanswered_requests_task",
        "schedule": crontab(minute=20),
        "options": {"expires": 50 * 60},
    },
    # Webhooks (integrations): each run fans the outbox out and sends what is due, polling for
    # about 50 s, so events leave within a second or so of their commit; runs never overlap.
    "deliver-webhooks-every-minute": {
        "task": "integrations.tasks.deliver_webhooks_task",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    # Due follow-up tasks: each assignee is told once when an open task falls due.
    "remind-due-tasks-hourly": {
        "task": "followup.tasks.remind_due_tasks_task",
        "schedule": crontab(minute=25),
        "options": {"expires": 50 * 60},
    },
}
