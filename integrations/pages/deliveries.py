"""One endpoint's delivery log (paginated, newest first) and "Replay"."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.ids import id_parse
from core.roles import seller_required

from .. import selectors
from ..services.deliveries import webhook_delivery_replay
from .webhooks import endpoint_of

PER_PAGE = 25


@seller_required
@require_GET
def delivery_log(request, endpoint_id):
    endpoint = endpoint_of(request, endpoint_id)
    page = Paginator(selectors.webhook_delivery_list(endpoint=endpoint), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "integrations/deliveries.html",
        {"nav": "settings", "endpoint": endpoint, "page": page},
    )


@seller_required
@require_POST
def delivery_replay(request, endpoint_id, delivery_id):
    endpoint = endpoint_of(request, endpoint_id)
    delivery_id = id_parse(delivery_id)
    delivery = (
        selectors.webhook_delivery_get(endpoint=endpoint, delivery_id=delivery_id)
        if delivery_id is not None
        else None
    )
    if delivery is None:
        raise Http404("No such delivery.")
    webhook_delivery_replay(delivery=delivery, user=request.user)
    messages.success(
        request, f"Queued a replay of {delivery.type} (delivery {delivery.pk}): it goes out next."
    )
    return redirect("integrations:delivery_log", endpoint_id=endpoint.pk)
