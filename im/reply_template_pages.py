"""Reply templates in pages: their section of /seller/settings/ (loaded by htmx from here, so
routing never imports im) with add, edit and remove forms, and the conversation's "Templates"
picker, whose texts are filled in on the server for that thread."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.roles import seller_partner, seller_required

from . import reply_templates, selectors
from .models import MESSAGE_MAX_LENGTH, REPLY_TEMPLATE_NAME_MAX, ReplyTemplate, Thread


def _errors(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}


def _section(request, *, status=200, new=None, new_errors=None, editing=None):
    """The section; after a refused add or edit, the typed text and the errors come back."""
    partner = seller_partner(request.user)
    rows = []
    for template in selectors.reply_template_list(partner=partner):
        row = {"template": template, "name": template.name, "body": template.body, "errors": {}}
        if editing is not None and editing["id"] == template.pk:
            row.update(editing["values"], errors=editing["errors"])
        rows.append(row)
    context = {
        "nav": "settings",
        "rows": rows,
        "new": new or {"name": "", "body": ""},
        "new_errors": new_errors or {},
        "placeholders": reply_templates.PLACEHOLDER_LIST,
        "name_max": REPLY_TEMPLATE_NAME_MAX,
        "body_max": MESSAGE_MAX_LENGTH,
    }
    # In the settings page, htmx swaps the section; opened on its own, it is a page.
    template = "im/_reply_templates.html" if request.htmx else "im/reply_templates.html"
    return render(request, template, context, status=status)


def _done(request):
    if request.htmx:
        return _section(request)
    return redirect("/seller/settings/#reply-templates")


@seller_required
def reply_template_section(request):
    """GET: the partner's reply templates with their forms (reads only)."""
    return _section(request)


@seller_required
@require_POST
def reply_template_add(request):
    values = {"name": request.POST.get("name", ""), "body": request.POST.get("body", "")}
    try:
        reply_templates.reply_template_create(partner=seller_partner(request.user), **values)
    except ValidationError as exc:
        return _section(request, status=400, new=values, new_errors=_errors(exc))
    return _done(request)


def _own_template(request, template_id) -> ReplyTemplate:
    return get_object_or_404(
        selectors.reply_template_list(partner=seller_partner(request.user)), pk=template_id
    )


@seller_required
@require_POST
def reply_template_edit(request, template_id):
    template = _own_template(request, template_id)
    values = {"name": request.POST.get("name", ""), "body": request.POST.get("body", "")}
    try:
        reply_templates.reply_template_update(template=template, **values)
    except ValidationError as exc:
        editing = {"id": template.pk, "values": values, "errors": _errors(exc)}
        return _section(request, status=400, editing=editing)
    return _done(request)


@seller_required
@require_POST
def reply_template_remove(request, template_id):
    reply_templates.reply_template_remove(template=_own_template(request, template_id))
    return _done(request)


@seller_required
def reply_template_picker(request, thread_id):
    """The conversation's templates, each filled in for this thread (creator's and partner's
    names, the time left on the authorization): picking one puts the text in the message box
    (static/js/im.js), to edit before sending. A read: it changes nothing."""
    partner = seller_partner(request.user)
    thread = get_object_or_404(
        Thread.objects.select_related("creator", "partner"), pk=thread_id, partner=partner
    )
    values = reply_templates.reply_template_values(thread=thread)
    choices = [
        {"template": template, "text": reply_templates.reply_template_render(template.body, values)}
        for template in selectors.reply_template_list(partner=partner)
    ]
    return render(request, "im/_reply_picker.html", {"thread": thread, "choices": choices})
