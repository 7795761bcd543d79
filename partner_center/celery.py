"""The Celery app; the beat schedule lives in settings (CELERY_BEAT_SCHEDULE).

Run exactly one beat process: two would fire every scheduled job twice.
"""

import logging
import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partner_center.settings.local")

app = Celery("partner_center")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@beat_init.connect
def tier_refresh_catch_up(sender=None, **kwargs):
    """When beat starts after missing the 2nd-of-month tier refresh, queue that refresh once."""
    from creators.selectors import tier_refresh_due
    from creators.tasks import refresh_tiers_task

    due = tier_refresh_due()
    if due is None:
        return None
    logger.warning("Tier refresh for %s did not run (beat was down); queuing it now.", due)
    return refresh_tiers_task.delay(as_of=due.isoformat())
