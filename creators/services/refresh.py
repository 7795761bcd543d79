"""The monthly tier refresh and the daily follower refresh: one SQL statement over every
creator, inside one transaction each, so a crash leaves every creator as it was and a rerun
(same date) changes nothing. Higher apps keep their copies in step by listening to
`creator_figures_refreshed`, sent inside that transaction."""

import datetime as dt
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core.clock import business_today
from core.jobs import job_last_success_started_at, job_run_record
from core.models import JobRun
from core.sql import db_value
from creators.models import Creator, CreatorDailyStats, Tier, TierHistory
from creators.signals import creator_figures_refreshed

from .thresholds import tier_thresholds, tier_window

# Where PostgreSQL and SQLite differ, for both refreshes; these are the only vendor checks here:
# - Cents: PostgreSQL sums numeric exactly; SQLite sums floats, so each row is rounded to whole
#   cents before it is summed ($999.99 vs $1,000 must be decided exactly).
# - The tier refresh: on PostgreSQL one statement writes history and creators (data-modifying
#   CTEs read one snapshot); SQLite has none, so it keeps the new tiers in a temporary table
#   and runs the same INSERT and UPDATE against it, in one transaction.
# - The follower refresh: PostgreSQL takes each creator's newest feed row with LATERAL … LIMIT
#   1 (a daily run) or DISTINCT ON (a full run); SQLite with ROW_NUMBER().
# - work_mem is a PostgreSQL setting.
# Every statement is built once and takes named parameters (%(name)s) from one dict per run.


def _postgres() -> bool:
    return connection.vendor == "postgresql"


_CREATOR_T = Creator._meta.db_table
_STATS_T = CreatorDailyStats._meta.db_table
_HISTORY_T = TierHistory._meta.db_table
_CENTS_SUM = {
    True: "SUM(live_gmv_usd) * 100",
    False: "SUM(CAST(ROUND(live_gmv_usd * 100) AS INTEGER))",
}

# A refresh is one statement over every creator; its transaction gets room to keep its
# joins and sorts in memory rather than spilling them to temporary files.
REFRESH_WORK_MEM = "256MB"


def _refresh_session(cursor) -> None:
    if _postgres():
        cursor.execute(f"SET LOCAL work_mem = '{REFRESH_WORK_MEM}'")


def tier_case_sql(cents_column: str, thresholds: dict[Tier, Decimal]) -> tuple[str, dict]:
    """`CASE … END` giving the tier for a GMV in whole cents, and its named parameters."""
    whens, params = [], {}
    for tier in sorted(thresholds, reverse=True):
        name = f"min_cents_{int(tier)}"
        whens.append(f"WHEN {cents_column} >= %({name})s THEN {int(tier)}")
        params[name] = int(thresholds[tier] * 100)
    return f"CASE {' '.join(whens)} ELSE {int(Tier.NON_TIERED)} END", params


def _new_tiers_sql(case_sql: str) -> str:
    """Each creator's old tier, and GMV and tier over %(start)s … %(end)s."""
    return f"""
        SELECT c.id AS creator_id, c.tier AS old_tier, COALESCE(s.cents, 0) / 100.0 AS gmv,
               {case_sql} AS tier
        FROM {_CREATOR_T} c
        LEFT JOIN (
            SELECT creator_id, {_CENTS_SUM[_postgres()]} AS cents FROM {_STATS_T}
            WHERE date >= %(start)s AND date <= %(end)s GROUP BY creator_id
        ) s ON s.creator_id = c.id
    """


def _history_insert_sql(new_tiers: str) -> str:
    return f"""
        INSERT INTO {_HISTORY_T}
            (creator_id, as_of, previous_tier, tier, live_gmv_30d, recorded_at)
        SELECT n.creator_id, %(as_of)s, n.old_tier, n.tier, n.gmv, %(now)s
        FROM {new_tiers} n WHERE n.old_tier <> n.tier
    """


def _creators_update_sql(new_tiers: str) -> str:
    return f"""
        UPDATE {_CREATOR_T} AS c
        SET tier = n.tier, live_gmv_30d = n.gmv, tier_as_of = %(as_of)s,
            tier_refreshed_at = %(now)s
        FROM {new_tiers} n
        WHERE c.id = n.creator_id
          AND (c.tier <> n.tier OR c.live_gmv_30d <> n.gmv OR c.tier_as_of IS NULL
               OR c.tier_as_of <> %(as_of)s)
    """


