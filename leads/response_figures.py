"""The first-response figures of the dashboard and `GET /api/v1/leads/stats/` (`response`),
over the leads a valid pool filterset selects (only leads with a response clock count:
collaboration requests; IM leads have none).

- `median_first_response_hours`: the median of first reply minus request time, answered
  leads only (null when none);
- `answered_within_target` (0..1): answered by the deadline, over the leads whose outcome is
  known (answered, or still unanswered past the deadline); null when none;
- `overdue`: awaiting a first reply past the deadline, now.

Each comes overall, `by_owner` (username, or `none`) and `by_source`. PostgreSQL computes the
median with percentile_cont, one aggregate query per grouping (three); elsewhere (SQLite, for
development and tests) it is computed in Python over at most MEDIAN_SAMPLE_MAX answered rows.
"""

import datetime as dt
import statistics

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
)

MEDIAN_SAMPLE_MAX = 20_000
GROUPS = {"all": None, "by_owner": "owner__username", "by_source": "source"}


class _Seconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


class _Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _wait():
    return ExpressionWrapper(
        F("first_response_at") - F("requested_at"), output_field=DurationField()
    )


def _figures(row: dict, median_seconds) -> dict:
    known = row["answered"] + row["overdue"]
    return {
        "median_first_response_hours": None
        if median_seconds is None
        else round(median_seconds / 3600, 2),
        "answered_within_target": round(row["within"] / known, 4) if known else None,
        "overdue": row["overdue"],
    }


def lead_response_stats(*, leads, now: dt.datetime) -> dict:
    """The figures above for `leads` (a filtered, unordered Lead queryset)."""
    clocked = leads.filter(response_due_at__isnull=False)
    answered = Q(first_response_at__isnull=False)
    counts = {
        "answered": Count("id", filter=answered),
        "within": Count("id", filter=answered & Q(first_response_at__lte=F("response_due_at"))),
        "overdue": Count("id", filter=~answered & Q(response_due_at__lte=now)),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        counts["median"] = _Median(_Seconds(_wait()), filter=answered)
    else:
        samples = _python_samples(clocked)
    answer = {}
    for name, field in GROUPS.items():
        if field is None:
            row = clocked.aggregate(**counts)
            median = row.get("median") if postgres else _median(samples, None, None)
            answer.update(_figures(row, median))
            continue
        rows = clocked.values(field).annotate(**counts).order_by()
        answer[name] = {
            (row[field] or "none"): _figures(
                row, row.get("median") if postgres else _median(samples, field, row[field])
            )
            for row in rows
        }
    return answer


def _python_samples(clocked) -> list[tuple]:
    return list(
        clocked.filter(first_response_at__isnull=False)
        .annotate(wait=_wait())
        .values_list("owner__username", "source", "wait")
        .order_by("-first_response_at")[:MEDIAN_SAMPLE_MAX]
    )


def _median(samples, field, value):
    index = {"owner__username": 0, "source": 1}.get(field)
    waits = [s[2].total_seconds() for s in samples if index is None or s[index] == value]
    return statistics.median(waits) if waits else None
