"""Errors users can recover from: branded 403, 404 and 500 pages with a way back, JSON under
/api/, a favicon, and `make run`'s settings with debug off unless asked for."""

import importlib

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_branded_and_leads_back(client, seller_a):
    client.force_login(seller_a)
    response = client.get("/seller/nowhere/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and 'href="/seller/leads/" data-testid="error-back"' in page
    assert "URLconf" not in page and 'rel="icon"' in page
    assert client.get("/api/v1/nowhere/").json() == {"detail": "Not found."}


def test_a_forbidden_page_is_branded_and_leads_back(client, creator_bronze):
    client.force_login(creator_bronze.user)
    response = client.get("/seller/leads/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "You can&#x27;t open this page" in page
    assert 'href="/ec/partners/" data-testid="error-back">Back to Top LIVE Partner' in page


def test_a_request_django_refuses_is_a_branded_400_or_the_api_shape(client, seller_a):
    """A Host header outside ALLOWED_HOSTS (or with NUL in it) is refused before any view."""
    client.force_login(seller_a)
    page = client.get("/seller/leads/", HTTP_HOST="evil.example\x00")
    assert page.status_code == 400
    assert (
        "Bad request" in page.content.decode()
        and 'data-testid="error-back"' in page.content.decode()
    )
    api = client.get("/api/v1/leads/", HTTP_HOST="evil.example\x00")
    assert api.status_code == 400 and api.json() == {"detail": "Bad request."}


def test_an_anonymous_404_offers_sign_in(client):
    page = client.get("/no/such/page").content.decode()
    assert 'href="/" data-testid="error-back"' in page and 'href="/accounts/login/"' in page


def test_a_server_error_is_branded(monkeypatch, seller_a):
    from leads.pages import pool as views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "lead_stats", explode)
    client = Client(raise_request_exception=False)
    client.force_login(seller_a)
    response = client.get("/seller/dashboard/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and 'data-testid="error-back"' in page
    assert "boom" not in page


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_make_run_serves_with_debug_off_unless_asked(monkeypatch):
    import partner_center.settings.local as local

    monkeypatch.delenv("DEBUG", raising=False)
    assert importlib.reload(local).DEBUG is False
    monkeypatch.setenv("DEBUG", "1")
    assert importlib.reload(local).DEBUG is True
    monkeypatch.delenv("DEBUG")
    importlib.reload(local)
