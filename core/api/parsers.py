"""The API's JSON parser: DRF's, made safe against hostile bodies at the edge.

- JSON nested deeper than Python's recursion limit (a thousand `[`) raised RecursionError,
  which DRF does not catch: a 500. It is a parse error (400) here.
- A NUL character (`\\u0000`) in any string cannot be stored by PostgreSQL, and would reach
  the database through any field that does not validate it itself (a 500). The body is refused
  with a 400 naming the field it was found in.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

NUL = "\x00"
NUL_MESSAGE = "Null characters are not allowed."


def _field_with_nul(value, path: str = "") -> str | None:
    """The path (`rows[3].top_category`) of the first string holding a NUL, or None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return where or "non_field_errors"
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                if NUL in str(key):
                    return name
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
        where = _field_with_nul(data)
        if where is not None:
            field = where.split(".", 1)[0].split("[", 1)[0]
            message = NUL_MESSAGE if field == where else f"{NUL_MESSAGE} ({where})"
            raise ValidationError({field: [message]})
        return data
