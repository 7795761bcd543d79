"""Pagination that stays fast on deep pages of large lists."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator

DEFERRED_JOIN_FROM = 1000

# The one page-size rule, for pages and the API alike: 25 rows unless `page_size` asks for a
# positive number, capped at 100; anything else is the default.
PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def page_size(raw: str | None) -> int:
    """The rows per page that `?page_size=<raw>` asks for, under the rule above."""
    try:
        size = int(raw or PAGE_SIZE)
    except ValueError:
        return PAGE_SIZE
    return min(size, MAX_PAGE_SIZE) if size > 0 else PAGE_SIZE


class DeferredJoinPaginator(Paginator):
    """Deep pages pick their ids first (an index-only scan), then load just those rows.

    `OFFSET 50000` over full rows with their joins costs tens of milliseconds; over the
    ordering index alone it costs a few. Shallow pages keep the single query. A caller that
    knows the count already passes `count=`.
    """

    def __init__(self, *args, count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:
            self.count = count  # known already (e.g. cached): no COUNT query

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEFERRED_JOIN_FROM or not hasattr(self.object_list, "values_list"):
            return super().page(number)
        top = bottom + self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


# Deeper than any list here goes; a bigger number is a typo or a probe, not a page.
MAX_PAGE_NUMBER = 1_000_000


def page_number_parse(raw: str | None, *, name: str = "page") -> int | None:
    """A page number as every list reads it: ASCII digits from 1 to MAX_PAGE_NUMBER.

    None when absent. Anything else raises a ValidationError naming the parameter. (`int()`
    takes other scripts' digits such as "٣", and `str.isdigit()` is True for "²", which
    `int()` refuses: only ASCII digits are page numbers.)
    """
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE_NUMBER:
        raise ValidationError(
            {name: [f"Use a page number from 1 to {MAX_PAGE_NUMBER:,}, not {raw[:20]!r}."]}
        )
    return int(raw)
