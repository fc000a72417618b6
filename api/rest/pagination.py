from typing import Any

from django.utils.translation import gettext as _
from rest_framework.pagination import LimitOffsetPagination

from hub.errors import InvalidInput

MAX_OFFSET = 1_000_000


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """`?limit=` is honoured up to 200 rows a page and `?offset=` up to a million (a larger ask is capped,
    never passed to PostgreSQL as an out-of-range number). A limit or offset that is not a whole number
    (`abc`, `-5`, `1.5`, a limit of 0) is refused with 422 and a message for that parameter."""

    max_limit = 200

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        errors = {
            name: [message]
            for name, minimum, message in (
                (self.limit_query_param, 1, _("A whole number, 1 or more, is required.")),
                (self.offset_query_param, 0, _("A whole number is required.")),
            )
            if not all(
                # past 18 digits, a number is too big to be below the minimum; int() would refuse 4 301 or more
                value.isascii() and value.isdigit() and (len(value) > 18 or int(value) >= minimum)
                for value in request.GET.getlist(name)
            )
        }
        if errors:
            raise InvalidInput(_("The page asked for is not valid."), fields=errors)
        return super().paginate_queryset(queryset, request, view)

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
