from typing import Any

from rest_framework.pagination import LimitOffsetPagination

MAX_OFFSET = 1_000_000


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """`?limit=` is honoured up to 200 rows a page and `?offset=` up to a million (a larger ask is capped,
    never passed to PostgreSQL as an out-of-range number)."""

    max_limit = 200

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
