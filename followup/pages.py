"""Pages: "My tasks" (`/seller/tasks/`, Overdue / Today / Upcoming tabs) and the task forms
of the lead detail (add a task, done toggle). The forms post here and go back where they came
from (the tasks page or the lead's detail)."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.pagination import DeferredJoinPaginator, page_number_parse, page_size
from core.roles import seller_partner, seller_required
from leads.filters import DUE_WINDOWS, due_window_q
from leads.models import Lead
from leads.notices import lead_path

from . import selectors, services

TABS = dict(DUE_WINDOWS)


@seller_required
def my_tasks(request):
    """The signed-in seller's open tasks in one window (overdue by default), soonest first."""
    tab = request.GET.get("due", "overdue")
    if tab not in TABS:
        tab = "overdue"
    try:
        number = page_number_parse(request.GET.get("page")) or 1
    except ValidationError:
        number = 1
    now = timezone.now()
    tasks = (
        selectors.task_list(partner=seller_partner(request.user))
        .filter(assignee=request.user, done_at__isnull=True)
        .filter(due_window_q(tab, field="due_at", now=now))
    )
    paginator = DeferredJoinPaginator(tasks, page_size(request.GET.get("page_size")))
    page = paginator.get_page(number)
    return render(
        request,
        "followup/my_tasks.html",
        {"nav": "tasks", "tab": tab, "tabs": TABS.items(), "page": page, "now": now},
    )


def _back(request, fallback: str) -> str:
    """The form's `next`: a path on this site (`/…`), else `fallback`. Anything else (a bare
    word, a NUL, another host) is input, never a redirect target."""
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return fallback


def _due_from_form(raw: str):
    """`datetime-local` input (UTC, as the pages show times) or ISO 8601; None if unreadable."""
    try:
        moment = parse_datetime((raw or "").strip())
    except ValueError:  # well-formed but impossible (month 13): the service names the field
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)


def _assignee_from_form(raw: str) -> int | None:
    """Empty: the caller. Anything but a user id is refused by the service (naming it)."""
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else -1


@seller_required
@require_POST
def task_add(request, lead_id):
    """Add a task to one of the partner's leads (from the lead detail)."""
    lead = Lead.objects.filter(partner=seller_partner(request.user), pk=lead_id).first()
    if lead is None:
        raise Http404("No such lead in your Leads Pool.")
    raw_assignee = request.POST.get("assignee", "").strip()
    try:
        services.task_create(
            lead=lead,
            user=request.user,
            title=request.POST.get("title", ""),
            due_at=_due_from_form(request.POST.get("due_at", "")),
            assignee_id=_assignee_from_form(raw_assignee),
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            messages.error(request, f"Task {field.replace('_', ' ')}: {' '.join(errors)}")
    return redirect(_back(request, lead_path(lead.pk)) + "#tasks")


@seller_required
@require_POST
def task_done(request, task_id):
    """Mark a task done, or open again (`done=0`)."""
    task = selectors.task_get(partner=seller_partner(request.user), task_id=task_id)
    if task is None:
        raise Http404("No such task.")
    done = request.POST.get("done", "1") not in ("0", "false")
    services.task_update(task=task, user=request.user, done=done)
    return redirect(_back(request, lead_path(task.lead_id)))
