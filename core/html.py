"""Markup that forms built in Python share."""

from django.utils.html import format_html


def csrf_field(context) -> str:
    """The form field `{% csrf_token %}` writes, for forms built in Python: the page's token
    (one per page, not one per form)."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context["csrf_token"]
    )
