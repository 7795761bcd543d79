"""Outbound safety: addresses refused when the URL is saved and again, resolved, when it is
sent (loopback not allowed here, as in production); redirects not followed; production
refuses the switches."""

import ipaddress
import socket

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.net import address_refusal
from integrations.services import webhook_endpoint_create, webhooks_deliver
from tests.factories import LeadFactory
from tests.infra.test_settings import PRODUCTION, run

from .receiver import Receiver, Script
from .webhook_helpers import event

pytestmark = pytest.mark.django_db
NO_LOOPBACK = override_settings(WEBHOOKS_ALLOW_LOOPBACK=False)


def _send_to(partner, url: str) -> WebhookDelivery:
    """Deliver one event to an endpoint stored with `url` (as if saved before the rules, or
    behind a name that resolved elsewhere then); answers the delivery after one run."""
    WebhookEndpoint.objects.create(
        partner=partner, url=url, events=["lead.created"], secret="whsec_" + "A" * 32
    )
    event(partner, lead=LeadFactory(partner=partner))
    webhooks_deliver()
    return WebhookDelivery.objects.get()


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:{port}/hook", "127.0.0.1, a loopback address"),
        ("http://10.0.0.1:{port}/hook", "10.0.0.1, a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254, a cloud metadata"),
        ("http://[::1]:{port}/hook", "::1, a loopback address"),
        ("http://[::ffff:127.0.0.1]:{port}/hook", "a loopback address"),
        ("http://localhost:{port}/hook", "a loopback address"),
        ("http://0.0.0.0:{port}/hook", "an unspecified address"),
    ],
)
def test_refused_addresses_are_never_contacted(partner_a, url, why):
    with Receiver() as receiver, NO_LOOPBACK:
        port = receiver.server.server_address[1]
        delivery = _send_to(partner_a, url.format(port=port))
    assert receiver.received == []
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert why in delivery.last_error and "refused" in delivery.last_error


def test_a_name_that_resolves_to_loopback_is_refused_at_send_time(partner_a, monkeypatch):
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):  # a public-looking name whose DNS answers loopback
        return real("127.0.0.1" if host == "hooks.example.com" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with Receiver() as receiver, NO_LOOPBACK:
        port = receiver.server.server_address[1]
        delivery = _send_to(partner_a, f"http://hooks.example.com:{port}/hook")
    assert receiver.received == []
    assert "hooks.example.com resolves to 127.0.0.1, a loopback address" in delivery.last_error


def test_the_connection_goes_to_the_checked_address_with_the_host_header(partner_a, monkeypatch):
    real = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *a, **k: real("127.0.0.1" if host == "hooks.example.com" else host, *a, **k),
    )
    with Receiver() as receiver:  # loopback allowed (tests' default)
        port = receiver.server.server_address[1]
        delivery = _send_to(partner_a, f"http://hooks.example.com:{port}/hook?x=1")
    [got] = receiver.received
    assert got.headers["host"] == f"hooks.example.com:{port}" and got.path == "/hook?x=1"
    assert delivery.status == "succeeded"


def test_a_redirect_is_not_followed(partner_a):
    with Receiver() as target:
        script = Script(statuses=[302], location=target.url)
        with Receiver(script) as redirecting:
            delivery = _send_to(partner_a, redirecting.url)
    assert len(redirecting.received) == 1 and target.received == []
    assert delivery.status == "pending" and delivery.last_status_code == 302
    assert delivery.last_error.startswith("redirect not followed (Location: http://127.0.0.1:")


def test_an_answer_is_read_up_to_the_cap(partner_a):
    with Receiver(Script(body=b"x" * 200_000)) as receiver:
        delivery = _send_to(partner_a, receiver.url)
    assert delivery.status == "succeeded" and delivery.last_response_excerpt == "x" * 500


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/",
        "https://[::1]/hook",
        "https://[fd00:ec2::254]/",
        "https://localhost/hook",
        "https://192.168.1.20/hook",
    ],
)
def test_refused_addresses_cannot_be_saved(partner_a, seller_a, url):
    with NO_LOOPBACK, pytest.raises(ValidationError) as refused:
        webhook_endpoint_create(
            partner=partner_a, user=seller_a, url=url, kind="generic", events=["lead.created"]
        )
    assert list(refused.value.message_dict) == ["url"]
    assert not WebhookEndpoint.objects.exists()


@override_settings(WEBHOOKS_ALLOW_HTTP=False, WEBHOOKS_ALLOW_LOOPBACK=False)
def test_production_rules_take_https_and_slack_urls_only(partner_a, seller_a):
    def create(url, kind="generic"):
        return webhook_endpoint_create(
            partner=partner_a, user=seller_a, url=url, kind=kind, events=["lead.created"]
        )

    for url, kind in [
        ("http://hooks.example.com/x", "generic"),
        ("https://hooks.example.com/x", "slack"),
        ("https://user:pw@hooks.example.com/x", "generic"),
    ]:
        with pytest.raises(ValidationError) as refused:
            create(url, kind)
        assert list(refused.value.message_dict) == ["url"], url
    assert create("https://hooks.example.com/x")[0].url == "https://hooks.example.com/x"
    assert create("https://hooks.slack.com/services/T0/B0/XYZ", "slack")[0].kind == "slack"


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.2", False),
        ("100.64.0.1", False),
        ("172.16.0.1", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 carrying 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 carrying 169.254.169.254
    ],
)
def test_address_rules(address, allowed):
    why = address_refusal(ipaddress.ip_address(address), allow_loopback=False)
    assert (why is None) is allowed, why


@pytest.mark.parametrize("switch", ["WEBHOOKS_ALLOW_HTTP", "WEBHOOKS_ALLOW_LOOPBACK"])
def test_production_refuses_the_loopback_and_http_switches(tmp_path, switch):
    result = run(
        ["-c", "import django; django.setup()"],
        tmp_path,
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY="k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="example.com",
        **{switch: "1"},
    )
    assert result.returncode != 0
    assert f"{switch} cannot be on in production" in result.stderr


def test_production_has_both_switches_off(tmp_path):
    from tests.infra.test_settings import settings_of

    values = settings_of(
        tmp_path,
        ["WEBHOOKS_ALLOW_HTTP", "WEBHOOKS_ALLOW_LOOPBACK"],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY="k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="example.com",
    )
    assert values == {"WEBHOOKS_ALLOW_HTTP": False, "WEBHOOKS_ALLOW_LOOPBACK": False}
