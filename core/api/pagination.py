from functools import partial

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from core.pagination import MAX_PAGE_SIZE, PAGE_SIZE, DeferredJoinPaginator, page_size


class PageNumberPagination(pagination.PageNumberPagination):
    """`{count, next, previous, results}` pages, sized by core.pagination's one rule.

    A `page` that is not a positive whole number answers 400 naming `page`; a page past the
    end answers 404.
    """

    django_paginator_class = DeferredJoinPaginator
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return page_size(request.query_params.get(self.page_size_query_param))

    def paginate_queryset(self, queryset, request, view=None, count=None):
        """`count`, when the caller knows it (e.g. a cached exact count), saves the COUNT."""
        raw = request.query_params.get(self.page_query_param)
        if raw not in (None, "", *self.last_page_strings) and not (raw.isdigit() and int(raw) >= 1):
            raise ValidationError({"page": [f"Use a page number from 1, not {raw[:20]!r}."]})
        if count is not None:
            self.django_paginator_class = partial(DeferredJoinPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)
