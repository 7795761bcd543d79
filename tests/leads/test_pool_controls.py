"""The pool's controls as the page renders them: headers that sort (with scope and aria-sort),
removable filter chips, a page-size picker, and a status change that waits for Save."""

import re

import pytest

from creators.models import Tier
from tests.factories import CreatorFactory, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, seller_a, partner_a):
    for i, tier in enumerate([Tier.GOLD, Tier.SILVER, Tier.DIAMOND]):
        LeadFactory(partner=partner_a, creator=CreatorFactory(handle=f"c{i}", tier=tier))
    client.force_login(seller_a)
    return lambda query="": client.get(f"/seller/leads/?{query}").content.decode()


def test_headers_have_scope_and_sort_on_click(page):
    html = page()
    assert all('scope="col"' in th for th in re.findall(r"<th[^>]*>", html.split("<tbody>")[0])[1:])
    assert 'aria-sort="descending" class="sortable"><a href="?ordering=requested_at"' in html
    assert 'href="?ordering=-tier"' in html and 'href="?ordering=-followers"' in html
    again = page("ordering=-tier&tier=gold")
    assert 'aria-sort="descending" class="sortable"><a href="?ordering=tier&amp;tier=gold"' in again


def test_active_filters_show_as_removable_chips(page):
    html = page("tier=gold&tier=silver&source=instant_message&page=1")
    assert "Level: Gold" in html and "Level: Silver" in html and "Source: Instant message" in html
    assert 'href="?tier=silver&amp;source=instant_message"' in html  # Gold removed, page reset
    assert 'aria-label="Remove filter Level: Gold"' in html
    assert 'data-testid="filter-chips"' not in page()


def test_the_seller_picks_the_page_size(page):
    html = page("tier=gold&page_size=50")
    assert '<option value="50" selected>' in html
    assert '<input type="hidden" name="tier" value="gold">' in html
    assert 'name="page_size"' in html and '<label for="page-size">Leads per page</label>' in html


def test_the_status_control_posts_only_on_save(page):
    html = page()
    form = re.search(r'<form class="status-form"[^>]*>', html).group(0)
    assert "hx-trigger" not in form  # a submit, never a change, posts it
    assert 'data-testid="status-save"' in html and 'data-current="new"' in html
