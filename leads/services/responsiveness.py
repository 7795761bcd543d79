"""Partner responsiveness: over the last 90 days of collaboration requests, the share answered
at all and the median time to first response, kept on the partner's row (creators.Partner).

The directory reads the columns only. A daily set-based job recomputes every partner; a first
response refreshes its own partner's figures on commit. Under 10 requests in the window the
figures are null ("New partner: not enough requests yet"); the sample is kept either way.
"""

import datetime as dt
import statistics
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core.jobs import job_run_record
from core.models import JobRun
from core.sql import db_value
from creators.models import Partner

from ..models import CollaborationRequest

WINDOW_DAYS = 90
MIN_SAMPLE = 10
JOB = JobRun.Job.REFRESH_PARTNER_RESPONSIVENESS

_PARTNER_T = Partner._meta.db_table
_REQUEST_T = CollaborationRequest._meta.db_table

# PostgreSQL: one UPDATE … FROM (one GROUP BY over the window, LEFT JOINed to partners so a
# partner whose requests aged out goes back to "new"); rows already right are not written.
_REFRESH_PG_SQL = f"""
    UPDATE {_PARTNER_T} AS p
    SET response_rate = f.rate, typical_response_hours = f.hours,
        responsiveness_sample = f.sample, responsiveness_updated_at = %(now)s
    FROM (
        SELECT p2.id,
               COALESCE(a.sample, 0) AS sample,
               CASE WHEN a.sample >= %(min)s THEN ROUND(a.rate::numeric, 4) END AS rate,
               CASE WHEN a.sample >= %(min)s THEN ROUND(a.hours::numeric, 2) END AS hours
        FROM {_PARTNER_T} p2
        LEFT JOIN (
            SELECT partner_id, count(*) AS sample,
                   avg(CASE WHEN first_response_at IS NOT NULL THEN 1.0 ELSE 0.0 END) AS rate,
                   percentile_cont(0.5) WITHIN GROUP (
                       ORDER BY EXTRACT(EPOCH FROM first_response_at - submitted_at) / 3600.0
                   ) FILTER (WHERE first_response_at IS NOT NULL) AS hours
            FROM {_REQUEST_T}
            WHERE submitted_at >= %(since)s AND submitted_at <= %(now)s
            GROUP BY partner_id
        ) a ON a.partner_id = p2.id
        {{only}}
    ) f
    WHERE p.id = f.id AND (
        p.responsiveness_sample IS DISTINCT FROM f.sample
        OR p.response_rate IS DISTINCT FROM f.rate
        OR p.typical_response_hours IS DISTINCT FROM f.hours
    )
"""


def responsiveness_figures(rows: list[tuple[dt.datetime, dt.datetime | None]]) -> dict:
    """Figures from (submitted_at, first_response_at) pairs: the plain-Python rule (SQLite's
    path, and what the tests check the SQL against)."""
    sample = len(rows)
    if sample < MIN_SAMPLE:
        return {
            "responsiveness_sample": sample,
            "response_rate": None,
            "typical_response_hours": None,
        }
    answered = [(first - sent).total_seconds() / 3600 for sent, first in rows if first]
    rate = Decimal(len(answered) / sample).quantize(Decimal("0.0001"))
    hours = Decimal(statistics.median(answered)).quantize(Decimal("0.01")) if answered else None
    return {"responsiveness_sample": sample, "response_rate": rate, "typical_response_hours": hours}


def _refresh_python(*, partner_ids, now) -> int:
    since = now - dt.timedelta(days=WINDOW_DAYS)
    partners = (
        Partner.objects.all() if partner_ids is None else Partner.objects.filter(pk__in=partner_ids)
    )
    rows: dict[int, list] = {pk: [] for pk in partners.values_list("pk", flat=True)}
    window = CollaborationRequest.objects.filter(
        submitted_at__gte=since, submitted_at__lte=now, partner_id__in=list(rows)
    ).values_list("partner_id", "submitted_at", "first_response_at")
    for partner_id, sent, first in window:
        rows[partner_id].append((sent, first))
    changed = []
    current = {p.pk: p for p in partners.only(*_FIELDS)}
    for pk, pairs in rows.items():
        figures, partner = responsiveness_figures(pairs), current[pk]
        if any(getattr(partner, key) != value for key, value in figures.items()):
            for key, value in figures.items():
                setattr(partner, key, value)
            partner.responsiveness_updated_at = now
            changed.append(partner)
    Partner.objects.bulk_update(changed, [*_FIELDS[1:], "responsiveness_updated_at"])
    return len(changed)


_FIELDS = ("id", "responsiveness_sample", "response_rate", "typical_response_hours")


@transaction.atomic
def partner_responsiveness_update(*, partner_ids: list[int] | None = None, now=None) -> int:
    """Recompute the responsiveness figures of these partners (all when None); returns how
    many rows changed. Idempotent: a rerun writes nothing."""
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        return _refresh_python(partner_ids=partner_ids, now=now)
    params = {
        "now": db_value(now),
        "since": db_value(now - dt.timedelta(days=WINDOW_DAYS)),
        "min": MIN_SAMPLE,
    }
    only = ""
    if partner_ids is not None:
        if not partner_ids:
            return 0
        only = "WHERE p2.id = ANY(%(ids)s)"
        params["ids"] = list(partner_ids)
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH_PG_SQL.replace("{only}", only), params)
        return cursor.rowcount


def partner_responsiveness_refresh(*, now=None) -> JobRun:
    """The daily job: every partner's figures over the last 90 days, in one statement."""
    with job_run_record(job=JOB) as run:
        run.rows_changed = partner_responsiveness_update(now=now)
    return run


def partner_responsiveness_on_commit(*, partner_id: int) -> None:
    """After a first response commits, refresh that one partner's figures (cheap: one
    partner's 90 days on (partner, submitted_at))."""
    transaction.on_commit(lambda: partner_responsiveness_update(partner_ids=[partner_id]))
