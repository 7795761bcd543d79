"""Writes for the creators domain: the feed intake and the tier and follower refreshes.

The refreshes work on sets in SQL inside one transaction each: a crash leaves every creator
as it was, and a rerun (same date) changes nothing.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from .models import (
    DEFAULT_TIER_THRESHOLDS,
    Creator,
    CreatorDailyStats,
    JobRun,
    Tier,
    TierHistory,
    TierThreshold,
)

TIER_WINDOW_DAYS = 30
HANDLE_RE = re.compile(r"^[A-Za-z0-9_.]{2,64}$")
STATS_HEADER = ("handle", "date", "live_gmv_usd", "followers")
OPTIONAL_STATS_COLUMNS = ("live_sessions", "average_viewers", "top_category")
MAX_GMV = Decimal("999999999999.99")
MAX_FOLLOWERS = 10**12


def business_today() -> dt.date:
    """Today in the partner center's business time zone (U.S. Pacific by default)."""
    return timezone.now().astimezone(ZoneInfo(settings.PARTNER_CENTER_TIME_ZONE)).date()


def tier_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The refresh on D counts LIVE GMV dated D-30 through D-1 inclusive."""
    return as_of - dt.timedelta(days=TIER_WINDOW_DAYS), as_of - dt.timedelta(days=1)


def tier_thresholds() -> dict[Tier, Decimal]:
    """The admin-edited thresholds, falling back to the defaults for any tier not set."""
    thresholds = dict(DEFAULT_TIER_THRESHOLDS)
    for row in TierThreshold.objects.all():
        thresholds[Tier(row.tier)] = row.min_live_gmv_usd
    return thresholds


def tier_for_gmv(gmv: Decimal, thresholds: dict[Tier, Decimal] | None = None) -> Tier:
    thresholds = thresholds or tier_thresholds()
    reached = [tier for tier, minimum in thresholds.items() if gmv >= minimum]
    return max(reached, default=Tier.NON_TIERED)


def _forget_freshness() -> None:
    """Pages cache "Tier data as of …" for a minute; a finished run in this process clears it."""
    from django.core.cache import cache

    cache.delete_many(
        [
            f"job-runs-latest:{a},{b}"
            for a, b in [(JobRun.Job.REFRESH_FOLLOWERS, JobRun.Job.REFRESH_TIERS)]
        ]
    )


@contextmanager
def job_run_record(*, job: str, as_of: dt.date | None = None):
    """Record a job run: started, then succeeded with its row count, or failed."""
    run = JobRun.objects.create(job=job, as_of=as_of, started_at=timezone.now())
    try:
        yield run
    except Exception as exc:
        run.status = JobRun.Status.FAILED
        run.finished_at = timezone.now()
        run.detail = f"{type(exc).__name__}: {exc}"[:2000]
        run.save(update_fields=["status", "finished_at", "detail"])
        raise
    run.status = JobRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    _forget_freshness()
    run.save(update_fields=["status", "finished_at", "rows_changed", "detail"])


def _tier_case_sql(cents_column: str, thresholds: dict[Tier, Decimal]) -> tuple[str, list]:
    # Compared in whole cents so SQLite's floating-point sums decide $999.99 vs $1,000 exactly.
    whens, params = [], []
    for tier in sorted(thresholds, reverse=True):
        whens.append(f"WHEN {cents_column} >= %s THEN {int(tier)}")
        params.append(int(thresholds[tier] * 100))
    return f"CASE {' '.join(whens)} ELSE {int(Tier.NON_TIERED)} END", params


def db_value(value):
    """Raw SQL parameters in the form the ORM stores (SQLite keeps datetimes as text)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


# A refresh is one statement over every creator; its transaction gets room to keep its
# joins and sorts in memory rather than spilling them to temporary files.
REFRESH_WORK_MEM = "256MB"


