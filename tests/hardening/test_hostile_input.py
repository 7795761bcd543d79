"""Every class of hostile input, pushed through every route that takes that kind of input.

Routes come from the URLconf (every pattern, its path parameters filled with hostile ids) and
from the OpenAPI schema (every query parameter and body field of every operation). Each
request is sent as a seller, a creator and anonymously. No answer may be a 5xx; API answers
to bad input are 4xx in the one JSON error shape, naming the field where there is one.

The module runs on SQLite and, with DATABASE_URL set, on PostgreSQL, where NUL characters
and integer overflow are the classic 500s.
"""

import json
import re
from contextlib import contextmanager

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from creators.models import Tier
from im.models import Thread
from leads.models import Lead
from leads.services import collaboration_request_submit
from tests.factories import (
    CreatorDailyStatsFactory,
    CreatorUserFactory,
    MessageFactory,
    NotificationFactory,
    PartnerFactory,
    SellerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE_IDS = [
    "abc",
    "99999999999999999999",  # > 2**63: overflows a PostgreSQL bigint
    "2147483648",  # 2**31: overflows a 32-bit integer
    "-1",
    "²",  # superscript two: str.isdigit() is True, int() refuses it
    "%00",
]
HOSTILE_VALUES = [
    "²",  # isdigit() but not int()
    "٣",  # Arabic-Indic three: int() takes it
    "99999999999999999999",
    "9223372036854775808",  # 2**63
    "2147483648",  # 2**31
    "-1",
    "a%00b",
    "9999-12-31",
    "0001-01-01",
    "%C0%AF",  # not UTF-8
    "x" * 300,
]
NUL = "\x00"
DEEP = 1000


def _route_template(pattern) -> str:
    """A URL pattern as a template with `{name}` for each path parameter."""
    text = str(pattern)
    if text.startswith("^") or "(?P<" in text:  # a regex (DRF routers)
        text = text.lstrip("^").rstrip("$")
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
        return text.replace("\\.", ".").replace("\\", "")
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)


