"""Text that will be stored: PostgreSQL cannot hold a NUL character in a text column."""

from django.core.exceptions import ValidationError

NUL_MESSAGE = "Null characters are not allowed."


def text_refuse_nul(value: str, *, field: str) -> str:
    """The text, or a ValidationError naming `field` when it holds a NUL character."""
    if "\x00" in value:
        raise ValidationError({field: [NUL_MESSAGE]})
    return value


def text_clean(value, *, field: str, max_length: int, what: str, empty: str) -> str:
    """Plain text a user typed, trimmed: 1 to `max_length` characters and no NUL, or a
    ValidationError naming `field` ("A note is plain text.", `empty`, "A note can be at most
    5,000 characters (this one has 5,012).")."""
    if not isinstance(value, str):
        raise ValidationError({field: [f"{what} is plain text."]})
    value = text_refuse_nul(value.strip(), field=field)
    if not value:
        raise ValidationError({field: [empty]})
    if len(value) > max_length:
        raise ValidationError(
            {
                field: [
                    f"{what} can be at most {max_length:,} characters "
                    f"(this one has {len(value):,})."
                ]
            }
        )
    return value
