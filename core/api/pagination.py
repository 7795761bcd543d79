from functools import partial

from rest_framework import pagination

from core.pagination import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    DeferredJoinPaginator,
    page_number_parse,
    page_size,
)


class PageNumberPagination(pagination.PageNumberPagination):
    """`{count, next, previous, results}` pages, sized by core.pagination's one rule.

    A `page` that is not a whole number from 1 (ASCII digits only) answers 400 naming `page`;
    a page past the end answers 404, naming `page` too.
    """

    django_paginator_class = DeferredJoinPaginator
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = "Invalid page: there is no page {page_number} (page)."

    def get_page_size(self, request):
        return page_size(request.query_params.get(self.page_size_query_param))

    def paginate_queryset(self, queryset, request, view=None, count=None):
        """`count`, when the caller knows it (e.g. a cached exact count), saves the COUNT."""
        raw = request.query_params.get(self.page_query_param)
        if raw not in self.last_page_strings:
            page_number_parse(raw, name=self.page_query_param)  # 400 naming `page`
        if count is not None:
            self.django_paginator_class = partial(DeferredJoinPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)
