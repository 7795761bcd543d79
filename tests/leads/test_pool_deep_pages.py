"""Deep pages load their ids first and then the rows: same rows, same order as OFFSET."""

import pytest

from core import pagination
from leads.models import Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_deep_pages_match_plain_offsets(api_as, seller_a, partner_a, monkeypatch):
    leads = LeadFactory.create_batch(23, partner=partner_a)
    client = api_as(seller_a)
    shallow = [
        [row["id"] for row in client.get(f"/api/v1/leads/?page_size=5&page={n}").json()["results"]]
        for n in range(1, 6)
    ]
    monkeypatch.setattr(pagination, "DEFERRED_JOIN_FROM", 0)
    deep = [
        [row["id"] for row in client.get(f"/api/v1/leads/?page_size=5&page={n}").json()["results"]]
        for n in range(1, 6)
    ]
    expected = list(
        Lead.objects.filter(pk__in=[lead.pk for lead in leads])
        .order_by("-requested_at", "-id")
        .values_list("pk", flat=True)
    )
    assert deep == shallow
    assert sum(deep, []) == expected


def test_a_bad_page_names_the_parameter_and_a_page_past_the_end_is_404(api_as, seller_a):
    client = api_as(seller_a)
    for bad in ("abc", "0", "-3", "1.5"):
        response = client.get(f"/api/v1/leads/?page={bad}")
        assert response.status_code == 400 and list(response.json()["errors"]) == ["page"]
    assert client.get("/api/v1/leads/?page=99").status_code == 404
    assert client.get("/api/v1/leads/?page=last").status_code == 200
