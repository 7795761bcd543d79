"""A real HTTP receiver for the webhook tests (and the bench): a threaded http.server on
127.0.0.1 that records every request and answers as told."""

import http.server
import json
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Script:
    """How the receiver answers: a list of statuses used in turn (the last one repeats), a
    delay before answering, a Location for redirects."""

    statuses: list = field(default_factory=lambda: [200])
    delay: float = 0.0
    delays: list = field(default_factory=list)  # per request, in turn (then `delay`)
    location: str = ""
    body: bytes = b"ok"


class Receiver:
    def __init__(self, script: Script | None = None):
        self.script = script or Script()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

            def setup(self):
                super().setup()
                # Headers and body go out in two writes: without this, Nagle's algorithm and
                # the client's delayed ACK hold each answer back ~40 ms.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    n = len(receiver.received)
                    receiver.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    script = receiver.script
                    statuses = script.statuses
                    status = statuses[min(n, len(statuses) - 1)]
                    delay = script.delays[n] if n < len(script.delays) else script.delay
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                if script.location:
                    self.send_header("Location", script.location)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(script.body)))
                self.end_headers()
                try:
                    self.wfile.write(script.body)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
