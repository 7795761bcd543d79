"""Saved views: name the pool's current filters and sort; keep them or share with the team."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.roles import seller_partner, seller_required

from .. import selectors, services
from ..models import SavedView


def _pool_at(query: str) -> str:
    return f"{reverse('leads:pool')}?{query}" if query else reverse("leads:pool")


@seller_required
@require_POST
def saved_view_create(request):
    """Save the pool's current query under a name, then open it."""
    partner = seller_partner(request.user)
    query = request.POST.get("query", "")
    try:
        view = services.saved_view_create(
            owner=request.user,
            partner=partner,
            name=request.POST.get("name", ""),
            query=query,
            shared=request.POST.get("shared") == "on",
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            messages.error(request, f"Saved view {field}: {' '.join(errors)}")
        return redirect(_pool_at(QueryDict(query.lstrip("?")).urlencode()))
    whom = "your team" if view.shared else "you"
    messages.success(request, f"Saved the view “{view.name}” for {whom}.")
    return redirect(_pool_at(view.query))


@seller_required
@require_POST
def saved_view_delete(request, view_id):
    """Delete one of your own saved views (a teammate's shared view is theirs: 403)."""
    partner = seller_partner(request.user)
    try:
        view = selectors.saved_view_list(partner=partner, user=request.user).get(pk=view_id)
    except SavedView.DoesNotExist:
        raise Http404("No such saved view.") from None
    services.saved_view_delete(view=view, user=request.user)
    messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect("leads:pool")
