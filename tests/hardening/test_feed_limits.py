"""Feed rows whose figures overflow a column, or whose text PostgreSQL cannot store, are
refused by the validation as "line N: <column> …" through all three doors (the CSV import
command, the admin upload and the bulk API), and nothing is written.

On PostgreSQL `live_sessions` and `average_viewers` are 32-bit columns: 2**31 used to pass the
validation and fail the INSERT with a traceback.
"""

import pytest
from django.core.management import CommandError, call_command
from knox.models import AuthToken

from creators.models import Creator, CreatorDailyStats
from tests.creators.test_admin import messages_in, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "handle,date,live_gmv_usd,followers,live_sessions,average_viewers,top_category\n"
GOOD = "feed_ok,2026-11-20,10.00,100,1,5,Beauty\n"
BAD_ROWS = [
    # (row, the column named in the error)
    ("feed_big,2026-11-20,10.00,100,2147483648,5,Beauty", "live_sessions"),
    ("feed_big,2026-11-20,10.00,100,1,99999999999999999999,Beauty", "average_viewers"),
    ("feed_big,2026-11-20,10.00,1000000000001,1,5,Beauty", "followers"),
    ("feed_big,2026-11-20,10.00,100,٣,5,Beauty", "live_sessions"),
    ("feed_big,2026-11-20,10.00,²,1,5,Beauty", "followers"),
    ("feed_big,2026-11-20,10.00,100,1,5,Be\x00auty", "top_category"),
]


@pytest.mark.parametrize(("row", "column"), BAD_ROWS)
def test_the_import_command_names_the_line_and_column(tmp_path, row, column):
    path = tmp_path / "feed.csv"
    path.write_text(HEADER + GOOD + row + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_creator_stats", str(path))
    assert f"line 3: {column}" in str(refused.value)
    assert not CreatorDailyStats.objects.exists() and not Creator.objects.exists()


@pytest.mark.parametrize(("row", "column"), BAD_ROWS)
def test_the_admin_upload_names_the_line_and_column(admin_client, row, column):
    page = upload(admin_client, HEADER + GOOD + row + "\n")
    assert any(m.startswith(f"Line 3: {column}") for m in messages_in(page)), messages_in(page)
    assert not CreatorDailyStats.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("live_sessions", 2**31),
        ("average_viewers", 2**63),
        ("followers", 10**13),
        ("live_sessions", -1),
        ("top_category", "Be\x00auty"),
    ],
)
def test_the_bulk_api_names_the_row_and_field(api, field, value):
    staff = UserFactory(is_staff=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=staff)[1]}")
    good = {"handle": "feed_ok", "date": "2026-11-20", "live_gmv_usd": "1.00", "followers": 1}
    rows = [good, {**good, "handle": "feed_big", field: value}]
    response = api.post("/api/v1/creator-stats/", {"rows": rows}, format="json")
    assert response.status_code == 400
    messages = response.json()["errors"]["rows"]
    assert any(field in m and ("line 2" in m or "rows[1]" in m) for m in messages), messages
    assert not CreatorDailyStats.objects.exists()


def test_the_largest_32_bit_figures_are_stored(api):
    staff = UserFactory(is_staff=True)
    api.force_authenticate(staff)
    row = {
        "handle": "feed_max",
        "date": "2026-11-20",
        "live_gmv_usd": "1.00",
        "followers": 10**12,
        "live_sessions": 2**31 - 1,
        "average_viewers": 2**31 - 1,
    }
    assert api.post("/api/v1/creator-stats/", {"rows": [row]}, format="json").status_code == 201
    stored = CreatorDailyStats.objects.get()
    assert (stored.live_sessions, stored.average_viewers) == (2**31 - 1, 2**31 - 1)
