"""Shared pieces for the creator's side of the loop (issue 20)."""

import datetime as dt
import re

T0 = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def text(response) -> str:
    """A page's visible words, whitespace folded (tags dropped)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
