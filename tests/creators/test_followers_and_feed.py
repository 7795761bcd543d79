"""Daily follower refresh and the creator-stats feed intake (CSV command and API)."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import JobRun
from creators.models import Creator, CreatorDailyStats, Tier
from tests.factories import CreatorDailyStatsFactory, CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db


def test_the_newest_follower_figure_wins_and_older_rows_never_override():
    creator = CreatorFactory(follower_count=0)
    lead = LeadFactory(creator=creator)
    CreatorDailyStatsFactory(creator=creator, date=dt.date(2026, 11, 20), followers=900)
    CreatorDailyStatsFactory(creator=creator, date=dt.date(2026, 11, 22), followers=1_200)
    CreatorDailyStatsFactory(creator=creator, date=dt.date(2026, 11, 21), followers=5_000)

    call_command("refresh_followers")

    creator.refresh_from_db()
    lead.refresh_from_db()
    assert (creator.follower_count, creator.followers_as_of) == (1_200, dt.date(2026, 11, 22))
    assert lead.creator_follower_count == 1_200

    # An older day arriving late does not replace the newest figure; a rerun changes nothing.
    CreatorDailyStatsFactory(creator=creator, date=dt.date(2026, 11, 1), followers=99)
    call_command("refresh_followers")
    creator.refresh_from_db()
    assert creator.follower_count == 1_200
    runs = JobRun.objects.filter(job=JobRun.Job.REFRESH_FOLLOWERS).order_by("started_at")
    assert [r.rows_changed for r in runs] == [1, 0]


def write(tmp_path, text):
    path = tmp_path / "feed.csv"
    path.write_text(text)
    return str(path)


GOOD = (
    "handle,date,live_gmv_usd,followers\n"
    "new_creator,2026-11-20,120.50,3400\n"
    "new_creator,2026-11-21,0,3410\n"
    "other.one,2026-11-21,999.99,12\n"
)


def test_import_creates_creators_and_reimport_changes_nothing(tmp_path, capsys):
    path = write(tmp_path, GOOD)

    call_command("import_creator_stats", path)
    assert "3 new, 0 changed, 0 unchanged; 2 new creators" in capsys.readouterr().out
    call_command("import_creator_stats", path)
    assert "0 new, 0 changed, 3 unchanged; 0 new creators" in capsys.readouterr().out

    assert set(Creator.objects.values_list("handle", flat=True)) == {"new_creator", "other.one"}
    row = CreatorDailyStats.objects.get(creator__handle="new_creator", date="2026-11-20")
    assert (row.live_gmv_usd, row.followers) == (Decimal("120.50"), 3400)


def test_a_bad_row_is_reported_by_line_and_nothing_is_applied(tmp_path):
    path = write(
        tmp_path,
        GOOD + "bad creator!,2026-11-21,10,1\nfine,2026-02-30,10,1\nfine2,2026-11-21,-5,x\n",
    )

    with pytest.raises(CommandError) as error:
        call_command("import_creator_stats", path)

    message = str(error.value)
    assert "line 5: handle" in message
    assert "line 6: date must be YYYY-MM-DD" in message
    assert "line 7: live_gmv_usd" in message and "line 7: followers" in message
    assert Creator.objects.count() == 0 and CreatorDailyStats.objects.count() == 0


def test_a_file_without_the_header_is_refused(tmp_path):
    with pytest.raises(CommandError, match="missing followers"):
        call_command("import_creator_stats", write(tmp_path, "handle,date,live_gmv_usd\n"))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_creator_stats", str(tmp_path / "missing.csv"))


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(tmp_path):
    path = write(
        tmp_path,
        "handle,date,live_gmv_usd,followers,top_category\n"
        "good_one,2026-11-20,1.00,10,Beauty\n"
        "\n"
        'good_two,2026-11-20,1.00,10,"Home\nand Garden"\n'
        "bad_one,2026-11-20,1.00,ten,Home\n"
        "too_many,2026-11-20,1.00,10,Home,extra\n",
    )

    with pytest.raises(CommandError) as error:
        call_command("import_creator_stats", path)

    assert str(error.value).splitlines()[1:] == [
        "line 6: followers must be a whole number, not 'ten'",
        "line 7: 6 cells, but the header has 5",
    ]
    assert not CreatorDailyStats.objects.exists()


def test_optional_columns_and_corrections(tmp_path, capsys):
    CreatorFactory(handle="known_one")
    header = "handle,date,live_gmv_usd,followers,live_sessions,average_viewers,top_category\n"
    call_command(
        "import_creator_stats",
        write(tmp_path, header + "known_one,2026-11-20,50.00,100,2,35,Pets\n"),
    )
    assert "1 new, 0 changed, 0 unchanged; 0 new creators" in capsys.readouterr().out
    row = CreatorDailyStats.objects.get()
    assert (row.live_sessions, row.average_viewers, row.top_category) == (2, 35, "Pets")

    # The platform corrects a day: the row is updated, not duplicated.
    out = io.StringIO()
    call_command(
        "import_creator_stats",
        write(tmp_path, header + "known_one,2026-11-20,55.00,100,2,35,Pets\n"),
        stdout=out,
    )
    assert re.fullmatch(
        r"Imported 1 rows: 0 new, 1 changed, 0 unchanged; 0 new creators in \d+\.\d\ds\.\n",
        out.getvalue(),
    )
    assert CreatorDailyStats.objects.get().live_gmv_usd == Decimal("55.00")


def test_an_imported_feed_is_what_the_next_refreshes_read(tmp_path):
    path = write(
        tmp_path,
        "handle,date,live_gmv_usd,followers\n"
        "fresh_face,2026-11-02,600.00,9000\n"
        "fresh_face,2026-12-01,400.00,10000\n",
    )
    call_command("import_creator_stats", path)
    call_command("refresh_tiers", "--as-of", "2026-12-02")
    call_command("refresh_followers")

    creator = Creator.objects.get(handle="fresh_face")
    assert (creator.tier, creator.live_gmv_30d) == (Tier.SILVER, Decimal("1000.00"))
    assert (creator.follower_count, creator.followers_as_of) == (10_000, dt.date(2026, 12, 1))


def test_the_csv_is_read_as_utf8_and_a_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_bytes(b"\xef\xbb\xbfhandle,date,live_gmv_usd,followers\nbom_ok,2026-11-20,1,1\n")
    call_command("import_creator_stats", str(path))
    assert Creator.objects.filter(handle="bom_ok").exists()

    path.write_bytes(b"handle,date,live_gmv_usd,followers\n\xff\xfe,2026-11-20,1,1\n")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_creator_stats", str(path))


def test_the_daily_refresh_reads_what_was_imported_since_its_last_run(tmp_path):
    """After the first run, a run looks only at creators with feed rows imported since the last
    successful run (less a day of overlap); `--full` rereads the whole feed."""
    old_news = CreatorFactory(handle="old_news")
    busy = CreatorFactory(handle="busy")
    header = "handle,date,live_gmv_usd,followers\n"
    with time_machine.travel(dt.datetime(2026, 11, 18, 11, tzinfo=dt.UTC), tick=False):
        call_command(
            "import_creator_stats",
            write(tmp_path, header + "old_news,2026-11-17,0,500\nbusy,2026-11-17,0,700\n"),
        )
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
        call_command("refresh_followers")  # the first run reads everything
    # A figure that changed behind the feed's back (no import) is not reread daily...
    CreatorDailyStats.objects.filter(creator=old_news).update(followers=555)
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC), tick=False):
        call_command("import_creator_stats", write(tmp_path, header + "busy,2026-11-23,0,800\n"))
        call_command("refresh_followers")
    old_news.refresh_from_db()
    busy.refresh_from_db()
    assert (busy.follower_count, busy.followers_as_of) == (800, dt.date(2026, 11, 23))
    assert old_news.follower_count == 500
    run = JobRun.objects.filter(job=JobRun.Job.REFRESH_FOLLOWERS).latest("started_at")
    assert run.rows_changed == 1
    assert run.detail == "feed rows imported since 2026-11-19 12:00 UTC"

    # ...but a correction that arrives through an import is, whatever day it is for.
    with time_machine.travel(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC), tick=False):
        call_command(
            "import_creator_stats", write(tmp_path, header + "old_news,2026-11-17,0,600\n")
        )
        call_command("refresh_followers")
    old_news.refresh_from_db()
    assert old_news.follower_count == 600

    # --full rereads every creator's feed.
    CreatorDailyStats.objects.filter(creator=old_news).update(followers=650)
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC), tick=False):
        out = io.StringIO()
        call_command("refresh_followers", "--full", stdout=out)
    old_news.refresh_from_db()
    assert old_news.follower_count == 650
    assert "1 creators changed" in out.getvalue()


def test_an_import_that_committed_during_the_last_run_is_still_read(tmp_path):
    """The day of overlap: rows stamped just before the last run started are reread."""
    creator = CreatorFactory(handle="late_commit")
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
        call_command("refresh_followers")
    # Stamped 10 minutes before that run started (its transaction committed after the run).
    CreatorDailyStatsFactory(creator=creator, date=dt.date(2026, 11, 19), followers=4_242)
    CreatorDailyStats.objects.filter(creator=creator).update(
        imported_at=dt.datetime(2026, 11, 20, 11, 50, tzinfo=dt.UTC)
    )
    with time_machine.travel(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC), tick=False):
        call_command("refresh_followers")
    creator.refresh_from_db()
    assert creator.follower_count == 4_242
