"""The API's router: ids in paths are ASCII digits that fit a 64-bit integer.

DRF's default lookup takes any text (`[^/.]+`), so `/notifications/abc/read/` reached the
database as `pk='abc'` (ValueError, a 500) and a 20-digit id overflowed PostgreSQL's bigint.
Anything else than 1 to 18 ASCII digits now simply matches no route: the API's JSON 404.
"""

from rest_framework.routers import SimpleRouter

ID_REGEX = r"[0-9]{1,18}"


class Router(SimpleRouter):
    """SimpleRouter whose lookups default to ID_REGEX (a ViewSet may still set its own)."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        lookup_value = getattr(viewset, "lookup_value_regex", None) or ID_REGEX
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{lookup_value})"