def _refresh_session(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute(f"SET LOCAL work_mem = '{REFRESH_WORK_MEM}'")


def _tables() -> dict[str, str]:
    from leads.models import Lead

    return {
        "creator": Creator._meta.db_table,
        "stats": CreatorDailyStats._meta.db_table,
        "history": TierHistory._meta.db_table,
        "lead": Lead._meta.db_table,
    }


def _new_tiers_select(thresholds) -> tuple[str, list]:
    t = _tables()
    case_sql, case_params = _tier_case_sql("COALESCE(s.cents, 0)", thresholds)
    if connection.vendor == "postgresql":
        cents = "SUM(live_gmv_usd) * 100"
    else:
        cents = "SUM(CAST(ROUND(live_gmv_usd * 100) AS INTEGER))"
    sql = f"""
        SELECT c.id AS creator_id, c.tier AS old_tier, COALESCE(s.cents, 0) / 100.0 AS gmv,
               {case_sql} AS tier
        FROM {t["creator"]} c
        LEFT JOIN (
            SELECT creator_id, {cents} AS cents FROM {t["stats"]}
            WHERE date >= %s AND date <= %s GROUP BY creator_id
        ) s ON s.creator_id = c.id
    """
    return sql, case_params


def leads_sync_creator_figures() -> int:
    """Copy creators' refreshed tier and followers onto their leads (the pool's sort keys)."""
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {t["lead"]} SET creator_tier = c.tier, creator_follower_count = c.follower_count
            FROM {t["creator"]} c
            WHERE c.id = {t["lead"]}.creator_id
              AND ({t["lead"]}.creator_tier <> c.tier
                   OR {t["lead"]}.creator_follower_count <> c.follower_count)
            """
        )
        return cursor.rowcount


def tiers_refresh(*, as_of: dt.date | None = None) -> JobRun:
    """Set every creator's tier from LIVE GMV dated as_of-30 … as_of-1; keep tier history."""
    as_of = as_of or business_today()
    start, end = tier_window(as_of)
    thresholds = tier_thresholds()
    t = _tables()
    now = db_value(timezone.now())
    new_sql, case_params = _new_tiers_select(thresholds)
    differs = (
        "(c.tier <> n.tier OR c.live_gmv_30d <> n.gmv OR c.tier_as_of IS NULL "
        "OR c.tier_as_of <> %s)"
    )
    with job_run_record(job=JobRun.Job.REFRESH_TIERS, as_of=as_of) as run:
        with transaction.atomic(), connection.cursor() as cursor:
            _refresh_session(cursor)
            if connection.vendor == "postgresql":
                # One statement: the CTEs read the old tiers from the same snapshot the
                # UPDATE changes, so history and creators agree.
                cursor.execute(
                    f"""
                    WITH n AS ({new_sql}),
                    hist AS (
                        INSERT INTO {t["history"]}
                            (creator_id, as_of, previous_tier, tier, live_gmv_30d, recorded_at)
                        SELECT n.creator_id, %s, n.old_tier, n.tier, n.gmv, %s FROM n
                        WHERE n.old_tier <> n.tier
                    )
                    UPDATE {t["creator"]} c
                    SET tier = n.tier, live_gmv_30d = n.gmv, tier_as_of = %s,
                        tier_refreshed_at = %s
                    FROM n WHERE c.id = n.creator_id AND {differs}
                    """,
                    [
                        *case_params,
                        *map(db_value, [start, end]),
                        *map(db_value, [as_of, now, as_of, now, as_of]),
                    ],
                )
                run.rows_changed = cursor.rowcount
            else:
                cursor.execute("DROP TABLE IF EXISTS temp_new_tiers")
                cursor.execute(
                    f"CREATE TEMP TABLE temp_new_tiers AS {new_sql}",
                    [*case_params, db_value(start), db_value(end)],
                )
                cursor.execute(
                    f"""
                    INSERT INTO {t["history"]}
                        (creator_id, as_of, previous_tier, tier, live_gmv_30d, recorded_at)
                    SELECT n.creator_id, %s, n.old_tier, n.tier, n.gmv, %s
                    FROM temp_new_tiers n WHERE n.old_tier <> n.tier
                    """,
                    [db_value(as_of), now],
                )
                cursor.execute(
                    f"""
                    UPDATE {t["creator"]} AS c
                    SET tier = n.tier, live_gmv_30d = n.gmv, tier_as_of = %s,
                        tier_refreshed_at = %s
                    FROM temp_new_tiers n WHERE c.id = n.creator_id AND {differs}
                    """,
                    [db_value(as_of), now, db_value(as_of)],
                )
                run.rows_changed = cursor.rowcount
                cursor.execute("DROP TABLE temp_new_tiers")
            leads_sync_creator_figures()
    return run


# The daily follower refresh rereads feed rows imported since its last successful run, with
# this much overlap, so an import that committed while that run was going is not missed.
FOLLOWER_REFRESH_OVERLAP = dt.timedelta(days=1)


def followers_refresh(*, full: bool = False) -> JobRun:
    """Copy each creator's newest follower figure from the feed onto the creator.

    Only creators with feed rows imported since the last successful run (less a day of
    overlap) are looked at, so a daily run costs what a day of feed costs, not the whole
    history. `full=True` (`refresh_followers --full`) rereads every creator's feed, e.g.
    after feed rows were deleted by hand.
    """
    t = _tables()
    now = db_value(timezone.now())
    last_run = (
        JobRun.objects.filter(job=JobRun.Job.REFRESH_FOLLOWERS, status=JobRun.Status.SUCCEEDED)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    since = None if full or last_run is None else last_run - FOLLOWER_REFRESH_OVERLAP
    params: list = []
    touched = f"SELECT DISTINCT creator_id FROM {t['stats']} WHERE imported_at >= %s"
    if connection.vendor == "postgresql" and since is not None:
        # The newest row of each touched creator, straight from the (creator, date) index.
        latest_sql = f"""
            SELECT t.creator_id, n.date, n.followers FROM ({touched}) t
            CROSS JOIN LATERAL (
                SELECT date, followers FROM {t["stats"]} s
                WHERE s.creator_id = t.creator_id ORDER BY date DESC LIMIT 1
            ) n
        """
        params.append(db_value(since))
    elif connection.vendor == "postgresql":
        latest_sql = f"""
            SELECT DISTINCT ON (creator_id) creator_id, date, followers
            FROM {t["stats"]} ORDER BY creator_id, date DESC
        """
    else:
        where = ""
        if since is not None:
            where = f"WHERE creator_id IN ({touched})"
            params.append(db_value(since))
        latest_sql = f"""
            SELECT creator_id, date, followers FROM (
                SELECT creator_id, date, followers, ROW_NUMBER() OVER (
                    PARTITION BY creator_id ORDER BY date DESC) AS newest
                FROM {t["stats"]} {where}
            ) ranked WHERE newest = 1
        """
    with job_run_record(job=JobRun.Job.REFRESH_FOLLOWERS, as_of=business_today()) as run:
        if since is not None:
            run.detail = f"feed rows imported since {since:%Y-%m-%d %H:%M} UTC"
        with transaction.atomic(), connection.cursor() as cursor:
            _refresh_session(cursor)
            cursor.execute(
                f"""
                UPDATE {t["creator"]} AS c
                SET follower_count = l.followers, followers_as_of = l.date,
                    followers_refreshed_at = %s
                FROM ({latest_sql}) l
                WHERE c.id = l.creator_id
                  AND (c.followers_as_of IS NULL OR c.followers_as_of <> l.date
                       OR c.follower_count <> l.followers)
                """,
                [now, *params],
            )
            run.rows_changed = cursor.rowcount
            leads_sync_creator_figures()
    return run


# --- The creator-stats feed intake -----------------------------------------------------


@dataclass
class StatsRow:
    line: int
    handle: str
    date: dt.date
    live_gmv_usd: Decimal
    followers: int
    live_sessions: int = 0
    average_viewers: int = 0
    top_category: str = ""


@dataclass
class StatsImportResult:
    rows: int = 0
    creators_created: int = 0
    rows_created: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def rows_changed(self) -> int:
        return self.rows_created + self.rows_updated


def _parse_int(value: str, name: str, errors: list[str], line: int, required: bool) -> int:
    value = (value or "").strip()
    if not value:
        if required:
            errors.append(f"line {line}: {name} is required")
        return 0
    try:
        number = int(value)
    except ValueError:
        errors.append(f"line {line}: {name} must be a whole number, not {value[:30]!r}")
        return 0
    if number < 0 or number > MAX_FOLLOWERS:
        errors.append(f"line {line}: {name} must be between 0 and {MAX_FOLLOWERS}")
    return number


def _cell(record: dict, name: str) -> str:
    """One cell as text; a missing cell or JSON null is empty, but 0 stays "0"."""
    value = record.get(name)
    return "" if value is None else str(value).strip()


def stats_rows_parse(
    records: Iterable[dict | None],
    *,
    first_line: int = 2,
    line_numbers: list[int] | None = None,
) -> list[StatsRow]:
    """Validate feed records; raise ValidationError listing every bad row by line number.

    Rows are numbered from `first_line` on, unless `line_numbers` gives each row's line.
    """
    rows: list[StatsRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for index, record in enumerate(records):
        line = line_numbers[index] if line_numbers is not None else first_line + index
        if not isinstance(record, dict):
            errors.append(f"line {line}: expected an object with {', '.join(STATS_HEADER)}")
            continue
        row_errors: list[str] = []
        handle = _cell(record, "handle").lstrip("@")
        if not HANDLE_RE.match(handle):
            row_errors.append(
                f"line {line}: handle must be 2-64 letters, digits, '_' or '.', not {handle[:30]!r}"
            )
        raw_date = _cell(record, "date")
        try:
            date = dt.date.fromisoformat(raw_date)
            if len(raw_date) != 10:  # fromisoformat also takes 20261120 and 2026-W47-5
                raise ValueError
        except ValueError:
            row_errors.append(f"line {line}: date must be YYYY-MM-DD, not {raw_date[:30]!r}")
            date = None
        raw_gmv = _cell(record, "live_gmv_usd")
        try:
            gmv = Decimal(raw_gmv)
            if not gmv.is_finite() or gmv < 0 or gmv > MAX_GMV:
                raise InvalidOperation
            if gmv != gmv.quantize(Decimal("0.01")):
                row_errors.append(f"line {line}: live_gmv_usd has more than 2 decimals")
            gmv = gmv.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            row_errors.append(
                f"line {line}: live_gmv_usd must be a non-negative amount, not {raw_gmv[:30]!r}"
            )
            gmv = Decimal("0")
        followers = _parse_int(_cell(record, "followers"), "followers", row_errors, line, True)
        sessions = _parse_int(
            _cell(record, "live_sessions"), "live_sessions", row_errors, line, False
        )
        viewers = _parse_int(
            _cell(record, "average_viewers"), "average_viewers", row_errors, line, False
        )
        category = _cell(record, "top_category")
        if len(category) > 64:
            row_errors.append(f"line {line}: top_category is longer than 64 characters")
        if date is not None and handle and not row_errors:
            key = (handle.lower(), date)
            if key in seen:
                row_errors.append(f"line {line}: duplicate of line {seen[key]} ({handle}, {date})")
            seen[key] = line
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(StatsRow(line, handle, date, gmv, followers, sessions, viewers, category))
    if errors:
        raise ValidationError({"rows": errors})
    return rows


def stats_csv_parse(text: str) -> list[StatsRow]:
    """Parse the feed's CSV (`handle,date,live_gmv_usd,followers` header)."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ValidationError({"header": [f"line 1: not a CSV header ({exc})"]}) from exc
    missing = [name for name in STATS_HEADER if name not in header]
    if missing:
        raise ValidationError(
            {
                "header": [
                    f"line 1: the header must include {','.join(STATS_HEADER)}; "
                    f"missing {', '.join(missing)}"
                ]
            }
        )
    reader.fieldnames = header
    records: list[dict] = []
    lines: list[int] = []
    errors: list[str] = []
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {reader.line_num}: not valid CSV ({exc})")
            break
        # The row's first line (a quoted cell may span lines; blank lines are skipped).
        line = reader.line_num - sum(str(v).count("\n") for v in record.values() if v)
        if None in record:
            errors.append(
                f"line {line}: {len(header) + len(record[None])} cells, "
                f"but the header has {len(header)}"
            )
            continue
        records.append(record)
        lines.append(line)
    try:
        rows = stats_rows_parse(records, line_numbers=lines)
    except ValidationError as exc:
        errors.extend(exc.message_dict["rows"])
        errors.sort(key=lambda message: int(message.split(":", 1)[0].removeprefix("line ")))
    if errors:
        raise ValidationError({"rows": errors})
    return rows


def creator_stats_import(*, rows: list[StatsRow]) -> StatsImportResult:
    """Apply validated feed rows in one transaction: new creators, new and changed days."""
    result = StatsImportResult(rows=len(rows))
    if not rows:
        return result
    with job_run_record(job=JobRun.Job.IMPORT_CREATOR_STATS) as run, transaction.atomic():
        handles = {row.handle for row in rows}
        creator_ids: dict[str, int] = {}
        handle_list = sorted(handles)
        for i in range(0, len(handle_list), 900):
            chunk = handle_list[i : i + 900]
            creator_ids.update(Creator.objects.filter(handle__in=chunk).values_list("handle", "id"))
        new_handles = [h for h in handle_list if h not in creator_ids]
        if new_handles:
            Creator.objects.bulk_create(
                [Creator(handle=h, display_name=h) for h in new_handles],
                ignore_conflicts=True,
                batch_size=1000,
            )
            for i in range(0, len(new_handles), 900):
                chunk = new_handles[i : i + 900]
                creator_ids.update(
                    Creator.objects.filter(handle__in=chunk).values_list("handle", "id")
                )
            result.creators_created = len(new_handles)

        existing: dict[tuple[int, dt.date], CreatorDailyStats] = {}
        ids = sorted(set(creator_ids.values()))
        dates = [row.date for row in rows]
        for i in range(0, len(ids), 900):
            for stats in CreatorDailyStats.objects.filter(
                creator_id__in=ids[i : i + 900], date__gte=min(dates), date__lte=max(dates)
            ):
                existing[(stats.creator_id, stats.date)] = stats

        to_create, to_update = [], []
        imported_at = timezone.now()
        for row in rows:
            creator_id = creator_ids[row.handle]
            values = {
                "live_gmv_usd": row.live_gmv_usd,
                "followers": row.followers,
                "live_sessions": row.live_sessions,
                "average_viewers": row.average_viewers,
                "top_category": row.top_category,
            }
            current = existing.get((creator_id, row.date))
            if current is None:
                to_create.append(CreatorDailyStats(creator_id=creator_id, date=row.date, **values))
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                current.imported_at = imported_at  # new figures: the refresh must see them
                to_update.append(current)
            else:
                result.rows_unchanged += 1
        CreatorDailyStats.objects.bulk_create(to_create, batch_size=2000)
        CreatorDailyStats.objects.bulk_update(
            to_update,
            [
                "live_gmv_usd",
                "followers",
                "live_sessions",
                "average_viewers",
                "top_category",
                "imported_at",
            ],
            batch_size=1000,
        )
        result.rows_created = len(to_create)
        result.rows_updated = len(to_update)
        run.rows_changed = result.rows_changed
        run.detail = (
            f"{result.rows} rows: {result.rows_created} new, {result.rows_updated} changed, "
            f"{result.rows_unchanged} unchanged; {result.creators_created} new creators"
        )
    return result


def creator_licensed_data(*, creator: Creator, as_of: dt.date | None = None) -> dict:
    """The data a creator licenses to a partner: their last 30 days in the feed."""
    from django.db.models import Avg, Count, Sum

    as_of = as_of or business_today()
    start, end = tier_window(as_of)
    window = CreatorDailyStats.objects.filter(creator=creator, date__gte=start, date__lte=end)
    totals = window.aggregate(
        gmv=Sum("live_gmv_usd"), sessions=Sum("live_sessions"), viewers=Avg("average_viewers")
    )
    categories = (
        window.exclude(top_category="")
        .values("top_category")
        .annotate(days=Count("id"))
        .order_by("-days", "top_category")[:3]
    )
    return {
        "live_gmv_30d": str((totals["gmv"] or Decimal("0")).quantize(Decimal("0.01"))),
        "live_sessions_30d": int(totals["sessions"] or 0),
        "average_viewers": int(round(totals["viewers"] or 0)),
        "top_categories": [row["top_category"] for row in categories],
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
    }
