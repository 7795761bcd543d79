"""The API's JSON parser: DRF's, made safe against hostile bodies at the edge.

- JSON nested deeper than Python's recursion limit (a thousand `[`) raised RecursionError,
  which DRF does not catch: a 500. It is a parse error (400) here.
- A NUL character (`\\u0000`) in any string cannot be stored by PostgreSQL, and would reach
  the database through any field that does not validate it itself (a 500). The body is refused
  with a 400 naming the field it was found in.
- A lone surrogate (`"\\ud800"`, valid JSON, but no character: it cannot be encoded as UTF-8,
  so the database, a log line or the answer echoing it fails) in any key or value, however
  deeply nested (`filters`), is refused the same way.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

NUL = "\x00"
NUL_MESSAGE = "Null characters are not allowed."
SURROGATE_MESSAGE = "Unpaired surrogate characters (\\ud800-\\udfff) are not allowed."


def _refusal(text: str) -> str | None:
    """Why a string cannot be taken (NUL, lone surrogate), or None."""
    if NUL in text:
        return NUL_MESSAGE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def _safe_name(name: str) -> str:
    return name.replace(NUL, "\\0").encode("utf-8", "backslashreplace").decode("utf-8")


def _field_refused(value, path: str = "") -> tuple[str, str] | None:
    """The path (`rows[3].top_category`) of the first string (key or value) that cannot be
    taken, and why; or None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            reason = _refusal(item)
            if reason:
                return where or "non_field_errors", reason
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                reason = _refusal(str(key))
                if reason:
                    return name, reason
                stack.append((child, name))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply.") from exc
        found = _field_refused(data)
        if found is not None:
            where, reason = found
            where = _safe_name(where)
            field = where.split(".", 1)[0].split("[", 1)[0]
            message = reason if field == where else f"{reason} ({where})"
            raise ValidationError({field: [message]})
        return data
