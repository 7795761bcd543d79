"""Saved views: a seller's named pool query (filters and sort), kept or shared with the team."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict

from core.ids import is_id
from core.text import text_refuse_nul

from ..filters import pool_query_check
from ..models import SavedView

NAME_MAX_LENGTH = 80
QUERY_MAX_LENGTH = 2000
# Besides the filters, a view may keep the page size; the page number is never saved.
EXTRA_KEYS = {"page_size"}
DROPPED_KEYS = {"page"}


def saved_view_query_clean(query) -> str:
    """The pool query string a view keeps, normalised; ValidationError naming `query` when the
    pool's FilterSet would refuse it (an unknown parameter, or an invalid value)."""
    if not isinstance(query, str):
        raise ValidationError({"query": ["A query is the pool's query string, as text."]})
    query = query.strip().lstrip("?")
    if len(query) > QUERY_MAX_LENGTH:
        raise ValidationError(
            {"query": [f"A query can be at most {QUERY_MAX_LENGTH:,} characters."]}
        )
    params = QueryDict(query, mutable=True)
    for key in DROPPED_KEYS:
        params.pop(key, None)
    pool_query_check(params, field="query", allowed_extra=EXTRA_KEYS)
    page_size = params.get("page_size")
    if page_size is not None and not (is_id(page_size) and 1 <= int(page_size) <= 100):
        raise ValidationError({"query": ["page_size: Use a number from 1 to 100."]})
    return params.urlencode()


def saved_view_create(*, owner, partner, name, query, shared: bool = False) -> SavedView:
    """Save the pool's current filters and sort under a name (unique per seller)."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"name": ["Name the view."]})
    name = text_refuse_nul(name.strip(), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": [f"A name can be at most {NAME_MAX_LENGTH} characters."]})
    query = saved_view_query_clean(query)
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=owner, partner=partner, name=name, query=query, shared=bool(shared)
            )
    except IntegrityError:
        raise ValidationError({"name": [f"You already have a view named {name!r}."]}) from None


def saved_view_delete(*, view: SavedView, user) -> None:
    """Only the view's owner deletes it; teammates who see a shared view get 403."""
    if view.owner_id != user.pk:
        raise PermissionDenied("Only the view's owner can delete it.")
    view.delete()
