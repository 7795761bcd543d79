"""Log lines a machine can read, and a person too.

- `JsonFormatter`: one JSON object per line (production, LOG_FORMAT=json) with `time` (UTC,
  ISO 8601), `level`, `logger`, `message`, the request's `request_id` and `user_id` or the
  job's `job` and `job_run` when there is one, any `extra={…}` fields the call passed, and the
  exception's traceback.
- `TextFormatter`: `time level logger [request id] message key=value …` (make run, tests).

The context (request id, user id, job) lives in context variables that the request middleware
(partner_center/request_log.py) and the job record (core/jobs.py) set, so every line logged
while they run carries it, whichever module logs it. A small formatter was chosen over
django-structlog: the project logs through the standard library everywhere already (Django,
Celery, axes), and this adds the fields without a second logging pipeline to configure.
"""

import contextlib
import datetime as dt
import json
import logging
from contextvars import ContextVar

log_context: ContextVar[dict | None] = ContextVar("log_context", default=None)

# What every LogRecord has; anything else on a record came from `extra={…}`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


@contextlib.contextmanager
def log_fields(**fields):
    """Within the block, every log line carries these fields (request id, user id, job …)."""
    token = log_context.set({**(log_context.get() or {}), **fields})
    try:
        yield
    finally:
        log_context.reset(token)


def log_context_update(**fields) -> None:
    """Add fields to the current block's context (e.g. the user id once it is known)."""
    current = log_context.get()
    if current is not None:
        current.update(fields)


class ContextFilter(logging.Filter):
    """Stamps the context's fields on each record as it is logged, so a handler that formats
    later (or elsewhere) still has them."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (log_context.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def _fields(record: logging.LogRecord) -> dict:
    fields = dict(log_context.get() or {})
    for key, value in vars(record).items():
        if key not in _STANDARD and not key.startswith("_"):
            fields[key] = value
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        request_id = fields.pop("request_id", None)
        when = dt.datetime.fromtimestamp(record.created, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        line = f"{when} {record.levelname:<7} {record.name}"
        if request_id:
            line += f" [{request_id}]"
        line += f" {record.getMessage()}"
        if fields:
            line += " " + " ".join(f"{key}={value}" for key, value in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line
