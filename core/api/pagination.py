from functools import partial

from django.core.exceptions import ValidationError
from rest_framework import pagination

from core.pagination import (
    MAX_PAGE_NUMBER,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    DeferredJoinPaginator,
    page_number_parse,
    page_size,
)


class PageNumberPagination(pagination.PageNumberPagination):
    """`{count, next, previous, results}` pages, sized by core.pagination's one rule.

    A `page` that is not a whole number from 1 (ASCII digits only) answers 400 naming `page`;
    a page past the end answers 404, naming `page` too. A `page_size` that is not a whole
    number from 1 to MAX_PAGE_SIZE answers 400 naming `page_size`, as the schema says (the
    API is strict where the pages are lenient: `?page_size=null` was taken as 25 while the
    schema promised an integer).
    """

    django_paginator_class = DeferredJoinPaginator
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = "Invalid page: there is no page {page_number} (page)."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw not in (None, "") and not (
            raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PAGE_SIZE
        ):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Use a whole number from 1 to {MAX_PAGE_SIZE}, not {raw[:20]!r}."
                    ]
                }
            )
        return page_size(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": MAX_PAGE_NUMBER},
            self.page_size_query_param: {"minimum": 1, "maximum": MAX_PAGE_SIZE},
        }
        for parameter in parameters:
            parameter["schema"] = {**parameter["schema"], **bounds.get(parameter["name"], {})}
        return parameters

    def paginate_queryset(self, queryset, request, view=None, count=None):
        """`count`, when the caller knows it (e.g. a cached exact count), saves the COUNT."""
        raw = request.query_params.get(self.page_query_param)
        if raw not in self.last_page_strings:
            page_number_parse(raw, name=self.page_query_param)  # 400 naming `page`
        if count is not None:
            self.django_paginator_class = partial(DeferredJoinPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)
