"""Reply templates: a partner's canned IM replies with `{creator_name}`, `{partner_name}` and
`{expires_in}`, checked when saved and filled in for one conversation when picked.

The writes here are the templates' services (keyword-only, `reply_template_<action>`); the
page, the API and the settings section all call them, so each rule is written once.
"""

import datetime as dt
import string

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.text import text_clean
from leads import selectors as lead_selectors

from .models import (
    MESSAGE_MAX_LENGTH,
    REPLY_TEMPLATE_NAME_MAX,
    REPLY_TEMPLATE_PLACEHOLDERS,
    ReplyTemplate,
    Thread,
)

REPLY_TEMPLATES_MAX = 200  # per partner: a picker, not an archive
NO_AUTHORIZATION = "—"
PLACEHOLDER_LIST = ", ".join("{" + name + "}" for name in REPLY_TEMPLATE_PLACEHOLDERS)


def _placeholders(body: str) -> list[str]:
    """The placeholder names in `body`, in order; ValidationError naming `body` for braces
    that do not pair up, or a placeholder that is not one of ours (or has a format)."""
    try:
        parts = list(string.Formatter().parse(body))
    except ValueError:
        raise ValidationError(
            {
                "body": [
                    "A brace is not closed or not opened: write placeholders as "
                    f"{PLACEHOLDER_LIST}, and a literal brace as {{{{ or }}}}."
                ]
            }
        ) from None
    names = []
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in REPLY_TEMPLATE_PLACEHOLDERS or spec or conversion:
            shown = ascii(name)[1:-1] or "(empty)"
            raise ValidationError(
                {"body": [f"Unknown placeholder {{{shown}}}: use {PLACEHOLDER_LIST}."]}
            )
        names.append(name)
    return names


def reply_template_body_check(body) -> str:
    """A template body: plain text of 1 to MESSAGE_MAX_LENGTH characters, whose placeholders
    are ours; answers it trimmed."""
    body = text_clean(
        body,
        field="body",
        max_length=MESSAGE_MAX_LENGTH,
        what="A template",
        empty="Write the template's text.",
    )
    _placeholders(body)
    return body


def _name_check(name) -> str:
    return text_clean(
        name,
        field="name",
        max_length=REPLY_TEMPLATE_NAME_MAX,
        what="A name",
        empty="Give the template a name.",
    )


def _name_taken(*, partner, name: str, exclude: int | None = None) -> None:
    others = ReplyTemplate.objects.filter(
        partner=partner, removed_at__isnull=True, name__iexact=name
    )
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError({"name": [f"Your partner already has a template named {name!r}."]})


def _saved(template: ReplyTemplate, *, partner, name: str) -> ReplyTemplate:
    """Save; two saves racing for one name: the second is told, as a check would tell it."""
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise ValidationError(
            {"name": [f"Your partner already has a template named {name!r}."]}
        ) from None
    return template


@transaction.atomic
def reply_template_create(*, partner, name, body) -> ReplyTemplate:
    """Add a reply template for the partner; its name is unique within the partner."""
    name, body = _name_check(name), reply_template_body_check(body)
    if ReplyTemplate.objects.filter(partner=partner, removed_at__isnull=True).count() >= (
        REPLY_TEMPLATES_MAX
    ):
        raise ValidationError(
            {"name": [f"A partner keeps at most {REPLY_TEMPLATES_MAX} templates: remove one."]}
        )
    _name_taken(partner=partner, name=name)
    return _saved(ReplyTemplate(partner=partner, name=name, body=body), partner=partner, name=name)


@transaction.atomic
def reply_template_update(*, template: ReplyTemplate, name=None, body=None) -> ReplyTemplate:
    """Change a template's name and/or text, checked as on creation."""
    if name is not None:
        template.name = _name_check(name)
        _name_taken(partner=template.partner_id, name=template.name, exclude=template.pk)
    if body is not None:
        template.body = reply_template_body_check(body)
    template.updated_at = timezone.now()
    return _saved(template, partner=template.partner_id, name=template.name)


@transaction.atomic
def reply_template_remove(*, template: ReplyTemplate) -> None:
    """Take a template out of the lists (kept, marked removed; its name is free again)."""
    now = timezone.now()
    ReplyTemplate.objects.filter(pk=template.pk, removed_at__isnull=True).update(
        removed_at=now, updated_at=now
    )
    template.removed_at = now


def expires_in_text(expires_at: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """Time left on an authorization, as a message would say it ("2 days 4 h", "5 h 20 min",
    "40 min"), or "—" when there is none or it has ended."""
    if expires_at is None:
        return NO_AUTHORIZATION
    seconds = int((expires_at - (now or timezone.now())).total_seconds())
    if seconds <= 0:
        return NO_AUTHORIZATION
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = max(rest // 60, 1) if not days and not hours else rest // 60
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def reply_template_values(*, thread: Thread, now: dt.datetime | None = None) -> dict[str, str]:
    """The placeholders' values in one conversation: the creator's name, the partner's name,
    and the time left on the creator's authorization to the partner (the lead's), or "—"."""
    lead = lead_selectors.lead_for_creator(partner=thread.partner, creator=thread.creator)
    expires_at = lead.authorization_expires_at if lead is not None else None
    return {
        "creator_name": thread.creator.name,
        "partner_name": thread.partner.name,
        "expires_in": expires_in_text(expires_at, now),
    }


def reply_template_render(body: str, values: dict[str, str]) -> str:
    """The template's text with its placeholders filled (`{{`/`}}` are literal braces)."""
    out = []
    for text, name, _spec, _conversion in string.Formatter().parse(body):
        out.append(text)
        if name is not None:
            out.append(values.get(name, ""))
    return "".join(out)
