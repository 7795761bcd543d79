"""The dashboard's figures as links into the Leads Pool: the page's filters, with the figure's
own filters in place of any of the same name (`?tier=gold`, `?status=contacted`,
`?response=overdue`, `?expiring_within_hours=24`), back on the first page."""

from django import template
from django.urls import reverse

register = template.Library()

# Where in the list and how many a page shows: the pool starts over for another figure.
NOT_CARRIED = ("page", "page_size")


@register.simple_tag(takes_context=True)
def pool_link(context, filters: dict | None = None, **more) -> str:
    """The pool's URL for the dashboard's filters plus `filters` / keyword filters."""
    request = context["request"]
    query = request.GET.copy()
    for key in NOT_CARRIED:
        query.pop(key, None)
    for key, value in {**(filters or {}), **more}.items():
        query.setlist(key, [str(value)])
    encoded = query.urlencode()
    return reverse("leads:pool") + (f"?{encoded}" if encoded else "")
