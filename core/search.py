"""The one cap on searches that split words: how many terms, and how long each.

A search of 1,000 words was a 500 on SQLite ("Expression tree is too large") and took 2–3 s on
PostgreSQL (every word ORs a LIKE over several columns), from any signed-in creator. Every
search that splits its text into terms (the API's SearchFilter, the admin's search box)
refuses more than MAX_SEARCH_TERMS words, or a word longer than MAX_SEARCH_TERM_LENGTH, with a
400 naming the parameter; a search that does not split (the pages' single substring) is cut to
MAX_SEARCH_LENGTH characters.
"""

from django.core.exceptions import ValidationError

MAX_SEARCH_TERMS = 8
MAX_SEARCH_TERM_LENGTH = 100
MAX_SEARCH_LENGTH = 200


def search_terms_check(terms: list[str], *, field: str = "search") -> list[str]:
    """The terms, or a ValidationError naming `field` when there are too many or too long."""
    if len(terms) > MAX_SEARCH_TERMS or any(len(t) > MAX_SEARCH_TERM_LENGTH for t in terms):
        raise ValidationError(
            {
                field: [
                    f"Search with at most {MAX_SEARCH_TERMS} words of at most "
                    f"{MAX_SEARCH_TERM_LENGTH} characters each."
                ]
            }
        )
    return terms


def search_text(value: str | None) -> str:
    """A single-substring search, trimmed and cut to MAX_SEARCH_LENGTH characters."""
    return (value or "").strip()[:MAX_SEARCH_LENGTH]
