"""Text that will be stored: PostgreSQL cannot hold a NUL character in a text column."""

from django.core.exceptions import ValidationError

NUL_MESSAGE = "Null characters are not allowed."


def text_refuse_nul(value: str, *, field: str) -> str:
    """The text, or a ValidationError naming `field` when it holds a NUL character."""
    if "\x00" in value:
        raise ValidationError({field: [NUL_MESSAGE]})
    return value
