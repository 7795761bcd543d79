"""The admin's search box under the one cap on search terms (core.search).

Django's admin splits `?q=` into words and ORs a LIKE per word over every `search_fields`
column: 1,000 words is a query of thousands of conditions. Every change list of every
registered admin (whichever app defines it) is guarded here, before the view: more than
MAX_SEARCH_TERMS words, or a word over MAX_SEARCH_TERM_LENGTH characters, answers the
bad-request page naming `q` (400).
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import smart_split, unescape_string_literal

from core.search import search_terms_check


def admin_search_terms(raw: str) -> list[str]:
    """The words Django's admin searches for (its own split: quoted phrases stay whole)."""
    return [
        unescape_string_literal(term) if term[:1] in "\"'" and term[-1:] == term[:1] else term
        for term in smart_split(raw)
    ]


class AdminSearchCapMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.GET.get("q")
        if raw and request.path_info.startswith(reverse("admin:index")):
            try:
                search_terms_check(admin_search_terms(raw), field="q")
            except ValidationError as exc:
                # The site's bad-request page, naming the field (as for other bad input).
                return render(request, "bad_request.html", {"errors": exc.message_dict}, status=400)
        return self.get_response(request)
