"""The page figures of `make bench`: the Top LIVE Partner directory, the IM inbox, a long thread,
the IM poll, the notifications page, a lead's detail and the pipeline stats, each with its query
count.

`bench.run` calls `run()` after its own figures (on the dataset it built); `python -m
bench.pages` runs these figures alone on an existing dataset (quick iteration) and merges them
into the results file. What this adds to the dataset (threads, messages, notifications, one
lead's long history with notes, the big partner's conversion events) is built here with
set-based SQL, so the base dataset's shape (bench/dataset.py) stays the leads benchmark's own.
"""

import os
import re
import time

TARGETS = {
    "directory_p95_ms": 30,
    "im_inbox_p95_ms": 50,
    "notifications_page_p95_ms": 50,
    "thread_p95_ms": 50,
    "im_poll_p95_ms": 5,
    "lead_detail_p95_ms": 50,
    "stats_p95_ms": 100,
}
INBOX_THREADS = 10_000
THREAD_MESSAGES = 5_000
MESSAGES_PER_THREAD = 3
NOTIFICATIONS = 200_000
UNREAD_NOTIFICATIONS = 2_000
DETAIL_EVENTS = 200
DETAIL_NOTES = 50
PAGES_VERSION = 3  # bump when what `prepare` builds changes


def sizes(creators: int) -> dict:
    """The page dataset at this size: the issue's figures at full size, less on quick runs."""
    return {
        "inbox_threads": min(INBOX_THREADS, creators // 2),
        "thread_messages": THREAD_MESSAGES,
        "notifications": min(NOTIFICATIONS, creators * 2),
    }


def _pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def prepare(creators: int, log=print) -> dict:
    """Threads and messages for the big partner (once per size), its notifications (every run:
    the expiry benchmark deletes them) and the directory's maintained counts."""
    from django.db import connection

    from leads.services import partners_collaborating_recount

    size = sizes(creators)
    marker = f"bench-pages-v{PAGES_VERSION}-{size['inbox_threads']}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM creators_partner WHERE slug = 'bench-big'")
        big = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM creators_partner WHERE slug = %s", [marker])
        if not cursor.fetchone()[0]:
            log(f"building the page dataset: {size}")
            cursor.execute("TRUNCATE im_message, im_thread RESTART IDENTITY")
            cursor.execute(
                "DELETE FROM leads_leadpoolversion WHERE partner_id IN "
                "(SELECT id FROM creators_partner WHERE slug LIKE 'bench-pages-%%')"
            )
            cursor.execute("DELETE FROM creators_partner WHERE slug LIKE 'bench-pages-%%'")
            # One thread per creator of the first N leads: 1 in 10 with unread messages.
            cursor.execute(
                """
                INSERT INTO im_thread (partner_id, creator_id, created_at, last_message_at,
                    last_message_body, seller_last_read_at, creator_last_read_at,
                    creator_search)
                SELECT %s, c.id, now() - interval '90 days',
                       now() - (c.id * 7 %% 86400) * interval '1 minute',
                       'Last message ' || c.id,
                       CASE WHEN c.id %% 10 = 0 THEN NULL ELSE now() END, now(),
                       left(lower(c.handle || E'\\n' || c.display_name), 200)
                FROM creators_creator c WHERE c.id <= %s
                """,
                [big, size["inbox_threads"]],
            )
            cursor.execute(
                """
                INSERT INTO im_message (thread_id, sender_id, side, body, created_at)
                SELECT t.id, NULL, CASE WHEN g %% 2 = 0 THEN 'seller' ELSE 'creator' END,
                       'Message ' || g || ' of thread ' || t.id,
                       t.last_message_at - (%s - g) * interval '1 minute'
                FROM im_thread t CROSS JOIN generate_series(1, %s) g
                WHERE t.partner_id = %s
                """,
                [MESSAGES_PER_THREAD, MESSAGES_PER_THREAD, big],
            )
            # The long thread: the big partner's most recent, with 5,000 messages.
            cursor.execute(
                """
                WITH long AS (
                    UPDATE im_thread SET last_message_at = now(), seller_last_read_at = now()
                    WHERE id = (SELECT min(id) FROM im_thread WHERE partner_id = %s)
                    RETURNING id)
                INSERT INTO im_message (thread_id, sender_id, side, body, created_at)
                SELECT long.id, NULL, CASE WHEN g %% 2 = 0 THEN 'seller' ELSE 'creator' END,
                       'Long thread message ' || g,
                       now() - (%s - g) * interval '10 seconds'
                FROM long CROSS JOIN generate_series(1, %s) g
                """,
                [big, size["thread_messages"], size["thread_messages"]],
            )
            cursor.execute(
                "INSERT INTO creators_partner (name, slug, partner_type, profile, categories, "
                "logo, is_listed, created_at, collaborating_creators) "
                "VALUES (%s, %s, 'L2L', 'page dataset marker', '', '', false, now(), 0)",
                [f"Bench pages v{PAGES_VERSION}", marker],
            )
            cursor.execute("VACUUM ANALYZE im_thread")
            cursor.execute("VACUUM ANALYZE im_message")
        cursor.execute("SELECT count(*) FROM leads_notification WHERE partner_id = %s", [big])
        if cursor.fetchone()[0] != size["notifications"]:
            cursor.execute("DELETE FROM leads_notification WHERE partner_id = %s", [big])
            cursor.execute("SELECT min(id), count(*) FROM leads_lead WHERE partner_id = %s", [big])
            first_lead, leads = cursor.fetchone()
            # Oldest first, so ids follow time as they do live (the seller's read mark is an
            # id: `_users` leaves the newest 2,000 unread); each about one of the leads.
            cursor.execute(
                """
                INSERT INTO leads_notification (partner_id, user_id, kind, text, lead_id,
                    created_at)
                SELECT %s, NULL,
                       (ARRAY['new_request','lead_removed','authorization_expired'])[g %% 3 + 1],
                       'Bench notification ' || g, %s + g %% %s,
                       now() - (%s - g) * interval '30 seconds'
                FROM generate_series(1, %s) g
                """,
                [big, first_lead, leads, size["notifications"], size["notifications"]],
            )
            cursor.execute("VACUUM ANALYZE leads_notification")
        cursor.execute(
            "SELECT id, (SELECT max(m.id) FROM im_message m WHERE m.thread_id = t.id) "
            "FROM im_thread t WHERE partner_id = %s ORDER BY id LIMIT 1",
            [big],
        )
        long_thread, last_message = cursor.fetchone()
    partners_collaborating_recount()
    return {
        "big": big,
        "long_thread": long_thread,
        "last_message": last_message,
        **size,
    }


