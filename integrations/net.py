"""Outbound HTTP to partners' webhook URLs, safe against server-side request forgery.

- The URL's host is resolved when the delivery is sent, and every address it resolves to
  must be public: loopback, private, shared (CGNAT), link-local, multicast, reserved,
  unspecified and cloud-metadata addresses are refused, an IPv4 address inside IPv6
  (mapped, 6to4, NAT64) by the IPv4 address it carries. Loopback is allowed only where
  `WEBHOOKS_ALLOW_LOOPBACK` is on (tests, `make run`; production refuses the setting).
- The connection goes to the very address that was checked (no second lookup a rebinding
  DNS server could answer differently), with the URL's host in the Host header and in TLS's
  SNI and certificate check.
- Redirects are never followed: a 3xx is a failed attempt.
- A connect timeout, a read timeout, and at most RESPONSE_CAP bytes of the answer are read.
  An attempt also ends at WEBHOOKS_ATTEMPT_SECONDS in all (`_Watchdog`): a receiver that
  drips its answer a byte at a time restarts the read timeout at every byte.

One `Sender` per worker run keeps one keep-alive connection per endpoint.
"""

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

RESPONSE_CAP = 64 * 1024
EXCERPT_CHARS = 500
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud's
}
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
USER_AGENT = "LIVE-Partner-Center-Webhooks/1"


class AddressRefused(Exception):
    """The URL's host is, or resolves to, an address webhooks may not reach."""


def _embedded_ipv4(address):
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64), or None."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refusal(address, *, allow_loopback: bool) -> str | None:
    """Why webhooks may not reach `address` (an ipaddress object), or None when they may."""
    inner = _embedded_ipv4(address)
    if inner is not None:
        return address_refusal(inner, allow_loopback=allow_loopback)
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.version == 4 and address in SHARED_ADDRESS_SPACE:
        return "a shared (carrier-grade NAT) address"
    if address.is_private:
        return "a private address"
    if address.is_reserved or not address.is_global:
        return "a reserved address"
    return None


def literal_address(host: str):
    """The host as an IP address if it is one (brackets and an IPv6 zone dropped), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def resolve_public(host: str, port: int, *, allow_loopback: bool | None = None) -> str:
    """The first address of `host` to connect to, after checking every address it resolves
    to; AddressRefused when the name does not resolve or any address is refused (a name
    that answers one public and one private address is refused: the next lookup could
    pick the private one)."""
    if allow_loopback is None:
        allow_loopback = settings.WEBHOOKS_ALLOW_LOOPBACK
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(f"{host} does not resolve ({exc})") from None
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        why = address_refusal(address, allow_loopback=allow_loopback)
        if why:
            raise AddressRefused(f"{host} resolves to {address}, {why}: refused")
        addresses.append(str(address))
    if not addresses:
        raise AddressRefused(f"{host} does not resolve")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a checked address, Host header from the URL."""

    def __init__(self, host, port, *, address, connect_timeout, read_timeout):
        super().__init__(host, port, timeout=read_timeout)
        self.address, self.connect_timeout, self.read_timeout = (
            address,
            connect_timeout,
            read_timeout,
        )

    def _open(self):
        sock = socket.create_connection((self.address, self.port), self.connect_timeout)
        sock.settimeout(self.read_timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def connect(self):
        self.sock = self._open()

    def _send_output(self, message_body=None, encode_chunked=False):
        # The head and a bytes body in one write (http.client writes them apart): one
        # packet per small webhook, half the system calls per delivery.
        if isinstance(message_body, bytes) and not encode_chunked:
            self._buffer.extend((b"", b""))
            head = b"\r\n".join(self._buffer)
            del self._buffer[:]
            self.send(head + message_body)
            return
        super()._send_output(message_body, encode_chunked)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """TLS to a checked address; SNI and the certificate check use the URL's host."""

    default_port = http.client.HTTPS_PORT

    def __init__(self, host, port, **kwargs):
        super().__init__(host, port, **kwargs)
        self.context = ssl.create_default_context()

    def connect(self):
        self.sock = self.context.wrap_socket(self._open(), server_hostname=self.host)


@dataclass
class Outcome:
    """One attempt's result, as the delivery log shows it."""

    status_code: int | None
    duration_ms: int
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


class _Watchdog:
    """Ends the attempt in progress at its deadline by shutting its socket down, from one
    thread per Sender (started at the first attempt, stopped by `Sender.close()`); the
    attempt then fails as the receiver's fault, and `cut` says why."""

    def __init__(self):
        self._condition = threading.Condition()
        self._armed = None  # (deadline, connection) of the attempt in progress
        self._thread = None
        self._stopped = False
        self.cut = False

    def arm(self, seconds: float, connection) -> None:
        with self._condition:
            self._armed = (time.monotonic() + seconds, connection)
            self.cut = self._stopped = False
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="webhook-deadline", daemon=True
                )
                self._thread.start()
            self._condition.notify()

    def disarm(self) -> None:
        with self._condition:
            self._armed = None
            self._condition.notify()

    def stop(self) -> None:
        with self._condition:
            self._armed, self._stopped = None, True
            self._condition.notify()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=5)

    def _watch(self) -> None:
        with self._condition:
            while not self._stopped:
                if self._armed is None:
                    self._condition.wait()
                    continue
                deadline, connection = self._armed
                left = deadline - time.monotonic()
                if left > 0:
                    self._condition.wait(left)
                    continue
                self._armed, self.cut = None, True
                sock = connection.sock
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass


