"""The business clock: today in the partner center's time zone, and the monthly tier
refresh's schedule (02:00 on the 2nd). Beat's crontab, the catch-up check and the demo all
read the schedule from here. Also the pages' UTC time text (`utc_text`)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# The source: "tier data refreshes on the 2nd day of each month".
TIER_REFRESH_DAY = 2
TIER_REFRESH_HOUR = 2


def business_zone() -> ZoneInfo:
    return ZoneInfo(settings.PARTNER_CENTER_TIME_ZONE)


def business_today() -> dt.date:
    """Today in the partner center's business time zone (U.S. Pacific by default)."""
    return timezone.now().astimezone(business_zone()).date()


def tier_refresh_latest(*, now: dt.datetime | None = None) -> dt.date:
    """The date of the latest monthly tier refresh moment that has passed.

    That is the 2nd of this month from 02:00 on, else the 2nd of last month.
    """
    local = (now or timezone.now()).astimezone(business_zone())
    if (local.day, local.hour) >= (TIER_REFRESH_DAY, TIER_REFRESH_HOUR):
        return local.date().replace(day=TIER_REFRESH_DAY)
    return (local.date().replace(day=1) - dt.timedelta(days=1)).replace(day=TIER_REFRESH_DAY)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def utc_text(moment: dt.datetime | None, *, year: bool = False) -> str:
    """A time as the pages show it, in UTC: `Nov 5, 14:03`, or with the year `Nov 5, 2026
    14:03` (`|date:"M j, H:i"` and `"M j, Y H:i"`). Rows repeated by the hundred (messages,
    threads, history, notes, notifications) use this instead of the `date` filter, which costs
    far more per call. English month names, whatever the process locale."""
    if moment is None:
        return ""
    moment = moment.astimezone(dt.UTC)
    day = f"{MONTHS[moment.month - 1]} {moment.day}"
    return f"{day}, {moment.year} {moment:%H:%M}" if year else f"{day}, {moment:%H:%M}"


def utc_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """A UTC calendar day as [start, end): the pages' and stats' "on Nov 22" (times are UTC)."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)