def url_templates(patterns=None, prefix="") -> list[str]:
    """Every route of the project's URLconf as a template (admin included)."""
    templates = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        part = _route_template(entry.pattern)
        if isinstance(entry, URLResolver):
            templates += url_templates(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            templates.append("/" + prefix + part)
    return sorted(set(templates))


def fill(template: str, value: str) -> str:
    return re.sub(r"\{\w+\}", value, template)


@pytest.fixture
def cast(db):
    """A seller with a lead, a thread, messages and a notification; a Gold creator; staff."""
    seller = SellerFactory(user__username="hostile_seller")
    creator = CreatorUserFactory(handle="hostile_creator", tier=Tier.GOLD)
    request = collaboration_request_submit(creator=creator, partner=seller.partner).request
    lead = request.lead
    thread = Thread.objects.get(partner=seller.partner, creator=creator)  # the request opened it
    MessageFactory(thread=thread)
    notification = NotificationFactory(partner=seller.partner)
    CreatorDailyStatsFactory(creator=creator)
    staff = UserFactory(username="hostile_admin", is_staff=True, is_superuser=True)
    ids = {
        "lead_id": lead.pk,
        "thread_id": thread.pk,
        "partner_id": seller.partner.pk,
        "request_id": request.pk,
        "slug": seller.partner.slug,
        "handle": creator.handle,
        # `{pk}` in the API, by the collection it names
        "leads": lead.pk,
        "threads": thread.pk,
        "notifications": notification.pk,
        "partners": seller.partner.pk,
        "collaboration-requests": request.pk,
    }
    return {
        "seller": seller.user,
        "creator": creator.user,
        "admin": staff,
        "anonymous": None,
        "ids": ids,
    }


def real_url(template: str, ids: dict) -> str:
    """The template with the cast's own objects, so that each view runs past its lookup."""

    def one(match):
        name = match.group(1)
        if name in ("pk", "id"):
            collection = template[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            return str(ids.get(collection, 1))
        return str(ids.get(name, 1))

    return re.sub(r"\{(\w+)\}", one, template)


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def server_errors(answers) -> list[str]:
    return [
        f"{method} {url} -> {r.status_code}" for method, url, r in answers if r.status_code >= 500
    ]


def assert_api_error_shape(url, response):
    """A 4xx from the API is the one JSON error shape."""
    if not url.startswith("/api/") or response.status_code < 400 or response.status_code == 405:
        return
    assert response["Content-Type"].startswith("application/json"), (url, response.status_code)
    assert "detail" in response.json(), (url, response.content[:200])


@contextmanager
def reads_recorded():
    """Record the names a view reads from request.GET / request.POST (and DRF's views of them).

    This is how the tests learn which parameters each route takes, instead of a hand list.
    """
    names: set[str] = set()
    originals = {
        attr: getattr(QueryDict, attr) for attr in ("get", "getlist", "__getitem__", "__contains__")
    }

    def recorder(attr):
        def read(self, key, *args, **kwargs):
            names.add(key)
            return originals[attr](self, key, *args, **kwargs)

        return read

    for attr in originals:
        setattr(QueryDict, attr, recorder(attr))
    try:
        yield names
    finally:
        for attr, original in originals.items():
            setattr(QueryDict, attr, original)


IGNORED_READS = {"csrfmiddlewaretoken", "HTTP_HX_REQUEST", "format"}


def params_read(client, method: str, url: str) -> set[str]:
    with reads_recorded() as names:
        getattr(client, method)(url)
    return {n for n in names if isinstance(n, str)} - IGNORED_READS


# Logging out would end the client's session half-way through a walk.
ROUTES = [t for t in url_templates() if not t.startswith("/admin/") and t != "/accounts/logout/"]
ADMIN_ID_ROUTES = [t for t in url_templates() if t.startswith("/admin/") and "{object_id}" in t]


# --- Path ids -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["seller", "creator"])
def test_hostile_ids_in_every_path_answer_4xx(cast, role):
    client = client_for(cast[role])
    templates = [t for t in ROUTES if "{" in t]
    assert len(templates) > 20  # the walk found the routers' and the pages' id routes
    answers = []
    for template in templates:
        for value in HOSTILE_IDS:
            url = fill(template, value)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                answers.append((method.upper(), url, response))
                assert_api_error_shape(url, response)
    errors = server_errors(answers)
    assert not errors, "\n".join(errors)


def test_hostile_ids_in_every_admin_path(cast):
    client = client_for(cast["admin"])
    assert len(ADMIN_ID_ROUTES) > 20
    answers = []
    for template in ADMIN_ID_ROUTES:
        for value in ("abc", "99999999999999999999", "%00"):
            url = fill(template, value)
            answers.append(("GET", url, client.get(url)))
    errors = server_errors(answers)
    assert not errors, "\n".join(errors)


ADMIN_FILTER_VALUES = ["²", "99999999999999999999", "-1", "abc", "9999-12-31", "%C0%AF"]


def admin_filter_params(model, model_admin) -> list[str]:
    """What Django's admin turns into a filter: any parameter naming a field (its exact
    lookup), the list filters' own lookups, the date hierarchy's year, month and day."""
    params = ["q", "o", "p"] + [f"{field.name}__exact" for field in model._meta.fields]
    for entry in model_admin.list_filter:
        if isinstance(entry, str):
            params += [f"{entry}__gte", f"{entry}__lt", f"{entry}__isnull", f"{entry}__id__exact"]
    if model_admin.date_hierarchy:
        params += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return params


# Each request commits on its own: on PostgreSQL a refused filter value aborts the transaction
# it runs in, as it would abort nothing in production (no request-wide transaction there).
@pytest.mark.django_db(transaction=True)
# Django's admin reads `?attempt_time__exact=9999-12-31` as a naive datetime, and says so.
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime:RuntimeWarning")
def test_hostile_filter_values_on_every_admin_list(cast):
    """Every registered model's admin list (third-party ones too), every field's exact lookup,
    the list filters and the date hierarchy, each with hostile values: an address column given
    `abc`, a year of 20 digits. Never a 500: the unfiltered list with a message."""
    from django.contrib import admin

    client = client_for(cast["admin"])
    answers, lists = [], 0
    for model, model_admin in admin.site._registry.items():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        lists += 1
        for name in admin_filter_params(model, model_admin):
            for value in ADMIN_FILTER_VALUES:
                query = f"{url}?{name}={value}"
                answers.append(("GET", query, client.get(query)))
    assert lists >= 15  # the project's and django-axes's lists
    errors = server_errors(answers)
    assert not errors, "\n".join(errors)

    # A year of 20 digits overflows Python's date arithmetic on any database.
    year = client.get("/admin/leads/lead/?requested_at__year=99999999999999999999", follow=True)
    assert year.redirect_chain == [("/admin/leads/lead/?e=1", 302)]
    assert "A filter value is not valid here (requested_at__year)" in year.content.decode()
    if connection.vendor == "postgresql":  # an address column refuses text (SQLite compares it)
        refused = client.get("/admin/axes/accessattempt/?ip_address__exact=abc")
        assert refused["Location"] == "/admin/axes/accessattempt/?e=1"


@pytest.mark.django_db(transaction=True)
def test_hostile_ticked_ids_for_every_admin_action(cast):
    """Every action of every registered admin list (third-party ones too), posted with ticked
    "ids" that are not ids: never a 500, nothing done, the list again with a message."""
    from django.contrib import admin

    client = client_for(cast["admin"])
    leads_before = list(Lead.objects.values_list("pk", "status", "removed_at"))
    answers = []
    for model, model_admin in admin.site._registry.items():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        actions = [name for _func, name, _description in model_admin._get_base_actions()]
        for action in actions:
            for value in ("abc", "²", "", f"1{NUL}", "1.5"):
                body = {"action": action, "_selected_action": [value], "index": "0"}
                answers.append(("POST", f"{url} {action} {value!r}", client.post(url, body)))
    assert len(answers) > 50
    errors = server_errors(answers)
    assert not errors, "\n".join(errors)
    assert list(Lead.objects.values_list("pk", "status", "removed_at")) == leads_before

    refused = client.post(
        "/admin/leads/lead/",
        {"action": "close_leads", "_selected_action": ["abc"], "index": "0"},
        follow=True,
    )
    assert "&#x27;abc&#x27; is not a valid id here; nothing was done." in refused.content.decode()


@pytest.mark.parametrize("role", ["seller", "creator"])
def test_non_integer_ids_on_api_routes_are_404_in_the_json_shape(cast, role):
    client = client_for(cast[role])
    for url in [
        "/api/v1/notifications/abc/read/",
        "/api/v1/leads/abc/",
        "/api/v1/im/threads/²/",
        "/api/v1/im/threads/99999999999999999999/messages/",
        "/api/v1/collaboration-requests/-1/",
    ]:
        response = client.post(url) if url.endswith("read/") else client.get(url)
        assert response.status_code in (403, 404), url
        assert response.json()["detail"], url


# --- Query parameters ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["seller", "creator"])
def test_hostile_query_values_on_every_route(cast, role):
    """Each parameter a route reads (recorded, not listed by hand), set to each hostile value."""
    client = client_for(cast[role])
    answers, unnamed, covered = [], [], set()
    for template in ROUTES:
        url = real_url(template, cast["ids"])
        for name in sorted(params_read(client, "get", url)):
            covered.add(name)
            for value in HOSTILE_VALUES:
                response = client.get(f"{url}?{name}={value}")
                answers.append(("GET", f"{url}?{name}={value}", response))
                assert_api_error_shape(url, response)
                if url.startswith("/api/") and response.status_code == 400:
                    if name not in response.json().get("errors", {}):
                        unnamed.append(f"{url}?{name}={value}")
    errors = server_errors(answers)
    assert not errors, "\n".join(errors)
    assert unnamed == []  # every API 400 names the parameter it refused
    expected = {"seller": {"page", "q", "before", "search", "requested_before", "followers_min"}}
    assert expected.get(role, {"page", "q"}) <= covered


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999", "-1", "0", "1.0", "x"])
def test_bad_page_numbers_on_api_lists_name_page(cast, value):
    client = client_for(cast["seller"])
    for url in ["/api/v1/leads/", "/api/v1/notifications/", "/api/v1/im/threads/"]:
        response = client.get(f"{url}?page={value}")
        assert response.status_code in (400, 404), (url, value, response.status_code)
        assert "page" in json.dumps(response.json()), (url, value, response.json())


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "-1", "x"])
def test_bad_page_numbers_on_pages_name_page(cast, value):
    seller, creator = client_for(cast["seller"]), client_for(cast["creator"])
    for client, url in [(seller, "/seller/leads/"), (creator, "/ec/requests/")]:
        response = client.get(f"{url}?page={value}")
        assert response.status_code in (400, 404), (url, value, response.status_code)
        assert "page" in response.content.decode().lower(), (url, value)


