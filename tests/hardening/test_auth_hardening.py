"""Brute force stopped on every login path; the client address cannot be spoofed; tokens end.

Lockouts (django-axes) count failures per username and client address, in the database without
REDIS_URL and in the Redis cache with it, so this file runs against both in CI.
"""

import json
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from core.auth import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
LOCKED_TEXT = "Too many failed sign-in attempts"


# --- The three login paths --------------------------------------------------------------


def login_page(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def admin_login(client, username, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, **extra
    )


def token_login(client, username, password, **extra):
    return client.post(
        TOKEN_URL,
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
        **extra,
    )


PATHS = {"login page": login_page, "admin login": admin_login, "token": token_login}


def signed_in(path, client, response) -> bool:
    if path == "token":
        return response.status_code == 200 and "token" in response.json()
    return "_auth_user_id" in client.session


def assert_locked(path, response):
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    if path == "token":
        body = response.json()
        assert LOCKED_TEXT in body["detail"] and "token" not in body
    else:
        page = response.content.decode()
        assert LOCKED_TEXT in page and "Try again in 15 minutes" in page


@pytest.fixture
def staff_user(db):
    """Someone who may sign in on all three paths (the admin wants staff)."""
    user = get_user_model().objects.create_user("ops", password=PASSWORD, is_staff=True)
    return user


@pytest.mark.parametrize("path", PATHS)
def test_five_failures_lock_the_username_and_address_even_for_the_right_password(path, staff_user):
    attempt = PATHS[path]
    client = Client(REMOTE_ADDR="203.0.113.7")

    codes = [attempt(client, "ops", f"wrong-{n}").status_code for n in range(4)]
    assert codes == [400] * 4 if path == "token" else codes == [200] * 4  # the form again

    fifth = attempt(client, "ops", "wrong-5")
    assert_locked(path, fifth)

    right = attempt(client, "ops", PASSWORD)
    assert_locked(path, right)
    assert not signed_in(path, client, right)
    assert not AuthToken.objects.filter(user=staff_user).exists()


@pytest.mark.parametrize("path", PATHS)
def test_a_spoofed_x_forwarded_for_does_not_reset_the_count(path, staff_user):
    attempt = PATHS[path]
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(5):
        attempt(client, "ops", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = attempt(client, "ops", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert_locked(path, response)
    assert not signed_in(path, client, response)


@pytest.mark.parametrize("path", PATHS)
def test_a_lockout_is_per_username_and_address_and_ends_after_the_cool_off(
    path, staff_user, settings
):
    attempt = PATHS[path]
    get_user_model().objects.create_user("ops2", password=PASSWORD, is_staff=True)
    # A short cool-off, since a Redis key expires in real time (time-machine cannot move it).
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        attempt(attacker, "ops", "wrong")
    assert attempt(attacker, "ops", PASSWORD).status_code == 429

    # The same user from another address, and another user from the same address, sign in.
    elsewhere = Client(REMOTE_ADDR="203.0.113.8")
    assert signed_in(path, elsewhere, attempt(elsewhere, "ops", PASSWORD))
    neighbour = Client(REMOTE_ADDR="203.0.113.7")
    assert signed_in(path, neighbour, attempt(neighbour, "ops2", PASSWORD))

    time.sleep(1.2)
    assert signed_in(path, attacker, attempt(attacker, "ops", PASSWORD))


def test_a_successful_login_clears_earlier_failures(staff_user):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        login_page(client, "ops", "wrong")
    assert signed_in("login page", client, login_page(client, "ops", PASSWORD))
    client.logout()
    for _ in range(4):
        assert login_page(client, "ops", "wrong").status_code == 200
    assert signed_in("login page", client, login_page(client, "ops", PASSWORD))


def test_the_token_throttle_keys_on_the_real_address_not_x_forwarded_for(api, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    codes = [
        token_login(api, f"nobody{n}", "x", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    assert api.post(TOKEN_URL, {}, format="json").json()["detail"].startswith("Request was")


def test_trusted_proxies_are_explicit(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    # Default: no proxy is trusted; DRF's throttles agree.
    assert settings.NUM_PROXIES == 0
    assert client_ip(request) == "10.0.0.2" == BaseThrottle().get_ident(request)
    # Behind one trusted proxy, the address that proxy saw (not what the client wrote first).
    settings.NUM_PROXIES = 1
    assert client_ip(request) == "203.0.113.7"
    settings.NUM_PROXIES = 2
    assert client_ip(request) == "6.6.6.6"
    settings.NUM_PROXIES = 1
    bare = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")
    assert client_ip(bare) == "10.0.0.2"
    # What the chosen hop says is used only if it is an address (lockouts store it).
    settings.NUM_PROXIES = 2
    for made_up in ("not-an-ip", "6.6.6.6\x00", "999.1.1.1"):
        forged = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{made_up}, 203.0.113.7"
        )
        assert client_ip(forged) == "10.0.0.2"


def test_behind_a_trusted_proxy_two_clients_are_counted_apart(staff_user, settings):
    settings.NUM_PROXIES = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(5):
        login_page(proxy, "ops", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert login_page(proxy, "ops", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == (
        429
    )
    other = Client(REMOTE_ADDR="10.0.0.2")
    login_page(other, "ops", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert "_auth_user_id" in other.session


# --- Password validators ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678", "This password is entirely numeric."),
        ("12345678", "This password is too common."),
        ("password", "This password is too common."),
        ("short1", "This password is too short"),
        ("seller_a1", "too similar to the username"),
    ],
)
def test_the_full_set_of_password_validators(seller_a, password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=seller_a)
    assert any(message in m for m in refused.value.messages)
    validate_password("plum-Orchard-41-lantern", user=seller_a)  # a good one passes


def test_the_admin_refuses_a_weak_password_for_a_new_user(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "newbie",
            "usable_password": "true",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This password is too common." in page and "entirely numeric" in page
    assert not get_user_model().objects.filter(username="newbie").exists()


# --- Tokens with a life -----------------------------------------------------------------


def issue(username="seller_a", password=PASSWORD) -> str:
    response = token_login(APIClient(), username, password)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def as_token(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_is_stored_hashed(seller_a):
    token = issue()
    stored = AuthToken.objects.get(user=seller_a)
    assert stored.digest != token and token not in stored.digest
    assert abs(stored.expiry - stored.created - timedelta(days=7)) < timedelta(seconds=5)


def test_a_token_expires_after_its_life(seller_a):
    token = issue()
    issued = timezone.now()
    with time_machine.travel(issued + timedelta(days=7) - timedelta(minutes=1), tick=False):
        assert as_token(token).get("/api/v1/me/").status_code == 200
    with time_machine.travel(issued + timedelta(days=7, minutes=1), tick=False):
        response = as_token(token).get("/api/v1/me/")
        assert response.status_code == 401
        assert response.json()["detail"] == "Invalid or expired token."
        # The GET wrote nothing: the expired row is cleared when the user next signs in.
        assert AuthToken.objects.filter(user=seller_a).count() == 1
        fresh = issue()
        assert AuthToken.objects.filter(user=seller_a).count() == 1
        assert as_token(fresh).get("/api/v1/me/").status_code == 200


def test_the_token_life_is_configurable(seller_a, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=1)}
    token = issue()
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        assert as_token(token).get("/api/v1/me/").status_code == 401


def test_delete_revokes_the_token_it_is_sent_with(seller_a):
    token, other = issue(), issue()
    client = as_token(token)

    response = client.delete(TOKEN_URL)
    assert response.status_code == 204 and response.content == b""
    assert client.get("/api/v1/me/").status_code == 401
    assert client.delete(TOKEN_URL).status_code == 401
    # The user's other client keeps its token.
    assert as_token(other).get("/api/v1/me/").json()["username"] == "seller_a"


def test_delete_without_a_token_is_401_in_the_error_shape(api_as, seller_a):
    response = APIClient().delete(TOKEN_URL)
    assert response.status_code == 401 and response.json()["detail"]
    # A browser session is not a token: there is nothing to revoke.
    assert api_as(seller_a).delete(TOKEN_URL).status_code == 401


def test_a_password_change_ends_the_old_tokens(seller_a, admin_user):
    token = issue()
    admin = Client()
    admin.force_login(admin_user)
    response = admin.post(
        f"/admin/auth/user/{seller_a.pk}/password/",
        {
            "password1": "plum-Orchard-41-lantern",
            "password2": "plum-Orchard-41-lantern",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert as_token(token).get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=seller_a).exists()
    new = issue(password="plum-Orchard-41-lantern")
    assert as_token(new).get("/api/v1/me/").status_code == 200


def test_deactivation_ends_the_old_tokens_for_good(seller_a):
    token = issue()
    seller_a.is_active = False
    seller_a.save()
    assert not AuthToken.objects.filter(user=seller_a).exists()
    seller_a.is_active = True
    seller_a.save()
    assert as_token(token).get("/api/v1/me/").status_code == 401


def test_saving_a_user_otherwise_keeps_the_tokens(seller_a):
    token = issue()
    seller_a.first_name = "Sam"
    seller_a.save()
    issue()  # a second sign-in updates last_login
    assert as_token(token).get("/api/v1/me/").status_code == 200


def test_a_user_holds_a_bounded_number_of_tokens(seller_a, settings):
    settings.API_TOKENS_PER_USER = 3
    tokens = [issue() for _ in range(4)]
    assert AuthToken.objects.filter(user=seller_a).count() == 3
    assert as_token(tokens[0]).get("/api/v1/me/").status_code == 401
    assert all(as_token(t).get("/api/v1/me/").status_code == 200 for t in tokens[1:])


def test_a_token_costs_no_more_queries_than_a_session(
    seller_a, partner_a, django_assert_max_num_queries
):
    client = as_token(issue())
    with django_assert_max_num_queries(1):
        body = client.get("/api/v1/me/").json()
    assert body["id"] == seller_a.pk and body["partner"]["id"] == partner_a.pk


# --- Request bodies over the limit ------------------------------------------------------


def test_a_six_megabyte_body_gets_the_json_error_shape(api_as, seller_a):
    body = json.dumps({"username": "x" * (6 * 1024 * 1024), "password": "y"})
    for client, url in [
        (APIClient(), TOKEN_URL),
        (api_as(seller_a), "/api/v1/im/threads/"),
    ]:
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 413
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Request body too large: the limit is 5 MB."}
    form = api_as(seller_a).post(
        "/api/v1/im/threads/",
        "creator=" + "x" * (6 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert form.status_code == 413 and form.json()["detail"].startswith("Request body too large")


def test_the_admins_clean_up_of_expired_lockouts_runs(admin_client):
    """django-axes's own action was a 500 from the admin (core.admin mends it): with the
    database handler it cleans up what has expired; with the cache handler it says the table
    is not used."""
    from axes.models import AccessAttempt

    # bulk_create: no save signals (axes's cache handler, with REDIS_URL, has no receiver).
    AccessAttempt.objects.bulk_create(
        [
            AccessAttempt(username=name, ip_address=ip, user_agent="", failures_since_start=1)
            for name, ip in (("ops", "203.0.113.9"), ("ops2", "203.0.113.10"))
        ]
    )
    AccessAttempt.objects.filter(username="ops").update(
        attempt_time=timezone.now() - django_settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    fresh = AccessAttempt.objects.get(username="ops2")
    page = admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "cleanup_expired_attempts", "_selected_action": [fresh.pk], "index": "0"},
        follow=True,
    )
    assert page.status_code == 200
    if django_settings.AXES_HANDLER.endswith("AxesCacheHandler"):  # REDIS_URL: the cache
        assert "this table is not used, so there is nothing to clean up" in page.content.decode()
        assert AccessAttempt.objects.count() == 2
    else:
        assert "Cleaned up 1 expired access attempts." in page.content.decode()
        assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["ops2"]


def test_one_address_trying_many_usernames_is_throttled_on_every_login(monkeypatch, db):
    """Password spraying: the lockout counts per username, so one address cycling usernames
    meets the per-address budget instead, shared by the page, admin and token logins."""
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert client.get("/accounts/login/").status_code == 200  # showing the form costs nothing
    codes = [
        login_page(client, "nobody1", "x").status_code,
        admin_login(client, "nobody2", "x").status_code,
        token_login(client, "nobody3", "x").status_code,
    ]
    assert codes == [200, 200, 400]  # wrong passwords: the form again, the API's 400
    refused = login_page(client, "nobody4", "x")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Too many sign-in attempts from your address" in refused.content.decode()
    assert admin_login(client, "nobody5", "x").status_code == 429
    assert token_login(client, "nobody6", "x").status_code == 429
    # Another address is not affected.
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert login_page(other, "nobody7", "x").status_code == 200
