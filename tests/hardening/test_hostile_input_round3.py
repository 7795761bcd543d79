"""Hostile input, round three (issue 21): the classes that live outside leads/.

- Methods nobody serves (TRACE and the like) are 405 on every route, never a page rendered as a
  "safe" method; OPTIONS never renders a page and never 500s (the API docs page).
- Lone surrogates in JSON keys or values, nested too, are a 400 naming the field, and error
  messages that echo a value encode it.
- A search that splits words caps its terms and their length: API, admin.
- The login budget counts per address whoever is signed in.
- Query parameters on a thread's sub-actions are ignored, never a FieldError.
- `page_size` is checked as the schema says.

How the walks reach parameters: routes come from the URLconf (every route, its parameters
filled with 1), and the query parameters sent to a thread's sub-actions are every filter name
of every FilterSet in the project, each alone and all together, so a parameter read only
beside another one is sent beside it.
"""

import json
import re

import pytest
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.test import Client
from django.urls import get_resolver
from django_filters import FilterSet
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from core.search import MAX_SEARCH_TERM_LENGTH, MAX_SEARCH_TERMS
from tests.factories import PartnerFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


def every_route() -> list[str]:
    routes = set()
    for _, regex, _, _ in extract_views_from_urlpatterns(get_resolver().url_patterns):
        routes.add(re.sub(r"<[^>]+>", "1", simplify_regex(regex)))
    return sorted(routes)


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "BREW"])
def test_methods_nobody_serves_are_405_on_every_route(client, seller_a, method):
    client.force_login(seller_a)
    routes = every_route()
    assert len(routes) > 50 and "/seller/leads/" in routes and "/api/v1/leads/" in routes
    for route in routes:
        response = client.generic(method, route)
        assert response.status_code == 405, (method, route, response.status_code)
        assert "GET" in response["Allow"] and "TRACE" not in response["Allow"]
        assert b"Leads Pool" not in response.content and b"<html" not in response.content
    api = client.generic(method, "/api/v1/leads/")
    assert api.json()["errors"] == {"method": ["Not allowed here."]}


def test_trace_cannot_skip_csrf_to_reach_a_view(seller_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(seller_a)
    response = browser.generic("TRACE", "/seller/notifications/read-all/")
    assert response.status_code == 405


@pytest.mark.parametrize("who", ["anonymous", "seller"])
def test_options_never_renders_a_page_and_never_500s(client, seller_a, who):
    if who == "seller":
        client.force_login(seller_a)
    client.raise_request_exception = True
    for route in every_route():
        response = client.options(route)
        assert response.status_code < 500, route
        if not route.startswith("/api/"):
            assert response.status_code == 200 and response.content == b"", route
            assert response["Allow"] == "GET, HEAD, POST, OPTIONS"
    docs = client.options("/api/v1/docs/")
    assert docs.status_code == 200 and "GET" in docs["Allow"] and docs.content == b""


# --- lone surrogates ----------------------------------------------------------------------

SURROGATE_BODIES = [
    ('{"body": "hi \\ud800"}', "body"),
    ('{"\\udfff": "x"}', "\\udfff"),
    ('{"filters": {"status": "\\ud800"}}', "filters"),
    ('{"filters": {"\\ud800x": "new"}}', "filters"),
    ('{"rows": [{"handle": "a", "top_category": "\\udc00"}]}', "rows"),
    ('{"ids": ["\\ud83d"]}', "ids"),
]


@pytest.mark.parametrize(("raw", "field"), SURROGATE_BODIES)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/leads/bulk/",
        "/api/v1/saved-views/",
        "/api/v1/im/threads/",
        "/api/v1/collaboration-requests/",
        "/api/v1/creator-stats/",
        "/api/v1/auth/token/",
    ],
)
def test_a_lone_surrogate_anywhere_in_json_is_a_400_naming_the_field(
    seller_a, admin_user, creator_silver, raw, field, url
):
    api = APIClient()
    who = {"/api/v1/creator-stats/": admin_user, "/api/v1/collaboration-requests/": None}
    api.force_login(who.get(url, seller_a) or creator_silver.user)
    response = api.post(url, raw, content_type="application/json")
    assert response.status_code == 400, (url, response.status_code)
    body = json.loads(response.content)  # valid UTF-8 JSON, the value encoded
    assert list(body["errors"]) == [field]
    assert "surrogate" in body["errors"][field][0]


def test_an_error_message_that_echoes_a_value_encodes_it():
    from core.api.exceptions import encodable

    assert encodable("No creator @a\ud800.") == "No creator @a\\ud800."
    assert encodable("plain é") == "plain é"


# --- search terms -------------------------------------------------------------------------


