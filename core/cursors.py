"""The one page-cursor format of keyset-paged lists (IM threads, notifications): a row's
time and id as `<microseconds since the epoch, UTC>.<id>`. Anything else is no cursor (the
first page), never an error: cursors come from links and are typed by hand too."""

import datetime as dt

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Past this a datetime overflows (year 9999); bounded so a hostile value is no cursor.
_MAX_MICROS = (dt.datetime(9999, 12, 31, tzinfo=dt.UTC) - _EPOCH) // dt.timedelta(microseconds=1)


def cursor_text(at: dt.datetime, pk: int) -> str:
    """The cursor of a row at `at` with id `pk`."""
    return f"{(at - _EPOCH) // dt.timedelta(microseconds=1)}.{pk}"


def cursor_parse(raw: str | None) -> tuple[dt.datetime, int] | None:
    """`(time, id)` from `cursor_text`'s form, or None for anything else."""
    micros, dot, pk = (raw or "").partition(".")
    if not dot or not micros.isascii() or not pk.isascii():
        return None
    if not (micros.lstrip("-").isdigit() and pk.isdigit()) or len(micros) > 20 or len(pk) > 18:
        return None
    if not 0 <= int(micros) <= _MAX_MICROS:
        return None
    return _EPOCH + dt.timedelta(microseconds=int(micros)), int(pk)