def tiers_refresh(*, as_of: dt.date | None = None) -> JobRun:
    """Set every creator's tier from LIVE GMV dated as_of-30 … as_of-1; keep tier history."""
    as_of = as_of or business_today()
    start, end = tier_window(as_of)
    case_sql, params = tier_case_sql("COALESCE(s.cents, 0)", tier_thresholds())
    params.update(
        start=db_value(start),
        end=db_value(end),
        as_of=db_value(as_of),
        now=db_value(timezone.now()),
    )
    new_tiers = _new_tiers_sql(case_sql)
    with job_run_record(job=JobRun.Job.REFRESH_TIERS, as_of=as_of) as run:
        with transaction.atomic(), connection.cursor() as cursor:
            _refresh_session(cursor)
            if _postgres():
                # One statement: the CTEs read the old tiers from the same snapshot the
                # UPDATE changes, so history and creators agree.
                cursor.execute(
                    f"WITH n AS ({new_tiers}), hist AS ({_history_insert_sql('n')}) "
                    f"{_creators_update_sql('n')}",
                    params,
                )
                run.rows_changed = cursor.rowcount
            else:
                cursor.execute("DROP TABLE IF EXISTS temp_new_tiers")
                cursor.execute(f"CREATE TEMP TABLE temp_new_tiers AS {new_tiers}", params)
                cursor.execute(_history_insert_sql("temp_new_tiers"), params)
                cursor.execute(_creators_update_sql("temp_new_tiers"), params)
                run.rows_changed = cursor.rowcount
                cursor.execute("DROP TABLE temp_new_tiers")
            creator_figures_refreshed.send(sender=JobRun, job_run=run)
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
    last_run = job_last_success_started_at(job=JobRun.Job.REFRESH_FOLLOWERS)
    since = None if full or last_run is None else last_run - FOLLOWER_REFRESH_OVERLAP
    params = {"now": db_value(timezone.now()), "since": db_value(since)}
    touched = f"SELECT DISTINCT creator_id FROM {_STATS_T} WHERE imported_at >= %(since)s"
    if _postgres() and since is not None:
        # The newest row of each touched creator, straight from the (creator, date) index.
        latest_sql = f"""
            SELECT t.creator_id, n.date, n.followers FROM ({touched}) t
            CROSS JOIN LATERAL (
                SELECT date, followers FROM {_STATS_T} s
                WHERE s.creator_id = t.creator_id ORDER BY date DESC LIMIT 1
            ) n
        """
    elif _postgres():
        latest_sql = f"""
            SELECT DISTINCT ON (creator_id) creator_id, date, followers
            FROM {_STATS_T} ORDER BY creator_id, date DESC
        """
    else:
        where = "" if since is None else f"WHERE creator_id IN ({touched})"
        latest_sql = f"""
            SELECT creator_id, date, followers FROM (
                SELECT creator_id, date, followers, ROW_NUMBER() OVER (
                    PARTITION BY creator_id ORDER BY date DESC) AS newest
                FROM {_STATS_T} {where}
            ) ranked WHERE newest = 1
        """
    with job_run_record(job=JobRun.Job.REFRESH_FOLLOWERS, as_of=business_today()) as run:
        if since is not None:
            run.detail = f"feed rows imported since {since:%Y-%m-%d %H:%M} UTC"
        with transaction.atomic(), connection.cursor() as cursor:
            _refresh_session(cursor)
            cursor.execute(
                f"""
                UPDATE {_CREATOR_T} AS c
                SET follower_count = l.followers, followers_as_of = l.date,
                    followers_refreshed_at = %(now)s
                FROM ({latest_sql}) l
                WHERE c.id = l.creator_id
                  AND (c.followers_as_of IS NULL OR c.followers_as_of <> l.date
                       OR c.follower_count <> l.followers)
                """,
                params,
            )
            run.rows_changed = cursor.rowcount
            creator_figures_refreshed.send(sender=JobRun, job_run=run)
    return run
