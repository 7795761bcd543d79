"""Daily follower refresh and the creator-stats feed intake (CSV command and API)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creators.models import Creator, CreatorDailyStats, JobRun
from tests.factories import CreatorDailyStatsFactory, CreatorFactory, LeadFactory, UserFactory

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


def test_the_stats_api_is_for_staff_and_all_or_nothing(api_as, seller_a):
    staff = UserFactory(is_staff=True)
    rows = [
        {"handle": "feed_a", "date": "2026-11-20", "live_gmv_usd": "10.00", "followers": 5},
        {"handle": "feed_b", "date": "2026-11-20", "live_gmv_usd": "20.00", "followers": 6},
    ]
    assert (
        api_as(seller_a).post("/api/v1/creator-stats/", {"rows": rows}, format="json").status_code
        == 403
    )

    bad = [*rows, {"handle": "feed_c", "date": "nope", "live_gmv_usd": "1", "followers": 1}]
    response = api_as(staff).post("/api/v1/creator-stats/", {"rows": bad}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["rows"] == ["line 3: date must be YYYY-MM-DD, not 'nope'"]
    assert CreatorDailyStats.objects.count() == 0

    response = api_as(staff).post("/api/v1/creator-stats/", {"rows": rows}, format="json")
    assert response.status_code == 201
    assert response.json() == {
        "rows": 2,
        "creators_created": 2,
        "rows_created": 2,
        "rows_updated": 0,
        "rows_unchanged": 0,
    }
    response = api_as(staff).post("/api/v1/creator-stats/", {"rows": "nope"}, format="json")
    assert response.status_code == 400 and "rows" in response.json()["errors"]