def test_a_partner_search_caps_its_terms_and_their_length(api_as, creator_bronze):
    PartnerFactory(name="Alpha Beta Agency")
    api = api_as(creator_bronze.user)
    ok = api.get("/api/v1/partners/", {"search": "alpha beta"})
    assert ok.status_code == 200 and ok.json()["count"] == 1
    for search in [
        " ".join(f"w{i}" for i in range(1000)),
        " ".join(["x"] * (MAX_SEARCH_TERMS + 1)),
        "y" * (MAX_SEARCH_TERM_LENGTH + 1),
    ]:
        response = api.get("/api/v1/partners/", {"search": search})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["search"]
    at_cap = " ".join(["alpha"] * MAX_SEARCH_TERMS)
    assert api.get("/api/v1/partners/", {"search": at_cap}).json()["count"] == 1
    # The directory page's one substring is cut, not split: it answers.
    client = Client()
    client.force_login(creator_bronze.user)
    assert client.get("/ec/partners/", {"q": "z " * 5000}).status_code == 200


@pytest.mark.parametrize(
    "changelist",
    [
        "/admin/creators/partner/",
        "/admin/creators/creator/",
        "/admin/creators/creatordailystats/",
        "/admin/im/thread/",
        "/admin/im/message/",
        "/admin/core/jobrun/",
        "/admin/leads/lead/",
        "/admin/leads/collaborationrequest/",
        "/admin/notifications/notification/",
    ],
)
def test_the_admin_search_caps_its_terms(client, admin_user, changelist):
    client.force_login(admin_user)
    assert client.get(changelist, {"q": "a b"}).status_code == 200
    response = client.get(changelist, {"q": " ".join(f"w{i}" for i in range(1000))})
    assert response.status_code == 400 and b"q" in response.content


# --- the login budget -----------------------------------------------------------------------


def test_the_login_budget_counts_per_address_whoever_is_signed_in(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    accounts = [UserFactory(username=f"own{i}") for i in range(3)]
    codes = []
    for account in accounts:  # one address, holding each of its accounts' sessions in turn
        browser = Client(REMOTE_ADDR="198.51.100.7")
        browser.force_login(account)
        for _ in range(2):
            codes.append(
                browser.post("/admin/login/", {"username": "victim", "password": "x"}).status_code
            )
    assert codes[:3] == [200, 200, 200] and set(codes[3:]) == {429}
    # The token endpoint draws on the same budget; another address does not.
    assert APIClient(REMOTE_ADDR="198.51.100.7").post("/api/v1/auth/token/").status_code == 429
    assert APIClient(REMOTE_ADDR="198.51.100.8").post("/api/v1/auth/token/").status_code == 400


# --- query parameters on a thread's sub-actions --------------------------------------------


def every_filter_parameter() -> dict[str, str]:
    import importlib

    for module in ("creators.api", "leads.filters", "im.filters"):
        importlib.import_module(module)
    names: dict[str, str] = {}
    stack = list(FilterSet.__subclasses__())
    while stack:
        filterset = stack.pop()
        stack.extend(filterset.__subclasses__())
        for name in filterset.base_filters:
            names.setdefault(name, "true")
    return names


def test_list_filters_on_a_threads_sub_actions_are_ignored_never_a_field_error(
    api_as, seller_a, partner_a
):
    thread = ThreadFactory(partner=partner_a)
    api = api_as(seller_a)
    params = every_filter_parameter()
    assert {"is_lead", "tier", "status", "owner"} <= set(params)
    sends = [{name: value} for name, value in params.items()] + [params]
    for query in sends:
        base = f"/api/v1/im/threads/{thread.pk}/"
        assert api.get(base + "messages/", query).status_code == 200, query
        response = api.post(
            base + "read/?" + "&".join(f"{k}={v}" for k, v in query.items()), format="json"
        )
        assert response.status_code == 204, query
        assert api.get(base, query).status_code in (200, 404), query


# --- page_size ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["null", "0", "-1", "101", "1.5", "٣", "abc", "1e3"])
@pytest.mark.parametrize("url", ["/api/v1/partners/", "/api/v1/notifications/"])
def test_page_size_outside_the_schema_is_a_400_naming_it(api_as, seller_a, url, value):
    response = api_as(seller_a).get(url, {"page_size": value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page_size"]


def test_the_schema_bounds_page_and_page_size(api_as, seller_a):
    import yaml

    schema = yaml.safe_load(api_as(seller_a).get("/api/v1/schema/").content)
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/partners/"]["get"]["parameters"]
    }
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert parameters["page"]["minimum"] == 1
    assert api_as(seller_a).get("/api/v1/partners/", {"page_size": "100"}).status_code == 200
