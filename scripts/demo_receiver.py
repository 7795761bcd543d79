"""The demo's webhook receiver: `make run` starts it on loopback beside the web server.

It answers every POST with 200 and appends one line per event to VAR_DIR/demo-receiver.log:
the time, the `webhook-id`, the event type, the lead, and whether the Standard Webhooks
signature checks out against the demo endpoint's secret (VAR_DIR/demo-receiver.secret, which
`seed_demo` writes; after "Rotate secret" on the settings page the log says "signature
INVALID" until that file holds the new secret). Standard library only.

    python scripts/demo_receiver.py [--port 8001] [--var-dir var]
"""

import argparse
import base64
import hashlib
import hmac
import http.server
import json
import os
import sys
import time
from pathlib import Path

MAX_BODY = 1_000_000
TOLERANCE_SECONDS = 300


def signature_check(*, secret: str, headers, body: bytes) -> str:
    """ "valid", or why not: the Standard Webhooks algorithm (standardwebhooks.com)."""
    message_id = headers.get("webhook-id") or ""
    timestamp = headers.get("webhook-timestamp") or ""
    given = headers.get("webhook-signature") or ""
    if not (message_id and timestamp.isdigit() and given):
        return "unsigned"
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return "timestamp too old"
    if not secret:
        return "no secret to check with"
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"))
    except ValueError:
        return "secret unreadable"
    content = f"{message_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    for entry in given.split(" "):
        version, _, value = entry.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return "valid"
    return "INVALID"


def event_summary(body: bytes) -> tuple[str, str]:
    """The event's type and its lead (`id @handle`), for the log line."""
    try:
        event = json.loads(body)
        lead = (event.get("data") or {}).get("lead") or {}
        handle = (lead.get("creator") or {}).get("handle")
        shown = f"{lead['id']} @{handle}" if lead.get("id") else "-"
        return str(event.get("type", "?")), shown
    except (ValueError, AttributeError, TypeError):
        return "(not JSON)", "-"


def make_handler(var_dir: Path):
    log_path = var_dir / "demo-receiver.log"
    secret_path = var_dir / "demo-receiver.secret"

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "DemoReceiver/1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, MAX_BODY))
            try:
                secret = secret_path.read_text().strip()
            except OSError:
                secret = ""
            verdict = signature_check(secret=secret, headers=self.headers, body=body)
            kind, lead = event_summary(body)
            line = (
                f"{time.strftime('%Y-%m-%d %H:%M:%S')} {self.path} "
                f"id={self.headers.get('webhook-id', '-')} type={kind} lead={lead} "
                f"signature {verdict}\n"
            )
            with log_path.open("a") as log:
                log.write(line)
            sys.stdout.write(line)
            sys.stdout.flush()
            answer = b"received\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def do_GET(self):
            answer = b"Demo webhook receiver: POST events here. See var/demo-receiver.log.\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass  # one line per event, written above

    return Handler


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEMO_RECEIVER_PORT", 8001)))
    parser.add_argument("--var-dir", default=os.environ.get("VAR_DIR", "var"))
    args = parser.parse_args(argv)
    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(var_dir))
    except OSError as exc:
        print(f"Demo webhook receiver: cannot listen on 127.0.0.1:{args.port} ({exc}).")
        return 3
    print(f"Demo webhook receiver on http://127.0.0.1:{args.port}/hooks", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