def _users(big: int):
    from django.contrib.auth.models import User

    from creators.models import Creator, PartnerStaff
    from notifications.models import Notification, NotificationReadMark

    seller, _ = User.objects.get_or_create(username="bench_seller")
    PartnerStaff.objects.get_or_create(user=seller, defaults={"partner_id": big})
    # The seller has read all but the newest UNREAD_NOTIFICATIONS.
    read_through = (
        Notification.objects.filter(partner_id=big)
        .order_by("-id")
        .values_list("id", flat=True)[UNREAD_NOTIFICATIONS : UNREAD_NOTIFICATIONS + 1]
    )
    NotificationReadMark.objects.update_or_create(
        user=seller, defaults={"read_through_id": next(iter(read_through), 0)}
    )
    creator_user, _ = User.objects.get_or_create(username="bench_creator")
    if not Creator.objects.filter(user=creator_user).exists():
        # A Silver+ creator, so the directory shows its VIP form.
        creator = Creator.objects.filter(handle__startswith="bc_", tier__gte=2).order_by("pk")[0]
        Creator.objects.filter(pk=creator.pk).update(user=creator_user)
    return seller, creator_user


def detail_lead_id(big: int) -> int:
    """The lead the detail figure (and the load run's mix) opens."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id) FROM leads_lead WHERE partner_id = %s "
            "AND source = 'collaboration_request' AND removed_at IS NULL",
            [big],
        )
        return cursor.fetchone()[0]


def _detail_lead(big: int, seller_id: int) -> int:
    """The lead the detail figure opens: the big partner's first collaboration-request lead,
    with 200 events (status moves, owner changes, request messages, note events) and 50 notes.
    Rebuilt when its counts differ: `bench.run`'s expiry benchmark deletes every event."""
    from django.db import connection

    lead = detail_lead_id(big)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM leads_leadevent WHERE lead_id = %s), "
            "(SELECT count(*) FROM leads_leadnote WHERE lead_id = %s AND deleted_at IS NULL)",
            [lead, lead],
        )
        if cursor.fetchone() == (DETAIL_EVENTS, DETAIL_NOTES):
            return lead
        cursor.execute("DELETE FROM leads_leadevent WHERE lead_id = %s", [lead])
        cursor.execute("DELETE FROM leads_leadnote WHERE lead_id = %s", [lead])
        # Oldest first, a minute apart: a request, then a cycle of status moves, owner
        # changes, the creator writing again and note events, half by the seller, half by jobs.
        cursor.execute(
            """
            INSERT INTO leads_leadevent (lead_id, kind, actor_id, from_status, to_status,
                from_owner_id, to_owner_id, text, created_at)
            SELECT %(lead)s, k.kind,
                   CASE WHEN g %% 2 = 0 THEN %(seller)s END,
                   CASE WHEN k.kind = 'status_changed' THEN 'new' ELSE '' END,
                   CASE WHEN k.kind = 'status_changed' THEN 'contacted' ELSE '' END,
                   NULL,
                   CASE WHEN k.kind = 'assigned' THEN %(seller)s END,
                   CASE WHEN k.kind IN ('requested', 'message')
                        THEN 'Creator message ' || g || ': happy to talk about a LIVE.'
                        ELSE '' END,
                   now() - (%(events)s - g) * interval '1 minute'
            FROM generate_series(1, %(events)s) g
            CROSS JOIN LATERAL (SELECT CASE WHEN g = 1 THEN 'requested'
                ELSE (ARRAY['status_changed','assigned','message','note_added'])[g %% 4 + 1]
                END AS kind) k
            """,
            {"lead": lead, "seller": seller_id, "events": DETAIL_EVENTS},
        )
        cursor.execute(
            """
            INSERT INTO leads_leadnote (lead_id, author_id, body, created_at, updated_at,
                deleted_at)
            SELECT %s, %s, 'Note ' || g || ': called the creator, follow up next week.',
                   now() - g * interval '1 hour', now() - g * interval '1 hour', NULL
            FROM generate_series(1, %s) g
            """,
            [lead, seller_id, DETAIL_NOTES],
        )
        cursor.execute("ANALYZE leads_leadevent")
        cursor.execute("ANALYZE leads_leadnote")
    return lead


