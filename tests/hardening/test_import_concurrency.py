"""Two imports of the same feed rows at the same moment: both succeed (the second waits for
the first), nothing fails on a unique constraint, and the counts are true between them.

Handles are unique whatever their case, as the import compares them.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from knox.models import AuthToken
from rest_framework.test import APIClient

from creators.models import Creator, CreatorDailyStats
from creators.services import creator_stats_import, stats_rows_parse
from tests.factories import CreatorFactory, UserFactory
from tests.hardening.test_concurrency import run_together

ROWS = [
    {"handle": f"race_{i}", "date": "2026-11-20", "live_gmv_usd": "5.00", "followers": i}
    for i in range(40)
]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_api_imports_of_the_same_rows():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections: set DATABASE_URL")
    CreatorFactory(handle="RACE_0")  # an existing creator, in another case
    token = AuthToken.objects.create(user=UserFactory(is_staff=True))[1]

    def post(_):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client.post("/api/v1/creator-stats/", {"rows": ROWS}, format="json")

    responses = run_together(2, post)
    assert [r.status_code for r in responses] == [201, 201], responses
    bodies = [r.json() for r in responses]
    # One import created what was new; the other found it all there.
    assert sorted(b["creators_created"] for b in bodies) == [0, 39]
    assert sorted(b["rows_created"] for b in bodies) == [0, 40]
    assert sorted(b["rows_unchanged"] for b in bodies) == [0, 40]
    assert Creator.objects.count() == 40 and CreatorDailyStats.objects.count() == 40
    assert Creator.objects.filter(handle="RACE_0").exists()  # matched, not duplicated


@pytest.mark.django_db
def test_handles_are_unique_whatever_their_case():
    CreatorFactory(handle="Ava_Live")
    with pytest.raises(IntegrityError), transaction.atomic():
        CreatorFactory(handle="ava_live")


@pytest.mark.django_db
def test_the_import_matches_handles_whatever_their_case():
    existing = CreatorFactory(handle="Ava_Live")
    rows = stats_rows_parse(
        [
            {"handle": "ava_live", "date": "2026-11-20", "live_gmv_usd": "1", "followers": 3},
            {"handle": "NEW_one", "date": "2026-11-20", "live_gmv_usd": "1", "followers": 3},
            {"handle": "new_ONE", "date": "2026-11-21", "live_gmv_usd": "1", "followers": 4},
        ]
    )
    result = creator_stats_import(rows=rows)
    assert (result.creators_created, result.rows_created) == (1, 3)
    assert existing.daily_stats.count() == 1
    assert list(Creator.objects.order_by("handle").values_list("handle", flat=True)) == [
        "Ava_Live",
        "NEW_one",
    ]
    again = creator_stats_import(rows=rows)
    assert (again.creators_created, again.rows_created, again.rows_unchanged) == (0, 0, 3)
