from rest_framework.pagination import LimitOffsetPagination


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """`?limit=` is honoured up to 200 rows a page; larger asks get 200."""

    max_limit = 200
