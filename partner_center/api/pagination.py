from rest_framework import pagination

from partner_center.pagination import DeferredJoinPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    """`{count, next, previous, results}` pages; `page_size` may be asked for up to 100."""

    django_paginator_class = DeferredJoinPaginator
    page_size_query_param = "page_size"
    max_page_size = 100
