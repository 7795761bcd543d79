"""Ids from URLs, query strings and forms: ASCII digits that fit a 64-bit integer.

`str.isdigit()` is True for "²" (which `int()` refuses: a 500) and for "٣" (which `int()`
reads as 3), and 20 digits overflow PostgreSQL's bigint. Every hand-read id goes through
`is_id` / `id_parse` instead.
"""


def is_id(raw) -> bool:
    text = "" if raw is None else str(raw)
    return text.isascii() and text.isdigit() and len(text) <= 18


def id_parse(raw) -> int | None:
    """The id, or None when `raw` is not one."""
    return int(raw) if is_id(raw) else None
