"""Creator EC Center pages: Top LIVE Partner, partner profiles and Request to Collaborate."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from core.fragments import (
    fragment_csrf_token,
    fragment_exact_until,
    fragment_get,
    fragment_key,
    fragment_set,
    model_state,
)
from core.pagination import PAGE_SIZE, page_number_parse
from core.replica import use_replica
from core.roles import creator_of, creator_required
from core.throttles import page_post_throttled, too_fast_message
from creators.models import Partner
from creators.selectors import (
    DIRECTORY_ORDERINGS,
    partner_directory,
    partner_listed_get,
    partner_responsiveness_text,
)

from .. import selectors as lead_selectors
from ..forms import CollaborationRequestForm
from ..request_state import request_state, with_thread_ids
from ..services import NotEligible, collaboration_request_submit, silver_gate
from ..services.renewal import collaboration_request_renew

PARTNERS_PAGE_SIZE = 24  # a 2-, 3- or 4-column card grid fills evenly
PARTNER_CARDS_TEMPLATES = ("ec/_partner_cards.html", "ec/_partner_type.html")


@creator_required
@use_replica
def partner_list(request):
    """Top LIVE Partner: a VIP list for Silver+ creators; a plain directory for the rest."""
    creator = creator_of(request.user)
    query = request.GET.get("q", "").strip()[:100]
    ordering = request.GET.get("ordering", "name")
    ordering = ordering if ordering in DIRECTORY_ORDERINGS else "name"
    # A malformed `page` is a 400 naming it; a page past the end shows the last page.
    page = Paginator(
        partner_directory(search=query, ordering=ordering), PARTNERS_PAGE_SIZE
    ).get_page(page_number_parse(request.GET.get("page")))
    partners = list(page.object_list)
    silver_gap = _silver_gap(creator)
    # The cards are served again from `core.fragments` while the page's partners, the count
    # and what the creator's tier offers are the same (the key holds them all: exact).
    now, token = timezone.now(), fragment_csrf_token(request)
    state = (
        query,
        ordering,
        page.number,
        page.paginator.count,
        silver_gap,
        creator.is_silver_plus,
        tuple(model_state(partner) + (partner.creator_count,) for partner in partners),
    )
    key = fragment_key("partner-cards", templates=PARTNER_CARDS_TEMPLATES, state=state)
    found = fragment_get(key, csrf_token=token, now=now)
    if found is not None:
        cards = found[0]
    else:
        for partner in partners:
            partner.responsiveness_text = partner_responsiveness_text(partner)
        context = {
            "creator": creator,
            "page": page,
            "partners": partners,
            "q": query,
            "ordering": ordering,
            "silver_gap": silver_gap,
            "csrf_token": token,
        }
        cards = render_to_string("ec/_partner_cards.html", context, request=request)
        fragment_set(key, cards, csrf_token=token, valid_until=fragment_exact_until(now))
    if request.htmx and not request.htmx.history_restore_request:
        return HttpResponse(cards)
    context = {
        "nav": "partners",
        "creator": creator,
        "q": query,
        "ordering": ordering,
        "cards_html": mark_safe(cards),  # noqa: S308 - rendered by our own templates
    }
    return render(request, "ec/partner_list.html", context)


def _silver_gap(creator):
    """What the Silver gate says this creator still needs (None at Silver or above)."""
    try:
        silver_gate(creator=creator)
    except NotEligible as refusal:
        return refusal.gap
    return None


def _listed_partner(slug):
    try:
        return partner_listed_get(slug=slug)
    except Partner.DoesNotExist:
        raise Http404 from None


def _with_status(requests, now):
    """Attach what the creator sees (state and authorization) to each of their requests."""
    for collaboration in requests:
        collaboration.facts = request_state(collaboration, now)
        collaboration.status_key = collaboration.facts.state
        collaboration.status_label = collaboration.facts.label
        collaboration.authorized = collaboration.facts.licensed_data_shared
    return requests


@creator_required
def partner_detail(request, slug):
    """A partner's profile with Request to Collaborate, Chat in IM and the creator's requests."""
    creator = creator_of(request.user)
    partner = _listed_partner(slug)
    now = timezone.now()
    requests = _with_status(
        list(
            lead_selectors.collaboration_request_list(creator=creator).filter(partner=partner)[:50]
        ),
        now,
    )
    return render(
        request,
        "ec/partner_detail.html",
        {
            "nav": "partners",
            "creator": creator,
            "partner": partner,
            "requests": requests,
            # Newest first: only the newest can still be pending.
            "open_request": requests[0] if requests and requests[0].is_pending(now) else None,
            "now": now,
            "silver_gap": _silver_gap(creator),
            "responsiveness_text": partner_responsiveness_text(partner),
        },
    )


def _below_silver(request, refusal: NotEligible, partner, status=200):
    return render(
        request,
        "ec/request_below_silver.html",
        {
            "nav": "partners",
            "creator": refusal.creator,
            "partner": partner,
            "gap": refusal.gap,
        },
        status=status,
    )


@creator_required
def request_collaborate(request, slug):
    """Request to Collaborate: the form for Silver+, the below-Silver page for the rest."""
    creator = creator_of(request.user)
    partner = _listed_partner(slug)
    try:
        silver_gate(creator=creator)
    except NotEligible as refusal:
        return _below_silver(
            request, refusal, partner, status=403 if request.method == "POST" else 200
        )
    now = timezone.now()
    form = CollaborationRequestForm(request.POST or None, partner=partner)
    # The API's request limit applies here too, on the same budget.
    posted = request.method == "POST"
    wait = page_post_throttled(request, scope="collaboration_request") if posted else None
    if wait is not None:
        form.is_valid()
        form.add_error(None, too_fast_message(wait, "requests"))
    elif request.method == "POST" and form.is_valid():
        try:
            result = collaboration_request_submit(
                creator=creator,
                partner=partner,
                message=form.cleaned_data["message"],
                consent=form.cleaned_data["consent"],
            )
        except NotEligible as refusal:
            return _below_silver(request, refusal, partner, status=403)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            url = redirect("ec:request_result", request_id=result.request.pk).url
            if result.created:
                return redirect(url)
            if result.message_delivered:
                messages.success(
                    request,
                    f"Your message went to your IM conversation with {partner.name}; "
                    "your open request stays as it is.",
                )
            return redirect(f"{url}?repeat=1")
    open_request = lead_selectors.collaboration_request_pending(
        creator=creator, partner=partner, now=now
    )
    if open_request is not None:
        _with_status([open_request], now)
    return render(
        request,
        "ec/request_form.html",
        {
            "nav": "partners",
            "creator": creator,
            "partner": partner,
            "form": form,
            "open_request": open_request,
            "now": now,
        },
        status=(429 if wait is not None else 400) if request.method == "POST" else 200,
    )


@creator_required
def request_result(request, request_id):
    """The above-Silver result page: submitted, what the partner sees, until when."""
    creator = creator_of(request.user)
    collaboration = _own_request(creator, request_id)
    now = timezone.now()
    _with_status([collaboration], now)
    return render(
        request,
        "ec/request_result.html",
        {
            "nav": "requests",
            "creator": creator,
            "collaboration": collaboration,
            "facts": collaboration.facts,
            "repeat": request.GET.get("repeat") == "1",
            "now": now,
            "silver_gap": _silver_gap(creator),
            "renew_error": "",
        },
    )


def _own_request(creator, request_id):
    collaboration = (
        with_thread_ids(lead_selectors.collaboration_request_list(creator=creator))
        .filter(pk=request_id)
        .first()
    )
    if collaboration is None:
        raise Http404
    return collaboration


@creator_required
@require_POST
def request_renew(request, request_id):
    """ "Renew for 7 days": the creator confirms with consent (the renewal service's rules)."""
    creator = creator_of(request.user)
    collaboration = _own_request(creator, request_id)
    try:
        renewed = collaboration_request_renew(
            request=collaboration, creator=creator, consent=request.POST.get("consent") == "on"
        )
    except NotEligible as refusal:
        messages.error(request, refusal.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Renewed: {collaboration.partner.name} sees your data for 7 more days."
        )
        return redirect("ec:request_result", request_id=renewed.pk)
    return redirect("ec:request_result", request_id=collaboration.pk)


@creator_required
def my_requests(request):
    """The creator's own requests, newest first, with the status the partner gave them."""
    creator = creator_of(request.user)
    now = timezone.now()
    paginator = Paginator(
        lead_selectors.collaboration_request_list(creator=creator).order_by("-submitted_at", "-id"),
        PAGE_SIZE,
    )
    page = paginator.get_page(page_number_parse(request.GET.get("page")))
    return render(
        request,
        "ec/my_requests.html",
        {
            "nav": "requests",
            "creator": creator,
            "page": page,
            "requests": _with_status(list(page.object_list), now),
            "now": now,
        },
    )
