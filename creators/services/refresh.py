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


def _tier_case_sql(cents_column: str, thresholds: dict[Tier, Decimal]) -> tuple[str, list]:
    # Compared in whole cents so SQLite's floating-point sums decide $999.99 vs $1,000 exactly.
    whens, params = [], []
    for tier in sorted(thresholds, reverse=True):
        whens.append(f"WHEN {cents_column} >= %s THEN {int(tier)}")
        params.append(int(thresholds[tier] * 100))
    return f"CASE {' '.join(whens)} ELSE {int(Tier.NON_TIERED)} END", params


# A refresh is one statement over every creator; its transaction gets room to keep its
# joins and sorts in memory rather than spilling them to temporary files.
REFRESH_WORK_MEM = "256MB"


def _refresh_session(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute(f"SET LOCAL work_mem = '{REFRESH_WORK_MEM}'")


def _tables() -> dict[str, str]:
    return {
        "creator": Creator._meta.db_table,
        "stats": CreatorDailyStats._meta.db_table,
        "history": TierHistory._meta.db_table,
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
    t = _tables()
    now = db_value(timezone.now())
    last_run = job_last_success_started_at(job=JobRun.Job.REFRESH_FOLLOWERS)
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
            creator_figures_refreshed.send(sender=JobRun, job_run=run)
    return run
