"""Property tests: any valid filter combination gives exactly what a plain Python filter
gives over the same leads; any invalid value gives a 400 naming its parameter."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from creators.models import Tier
from leads.filters import FOLLOWER_PRESETS
from leads.models import LeadSource, LeadStatus
from tests.factories import CreatorFactory, LeadFactory, SellerFactory

TIER_KEYS = {t.key: t for t in Tier.ranked()} | {"none": Tier.NON_TIERED}
FOLLOWER_POINTS = [
    0,
    9_999,
    10_000,
    99_999,
    100_000,
    999_999,
    1_000_000,
    9_999_999,
    10_000_000,
    42_000_000,
]
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def pool(db):
    seller = SellerFactory()
    other = SellerFactory()
    rows = []
    n = 0
    for tier in Tier:
        for followers in FOLLOWER_POINTS[tier % 3 :: 3]:
            for source in LeadSource.values:
                n += 1
                creator = CreatorFactory(
                    handle=f"p{n}_{tier.name.lower()}", tier=tier, follower_count=followers
                )
                status = LeadStatus.values[n % 4]
                rows.append(
                    LeadFactory(
                        partner=seller.partner, creator=creator, source=source, status=status
                    )
                )
    LeadFactory(partner=other.partner, creator=CreatorFactory(handle="p_other"))
    client = APIClient()
    client.force_login(seller.user)
    return client, rows


def expected(rows, tiers, presets, low, high, source, statuses, search):
    def keep(lead):
        if tiers and lead.creator_tier not in {TIER_KEYS[t] for t in tiers}:
            return False
        count = lead.creator_follower_count
        if presets and not any(
            count >= FOLLOWER_PRESETS[p][0]
            and (FOLLOWER_PRESETS[p][1] is None or count < FOLLOWER_PRESETS[p][1])
            for p in presets
        ):
            return False
        if low is not None and count < low or high is not None and count > high:
            return False
        if source and lead.source != source:
            return False
        if statuses and lead.status not in statuses:
            return False
        if (
            search
            and search.lower() not in lead.creator.handle.lower()
            and search.lower() not in lead.creator.display_name.lower()
        ):
            return False
        return True

    return sorted(lead.creator.handle for lead in rows if keep(lead))


@given(
    tiers=st.lists(st.sampled_from(sorted(TIER_KEYS)), unique=True, max_size=4),
    presets=st.lists(st.sampled_from(sorted(FOLLOWER_PRESETS)), unique=True, max_size=3),
    low=st.none() | st.sampled_from(FOLLOWER_POINTS),
    high=st.none() | st.sampled_from(FOLLOWER_POINTS),
    source=st.none() | st.sampled_from(LeadSource.values),
    statuses=st.lists(st.sampled_from(LeadStatus.values), unique=True, max_size=2),
    search=st.none() | st.sampled_from(["gold", "P1", "_d", "zzz"]),
)
@SETTINGS
def test_valid_filters_match_a_plain_python_filter(
    pool, tiers, presets, low, high, source, statuses, search
):
    client, rows = pool
    if low is not None and high is not None and low > high:
        low, high = high, low
    params = [("tier", t) for t in tiers] + [("followers", p) for p in presets]
    params += [("status", s) for s in statuses]
    for key, value in [
        ("followers_min", low),
        ("followers_max", high),
        ("source", source),
        ("search", search),
    ]:
        if value is not None:
            params.append((key, value))
    params.append(("page_size", 100))

    response = client.get("/api/v1/leads/", params and _multi(params))

    assert response.status_code == 200, response.content
    got = sorted(row["creator"]["handle"] for row in response.json()["results"])
    assert got == expected(rows, tiers, presets, low, high, source, statuses, search)
    assert response.json()["count"] == len(got)


def _multi(params):
    query = {}
    for key, value in params:
        query.setdefault(key, []).append(value)
    return query


INVALID = {
    "tier": st.text(min_size=1, max_size=12).filter(lambda v: v.strip() not in TIER_KEYS),
    "followers": st.text(min_size=1, max_size=12).filter(
        lambda v: v not in FOLLOWER_PRESETS and v.strip() != "10m"
    ),
    "followers_min": st.one_of(
        st.integers(max_value=-1).map(str), st.text(alphabet="abcxyz.,", min_size=1, max_size=6)
    ),
    "followers_max": st.text(alphabet="abc-_!", min_size=1, max_size=6),
    "source": st.text(min_size=1, max_size=20).filter(lambda v: v.strip() not in LeadSource.values),
    "status": st.text(min_size=1, max_size=20).filter(lambda v: v not in LeadStatus.values),
    "ordering": st.text(min_size=1, max_size=20).filter(
        lambda v: (
            v.strip()
            not in {"requested_at", "-requested_at", "followers", "-followers", "tier", "-tier"}
        )
    ),
    "requested_after": st.text(alphabet="abc/-", min_size=1, max_size=10),
}


@given(data=st.data(), name=st.sampled_from(sorted(INVALID)))
@SETTINGS
def test_any_invalid_value_is_a_400_naming_its_parameter(pool, data, name):
    client, _ = pool
    value = data.draw(INVALID[name].filter(lambda v: "\x00" not in v and v.strip()))

    response = client.get("/api/v1/leads/", {name: value})

    assert response.status_code == 400, (name, value, response.content)
    assert list(response.json()["errors"]) == [name]
