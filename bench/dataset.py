"""Build the scale dataset on PostgreSQL with set-based SQL (generate_series), not the ORM."""

import datetime as dt

from django.db import connection

FEED_START = dt.date(2026, 11, 2)
FEED_DAYS = 31  # Nov 2 … Dec 2: the windows of the Dec 2 and Dec 3 refreshes
LIVE_SHARE = 5  # every 5th creator went LIVE: 20% of creators, 30+ days of feed each


def sizes(creators: int) -> dict:
    return {
        "creators": creators,
        "partners": max(10, creators // 1000),
        "big_partner_leads": min(100_000, creators // 10),
        "other_leads": creators // 20,
        "feed_rows": (creators // LIVE_SHARE) * FEED_DAYS,
    }


VERSION = 7  # bump when the dataset's shape changes


def present(creators: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM creators_creator WHERE handle LIKE 'bc\\_%%'")
        if cursor.fetchone()[0] != creators:
            return False
        cursor.execute(
            "SELECT count(*) FROM creators_partner WHERE slug = %s", [f"bench-v{VERSION}"]
        )
        return cursor.fetchone()[0] == 1


def build(creators: int, log=print) -> None:
    size = sizes(creators)
    with connection.cursor() as cursor:
        log(f"building dataset: {size}")
        cursor.execute(
            "TRUNCATE leads_notification, leads_leadevent, leads_collaborationrequest, "
            "leads_leadpoolversion, leads_lead, im_message, im_thread, creators_tierhistory, "
            "creators_creatordailystats, creators_creator, creators_partnerstaff, "
            "creators_partner, creators_jobrun RESTART IDENTITY CASCADE"
        )
        # Followers spread over every range; tiers follow a long tail.
        cursor.execute(
            """
            INSERT INTO creators_creator (handle, display_name, avatar, tier, live_gmv_30d,
                follower_count, created_at)
            SELECT 'bc_' || g, 'Bench ' || (ARRAY['Ava','Leo','Mia','Kai','Zoe','Max'])[g %% 6 + 1]
                   || ' ' || g, '',
                   (ARRAY[0,0,0,1,1,1,2,2,3,3,4,5,6,7,8])[(g::bigint * 2654435761) %% 15 + 1], 0,
                   CASE WHEN (g::bigint * 40503) %% 100 < 40 THEN (g::bigint * 7919) %% 10000
                        WHEN (g::bigint * 40503) %% 100 < 70
                             THEN 10000 + (g::bigint * 7919) %% 90000
                        WHEN (g::bigint * 40503) %% 100 < 90
                             THEN 100000 + (g::bigint * 7919) %% 900000
                        WHEN (g::bigint * 40503) %% 100 < 99
                             THEN 1000000 + (g::bigint * 7919) %% 9000000
                        ELSE 10000000 + (g::bigint * 7919) %% 40000000 END,
                   now()
            FROM generate_series(1, %s) g
            """,
            [creators],
        )
        log("creators done")
        # The feed so far was imported before the last daily follower refresh (two days ago),
        # as in production; `bench.run` lands each new day (imported now) before a daily run.
        cursor.execute(
            """
            INSERT INTO creators_creatordailystats (creator_id, date, live_gmv_usd, followers,
                live_sessions, average_viewers, top_category, imported_at)
            SELECT c.id, %s::date + d, ((c.id * 31 + d * 17) %% 4000) / 100.0 * (1 + c.id %% 7),
                   c.follower_count + d, 1, 50 + c.id %% 200,
                   (ARRAY['Beauty','Home','Fashion','Food'])[c.id %% 4 + 1],
                   now() - interval '2 days'
            FROM creators_creator c CROSS JOIN generate_series(0, %s) d
            WHERE c.id %% %s = 0
            """,
            [FEED_START, FEED_DAYS - 1, LIVE_SHARE],
        )
        log("feed done")
        cursor.execute(
            """
            INSERT INTO creators_partner (name, slug, partner_type, profile, categories, logo,
                is_listed, created_at)
            SELECT CASE WHEN g = 1 THEN 'Bench Big Partner' ELSE 'Bench Partner ' || g END,
                   CASE WHEN g = 1 THEN 'bench-big' ELSE 'bench-' || g END,
                   CASE WHEN g %% 2 = 0 THEN 'CB' ELSE 'L2L' END, 'Bench partner', 'Beauty,Home',
                   '', true, now()
            FROM generate_series(1, %s) g
            """,
            [size["partners"]],
        )
        # The busy partner: leads of both sources, some authorizations live, some expired.
        cursor.execute(
            """
            INSERT INTO leads_lead (partner_id, creator_id, source, status, requested_at,
                creator_tier, creator_follower_count, licensed_data, authorization_expires_at,
                created_at, updated_at, creator_search)
            SELECT (SELECT id FROM creators_partner WHERE slug = 'bench-big'), c.id,
                   CASE WHEN c.id %% 3 = 0 THEN 'instant_message'
                        ELSE 'collaboration_request' END,
                   (ARRAY['new','contacted','collaborating','closed'])[c.id %% 4 + 1],
                   now() - (c.id %% 86400) * interval '1 minute',
                   c.tier, c.follower_count,
                   CASE WHEN c.id %% 3 = 0 THEN NULL ELSE jsonb_build_object(
                       'live_gmv_30d', '1234.56', 'live_sessions_30d', 5,
                       'average_viewers', 80, 'top_categories', jsonb_build_array('Beauty'),
                       'window_start', '2026-10-25', 'window_end', '2026-11-23') END,
                   CASE WHEN c.id %% 3 = 0 THEN NULL
                        ELSE now() + ((c.id %% 20) - 10) * interval '1 day' END,
                   now(), now(), lower(c.handle || E'\n' || c.display_name)
            FROM creators_creator c WHERE c.id <= %s
            """,
            [size["big_partner_leads"]],
        )
        # Every collaboration-request lead has its request, open until the job marks it.
        cursor.execute(
            """
            INSERT INTO leads_collaborationrequest (partner_id, creator_id, lead_id, message,
                consent_given, creator_tier, licensed_data, submitted_at,
                authorization_expires_at, is_open)
            SELECT l.partner_id, l.creator_id, l.id, '', true, l.creator_tier, l.licensed_data,
                   l.authorization_expires_at - interval '7 days', l.authorization_expires_at,
                   true
            FROM leads_lead l WHERE l.source = 'collaboration_request'
            """
        )
        cursor.execute(
            """
            INSERT INTO leads_lead (partner_id, creator_id, source, status, requested_at,
                creator_tier, creator_follower_count, created_at, updated_at, creator_search)
            SELECT 2 + c.id %% (%s - 1), c.id, 'instant_message', 'new',
                   now() - (c.id %% 5000) * interval '1 hour', c.tier, c.follower_count,
                   now(), now(), lower(c.handle || E'\n' || c.display_name)
            FROM creators_creator c WHERE c.id > %s AND c.id <= %s + %s
            """,
            [
                size["partners"],
                size["big_partner_leads"],
                size["big_partner_leads"],
                size["other_leads"],
            ],
        )
        cursor.execute(
            "INSERT INTO creators_partner (name, slug, partner_type, profile, categories, logo, "
            "is_listed, created_at) VALUES (%s, %s, 'L2L', 'dataset marker', '', '', false, now())",
            [f"Bench dataset v{VERSION}", f"bench-v{VERSION}"],
        )
        log("leads done; vacuuming and analyzing")
        # A live database's feed rows are days old and autovacuum has long passed over them
        # (hint bits set, visibility map current); a freshly loaded one is not, and the first
        # reader would pay for writing every page. Bring the dataset to that steady state.
        cursor.execute("VACUUM ANALYZE")