def _conversions(big: int) -> None:
    """What the stats' conversion reads: each of the big partner's collaborating and closed
    leads moved to collaborating once (one event each, and the lead's
    `reached_collaborating_at`, as `lead_set_status` leaves them). Rebuilt when missing:
    `bench.run`'s expiry benchmark deletes every event."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE leads_lead SET reached_collaborating_at = requested_at + interval '1 day' "
            "WHERE partner_id = %s AND status IN ('collaborating', 'closed') "
            "AND reached_collaborating_at IS NULL",
            [big],
        )
        if cursor.rowcount:
            cursor.execute("VACUUM ANALYZE leads_lead")
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM leads_leadevent e JOIN leads_lead l ON l.id = e.lead_id "
            "WHERE l.partner_id = %s AND e.kind = 'status_changed' "
            "AND e.to_status = 'collaborating')",
            [big],
        )
        if cursor.fetchone()[0]:
            return
        cursor.execute(
            """
            INSERT INTO leads_leadevent (lead_id, kind, actor_id, from_status, to_status,
                from_owner_id, to_owner_id, text, created_at)
            SELECT l.id, 'status_changed', NULL, 'contacted', 'collaborating', NULL, NULL, '',
                   l.requested_at + interval '1 day'
            FROM leads_lead l
            WHERE l.partner_id = %s AND l.status IN ('collaborating', 'closed')
            """,
            [big],
        )
        cursor.execute("VACUUM ANALYZE leads_leadevent")


def _measure(client, urls, repeats, expect=(200,)):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, most = [], 0
    for url in urls:
        client.get(url)  # warm: session, caches, plans
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                took = time.perf_counter() - start
            if response.status_code not in expect:
                raise RuntimeError(f"{url} answered {response.status_code}")
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append(took * 1000)
            most = max(most, len(captured))
    return _pct(times, 95), most


def _older_link(html: str) -> str:
    return re.search(r'href="(\?older=[^"]+)" data-testid="older-threads"', html).group(1)


def _poller_url(html: str) -> str:
    return re.search(r'id="poller" hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")


def run(creators: int, repeats: int, log=print) -> dict:
    """The page figures (p95 in ms, and the most queries one request made)."""
    import logging

    from django.test import Client

    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    facts = prepare(creators, log=log)
    seller_user, creator_user = _users(facts["big"])
    seller, creator = Client(), Client()
    seller.force_login(seller_user)
    creator.force_login(creator_user)
    repeats = max(repeats, 20)
    figures = {}

    directory = ["/ec/partners/", "/ec/partners/?q=partner%209", "/ec/partners/?page=20"]
    figures["directory_p95_ms"], figures["directory_queries"] = _measure(
        creator, directory, repeats
    )
    figures["directory_api_p95_ms"], figures["directory_api_queries"] = _measure(
        creator, ["/api/v1/partners/", "/api/v1/partners/?search=partner%209"], repeats
    )
    # The first page, the Leads filter, a search (1 thread in 100 matches), and an older page
    # 100 threads down reached through the page's own "Older conversations" links.
    inbox = ["/seller/im/", "/seller/im/?filter=leads", "/seller/im/?q=bc_99"]
    older = "/seller/im/"
    for _ in range(2):
        older = "/seller/im/" + _older_link(seller.get(older).content.decode())
    figures["im_inbox_p95_ms"], figures["im_inbox_queries"] = _measure(
        seller, [*inbox, older], repeats
    )
    long_thread = f"/seller/im/{facts['long_thread']}/"
    figures["thread_p95_ms"], figures["thread_queries"] = _measure(seller, [long_thread], repeats)
    # The poll exactly as the open conversation sends it (with its signed poll token), and
    # the same poll without the token (the session path: sign-in, role, thread, messages).
    poll = _poller_url(seller.get(long_thread).content.decode())
    figures["im_poll_p95_ms"], figures["im_poll_queries"] = _measure(
        seller, [poll], repeats * 3, expect=(204,)
    )
    figures["im_poll_session_p95_ms"], figures["im_poll_session_queries"] = _measure(
        seller, [poll.split("&t=")[0]], repeats * 3, expect=(204,)
    )
    figures["im_poll_api_p95_ms"], figures["im_poll_api_queries"] = _measure(
        seller,
        [f"/api/v1/im/threads/{facts['long_thread']}/messages/?after={facts['last_message']}"],
        repeats * 3,
        expect=(204,),
    )
    figures["notifications_page_p95_ms"], figures["notifications_page_queries"] = _measure(
        seller, ["/seller/notifications/"], repeats
    )
    lead = _detail_lead(facts["big"], seller_user.pk)
    figures["lead_detail_p95_ms"], figures["lead_detail_queries"] = _measure(
        seller, [f"/seller/leads/{lead}/"], repeats
    )
    # The pipeline in figures over the whole pool (100,000 leads at full size): the API, then
    # the dashboard page that charts the same stats.
    _conversions(facts["big"])
    figures["stats_p95_ms"], figures["stats_queries"] = _measure(
        seller, ["/api/v1/leads/stats/"], repeats
    )
    figures["dashboard_p95_ms"], figures["dashboard_queries"] = _measure(
        seller, ["/seller/dashboard/"], repeats
    )
    return figures


def main() -> int:
    """`python -m bench.pages`: these figures alone, on the dataset `make bench` built."""
    import json
    import sys
    from pathlib import Path

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partner_center.settings.test")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    from bench import dataset

    creators = int(os.environ.get("BENCH_CREATORS", "1000000"))
    call_command("migrate", verbosity=0)
    if not dataset.present(creators):
        print("# no dataset at this size: run `make bench` (bench.run) first", file=sys.stderr)
        return 1
    figures = run(creators, int(os.environ.get("BENCH_REPEATS", "15")), log=print)
    report(figures)
    out = Path(__file__).with_name(
        "results.json" if creators == 1_000_000 else f"results-{creators}.json"
    )
    if out.exists():
        results = json.loads(out.read_text())
        results["figures"].update({k: round(v, 3) for k, v in figures.items()})
        results["missed"] = sorted(
            set(results.get("missed", [])) - set(TARGETS)
            | {name for name, target in TARGETS.items() if figures[name] > target}
        )
        results.setdefault("targets", {}).update(
            {name: target for name, target in TARGETS.items() if name in figures}
        )
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"# merged into {out.name}")
        if creators == 1_000_000:
            from bench import readme

            readme.update()
    return 0


def report(figures: dict) -> None:
    for name, value in figures.items():
        verdict = ""
        if name in TARGETS:
            verdict = f"  [{'PASS' if value <= TARGETS[name] else 'MISS'} <= {TARGETS[name]}]"
        unit = "queries" if name.endswith("_queries") else "ms"
        print(
            f"{name}: {value:.3f} {unit}{verdict}"
            if isinstance(value, float)
            else f"{name}: {value} {unit}{verdict}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
