"""The creator-stats feed intake: parse CSV or JSON rows, then apply them in one
transaction (unknown creators are created; re-importing the same rows changes nothing)."""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core.jobs import job_run_record
from core.locks import transaction_lock
from core.models import JobRun
from creators.models import MAX_FOLLOWERS, Creator, CreatorDailyStats

HANDLE_RE = re.compile(r"^[A-Za-z0-9_.]{2,64}$")
STATS_HEADER = ("handle", "date", "live_gmv_usd", "followers")
OPTIONAL_STATS_COLUMNS = ("live_sessions", "average_viewers", "top_category")
MAX_GMV = Decimal("999999999999.99")


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


# live_sessions and average_viewers are 32-bit integer columns on PostgreSQL.
MAX_INT32 = 2**31 - 1


def _parse_int(
    value: str, name: str, errors: list[str], line: int, required: bool, maximum: int
) -> int:
    value = (value or "").strip()
    if not value:
        if required:
            errors.append(f"line {line}: {name} is required")
        return 0
    # ASCII digits only: int() also reads "٣" and "1_000", and overflows nothing itself.
    digits = value.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 30:
        errors.append(f"line {line}: {name} must be a whole number, not {value[:30]!r}")
        return 0
    number = int(value)
    if number < 0 or number > maximum:
        errors.append(f"line {line}: {name} must be between 0 and {maximum:,}")
        return 0
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
        followers = _parse_int(
            _cell(record, "followers"), "followers", row_errors, line, True, MAX_FOLLOWERS
        )
        sessions = _parse_int(
            _cell(record, "live_sessions"), "live_sessions", row_errors, line, False, MAX_INT32
        )
        viewers = _parse_int(
            _cell(record, "average_viewers"), "average_viewers", row_errors, line, False, MAX_INT32
        )
        category = _cell(record, "top_category")
        if "\x00" in category:  # PostgreSQL cannot store it
            row_errors.append(f"line {line}: top_category contains a null character")
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


def _creator_ids_by_handle(handles: list[str]) -> dict[str, int]:
    """Creator ids by lower-cased handle (handles are unique whatever their case)."""
    ids: dict[str, int] = {}
    for i in range(0, len(handles), 900):
        ids.update(
            Creator.objects.annotate(key=Lower("handle"))
            .filter(key__in=handles[i : i + 900])
            .values_list("key", "id")
        )
    return ids


def _creator_ids_create_missing(rows: list[StatsRow], result: "StatsImportResult") -> dict:
    """Ids of the rows' creators by lower-cased handle, creating the unknown ones.

    A handle is matched whatever its case; a new creator keeps the case of its first row.
    """
    first_spelling: dict[str, str] = {}
    for row in rows:
        first_spelling.setdefault(row.handle.lower(), row.handle)
    creator_ids = _creator_ids_by_handle(sorted(first_spelling))
    new_keys = sorted(key for key in first_spelling if key not in creator_ids)
    if new_keys:
        Creator.objects.bulk_create(
            [Creator(handle=first_spelling[k], display_name=first_spelling[k]) for k in new_keys],
            batch_size=1000,
        )
        creator_ids.update(_creator_ids_by_handle(new_keys))
        result.creators_created = len(new_keys)
    return creator_ids


def creator_stats_import(*, rows: list[StatsRow]) -> StatsImportResult:
    """Apply validated feed rows in one transaction: new creators, new and changed days."""
    result = StatsImportResult(rows=len(rows))
    if not rows:
        return result
    try:
        return _creator_stats_apply(rows, result)
    except IntegrityError as exc:
        # Only a creator added elsewhere (the admin) in the same instant gets here: imports
        # themselves are serialized. Nothing was written; the sender can simply retry.
        raise ValidationError(
            {
                "rows": [
                    "Another change to the same creators was saved at the same moment; "
                    "nothing was imported. Send the rows again."
                ]
            },
            code="conflict",
        ) from exc


def _creator_stats_apply(rows: list[StatsRow], result: StatsImportResult) -> StatsImportResult:
    with (
        job_run_record(job=JobRun.Job.IMPORT_CREATOR_STATS, exclusive=False) as run,
        transaction.atomic(),
    ):
        # Imports run one at a time: a second import of the same rows waits for the first to
        # commit, then finds them (unchanged), so neither fails on the unique constraints and
        # both report true counts.
        transaction_lock("import_creator_stats")
        creator_ids = _creator_ids_create_missing(rows, result)
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
            creator_id = creator_ids[row.handle.lower()]
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