class Sender:
    """Posts JSON to webhook URLs; keeps one open connection per endpoint for one run."""

    def __init__(self):
        self._connections: dict[int, tuple[tuple, http.client.HTTPConnection]] = {}
        self.connect_timeout = float(settings.WEBHOOKS_CONNECT_TIMEOUT)
        self.read_timeout = float(settings.WEBHOOKS_READ_TIMEOUT)
        self.attempt_seconds = float(settings.WEBHOOKS_ATTEMPT_SECONDS)
        self._watchdog = _Watchdog()

    def _connection(self, key: int, url: str) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        if scheme == "http" and not settings.WEBHOOKS_ALLOW_HTTP:
            raise AddressRefused("plain http is not allowed: use https")
        if scheme not in ("http", "https"):
            raise AddressRefused(f"{scheme or 'no'} scheme: use https")
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        ident = (scheme, host, port)
        held = self._connections.get(key)
        if held is not None and held[0] == ident:
            return held[1], target
        self.close(key)
        address = resolve_public(host, port)  # checked here, connected to below: no rebinding
        kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        connection = kind(
            host,
            port,
            address=address,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
        )
        self._connections[key] = (ident, connection)
        return connection, target

    def post(self, *, key: int, url: str, body: bytes, headers: dict) -> Outcome:
        """POST `body` to `url` over endpoint `key`'s connection; never raises."""
        started = time.monotonic()

        def took() -> int:
            return int((time.monotonic() - started) * 1000)

        try:
            connection, target = self._connection(key, url)
        except AddressRefused as exc:
            return Outcome(None, took(), error=str(exc)[:300])
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **headers,
        }
        reused = connection.sock is not None
        self._watchdog.arm(self.attempt_seconds, connection)
        try:
            try:
                response = _exchange(connection, target, body, headers)
            except STALE:
                if not reused or self._watchdog.cut:
                    raise
                # The server closed the idle keep-alive connection: once more on a new one.
                connection.close()
                response = _exchange(connection, target, body, headers)
            raw = response.read(RESPONSE_CAP)
            status = response.status
            reusable = response.isclosed() and not response.will_close
        except (OSError, http.client.HTTPException, ValueError) as exc:
            self._watchdog.disarm()
            self.close(key)
            error = self._too_long() if self._watchdog.cut else _error_text(exc)
            return Outcome(None, took(), error=error)
        self._watchdog.disarm()
        if self._watchdog.cut:  # cut after the last byte was read: the answer may be partial
            self.close(key)
            return Outcome(None, took(), error=self._too_long())
        if not reusable:
            self.close(key)  # an answer longer than the cap, or the server closes
        excerpt = raw[:2048].decode("utf-8", "replace")[:EXCERPT_CHARS]
        if 300 <= status < 400:
            where = response.getheader("Location", "")[:200]
            return Outcome(status, took(), excerpt, f"redirect not followed (Location: {where})")
        if not 200 <= status < 300:
            return Outcome(status, took(), excerpt, f"HTTP {status}")
        return Outcome(status, took(), excerpt)

    def _too_long(self) -> str:
        return f"took longer than {self.attempt_seconds:g} s"

    def close(self, key: int | None = None) -> None:
        """Close one endpoint's connection, or all of them (and the watchdog: the run ends)."""
        if key is None:
            self._watchdog.stop()
        keys = list(self._connections) if key is None else [key]
        for name in keys:
            held = self._connections.pop(name, None)
            if held is not None:
                held[1].close()


# What a keep-alive connection the server has already closed raises on its next request.
STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


def _exchange(connection, target: str, body: bytes, headers: dict):
    connection.request("POST", target, body=body, headers=headers)
    return connection.getresponse()


def _error_text(exc: Exception) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]