@pytest.mark.parametrize(
    ("param", "value"),
    [("requested_before", "9999-12-31"), ("requested_after", "0001-01-01")],
)
def test_dates_at_the_edge_of_the_calendar(cast, param, value):
    client = client_for(cast["seller"])
    for url in ["/seller/leads/", "/api/v1/leads/", "/api/v1/leads/export.csv"]:
        response = client.get(f"{url}?{param}={value}")
        assert response.status_code == 200, (url, response.status_code)
    # The whole calendar is every lead: the edges filter nothing out.
    assert client.get(f"/api/v1/leads/?{param}={value}").json()["count"] == 1


@pytest.mark.parametrize(
    "url", ["/seller/im/?q=%00", "/api/v1/leads/?search=a%00", "/seller/leads/?search=%00"]
)
def test_nul_in_a_search_names_the_parameter(cast, url):
    response = client_for(cast["seller"]).get(url)
    assert response.status_code == 400
    assert url.split("?")[1].split("=")[0] in response.content.decode()


def test_nul_in_the_partner_search_names_q(cast):
    response = client_for(cast["creator"]).get("/ec/partners/?q=%00")
    assert response.status_code == 400
    assert "q" in response.content.decode()


# --- Bodies -------------------------------------------------------------------------------


def api_operations() -> list[tuple[str, str]]:
    """(method, path template) for every operation of the OpenAPI schema that takes a body."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("post", "put", "patch") and operation.get("requestBody")
    ]


def deep_json(depth: int = DEEP) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("role", ["seller", "creator", "admin", "anonymous"])
def test_json_nested_a_thousand_deep_answers_400_everywhere(cast, role):
    client = client_for(cast[role])
    operations = api_operations()
    assert len(operations) >= 6
    for method, template in operations:
        url = real_url(template, cast["ids"])
        for body in (deep_json(), '{"a":' * DEEP + "1" + "}" * DEEP):
            response = client.generic(method, url, body, content_type="application/json")
            assert response.status_code in (400, 401, 403, 404), (url, response.status_code)
            assert_api_error_shape(url, response)


def test_anonymous_token_endpoint_refuses_deep_json_with_400():
    response = Client().post("/api/v1/auth/token/", deep_json(), content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


JSON_HOSTILE = [NUL, f"a{NUL}b", 2**63, 2**31, -1, "²", "٣", "9" * 30, [], {}, None, 1.5]


def _body_fields(operation_schema) -> list[str]:
    return list(operation_schema)


@pytest.mark.parametrize("role", ["seller", "creator", "admin"])
def test_hostile_body_fields_on_every_api_write(cast, role):
    """Every field each write reads (recorded), set to each hostile JSON value."""
    client = client_for(cast[role])
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    answers, unnamed = [], []
    for method, template in api_operations():
        url = real_url(template, cast["ids"])
        operation = schema["paths"][template][method.lower()]
        content = (operation.get("requestBody") or {}).get("content", {})
        ref = (content.get("application/json") or {}).get("schema", {}).get("$ref", "")
        fields = list(components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
        for name in fields:
            for value in JSON_HOSTILE:
                body = json.dumps({name: value})
                response = client.generic(method, url, body, content_type="application/json")
                answers.append((method, f"{url} {body}", response))
                assert_api_error_shape(url, response)
                # A 400 names a field: this one, or another the body lacks.
                if response.status_code == 400 and not response.json().get("errors"):
                    unnamed.append(f"{method} {url} {body}: {response.json()}")
    errors = server_errors(answers)
    assert not errors, "\n".join(errors)
    assert unnamed == []


@pytest.mark.parametrize("role", ["seller", "creator"])
def test_nul_and_huge_values_in_every_page_form(cast, role):
    """Every field each page's POST reads (recorded), set to NUL text and huge numbers."""
    client = client_for(cast[role])
    answers, covered = [], set()
    for template in ROUTES:
        if template.startswith("/api/"):
            continue
        url = real_url(template, cast["ids"])
        for name in sorted(params_read(client, "post", url)):
            covered.add(name)
            for value in (NUL, f"hi{NUL}there", "99999999999999999999", "²", "x" * 5000):
                response = client.post(url, {name: value, "consent": "on"})
                answers.append(("POST", f"{url} {name}={value[:20]!r}", response))
    errors = server_errors(answers)
    assert not errors, "\n".join(errors)
    assert {"body"} <= covered


