"""Routing's cast: partner A's three sellers and a helper that makes a rule."""

import pytest

from routing.services import assignment_rule_create
from tests.factories import SellerFactory


@pytest.fixture
def seller_a2(partner_a):
    return SellerFactory(user__username="seller_a2", partner=partner_a).user


@pytest.fixture
def seller_a3(partner_a):
    return SellerFactory(user__username="seller_a3", partner=partner_a).user


@pytest.fixture
def make_rule(partner_a):
    def make(members, *, name="Gold+", query="", strategy="round_robin", partner=None, **extra):
        return assignment_rule_create(
            partner=partner or partner_a,
            name=name,
            query=query,
            strategy=strategy,
            members=[member.pk for member in members],
            **extra,
        )

    return make