def test_nul_in_an_im_message_is_a_form_error(cast):
    client = client_for(cast["creator"])
    url = f"/ec/messages/{cast['ids']['thread_id']}/send/"
    response = client.post(url, {"body": f"hi{NUL}"})
    assert response.status_code == 400
    assert "null characters" in response.content.decode().lower()


def test_nul_in_a_request_message_is_a_form_error(cast):
    client = client_for(cast["creator"])
    other = PartnerFactory()  # the cast's partner already has an open request
    response = client.post(
        f"/ec/partners/{other.slug}/request/", {"message": f"hi{NUL}", "consent": "on"}
    )
    assert response.status_code == 400
    assert "null characters" in response.content.decode().lower()


# --- Headers and cookies ------------------------------------------------------------------

# As a WSGI server hands them over: ISO-8859-1 text, so any byte, never a character past \xff.
HOSTILE_HEADER_VALUES = [
    f"abcdefgh{NUL}ijklmnop",  # NUL inside a value as long as a real key
    "0\x00\x80\x80\x80",
    "\xc3\xa9\xff" * 12,  # UTF-8 read as Latin-1, and a byte UTF-8 never has
    "x" * 8000,
]
HOSTILE_HEADERS = [
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_AUTHORIZATION",
    "HTTP_COOKIE",
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_REFERER",
    "HTTP_ORIGIN",
    "HTTP_X_CSRFTOKEN",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_HX_REQUEST",
    "HTTP_HX_CURRENT_URL",
    "HTTP_HX_TARGET",
    "HTTP_HX_TRIGGER",
]
HOSTILE_COOKIES = ["sessionid", "csrftoken", "messages"]
# Where requests enter: pages, API reads and writes, both logins (failed ones are recorded by
# the lockout), admin. Sessions, tokens, CSRF and lockouts are read the same on every route.
ENTRY_POINTS = [
    ("get", "/seller/leads/", {}),
    ("get", "/seller/notifications/", {}),
    ("get", "/ec/partners/", {}),
    ("get", "/api/v1/leads/", {}),
    ("post", "/api/v1/leads/bulk/", {"action": "assign"}),
    ("post", "/api/v1/collaboration-requests/", {"partner": 1, "consent": True}),
    ("post", "/accounts/login/", {"username": "hostile_seller", "password": "wrong"}),
    ("post", "/api/v1/auth/token/", {"username": "hostile_seller", "password": "wrong"}),
    ("get", "/admin/", {}),
]


@pytest.mark.parametrize("num_proxies", [0, 2])
@pytest.mark.parametrize("role", ["seller", "anonymous"])
def test_hostile_headers_and_cookies_at_every_entry_point(cast, role, num_proxies, settings):
    """Any header or cookie, holding NUL, stray bytes or 8 KB, is never a 500.

    A session cookie holding NUL reached PostgreSQL through Django's session store, and a
    token holding NUL through knox's lookup: both were 500s on every route.
    """
    settings.NUM_PROXIES = num_proxies
    answers = []
    for method, url, data in ENTRY_POINTS:
        for value in HOSTILE_HEADER_VALUES:
            for header in HOSTILE_HEADERS + ["token", "cookie"]:
                for name in HOSTILE_COOKIES if header == "cookie" else [header]:
                    client = client_for(cast[role])
                    extra = {}
                    if header == "token":
                        extra["HTTP_AUTHORIZATION"] = f"Token {value}"
                    elif header == "cookie":
                        client.cookies[name] = value
                    else:
                        extra[header] = value
                    response = getattr(client, method)(url, data, **extra)
                    answers.append((method.upper(), f"{url} {name}={value[:12]!r}", response))
                    assert_api_error_shape(url, response)
    errors = server_errors(answers)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("value", HOSTILE_HEADER_VALUES[:3])
def test_a_hostile_session_cookie_is_no_session(cast, value):
    client = Client()
    client.cookies["sessionid"] = value
    page = client.get("/seller/leads/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    api = client.get("/api/v1/leads/")
    assert api.status_code == 401
    assert api.json()["detail"]


@pytest.mark.parametrize("value", HOSTILE_HEADER_VALUES)
def test_a_hostile_token_is_refused_in_the_json_shape(cast, value):
    response = Client().get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Token {value}")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"
