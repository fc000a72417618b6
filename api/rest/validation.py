"""Request-body parsing shared by the REST views."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request


def validated(
    serializer_class: type[serializers.Serializer[Any]], request: Request, *, partial: bool = False
) -> dict[str, Any]:
    """The body checked by `serializer_class`; a field the serializer does not know is an error, not
    silently dropped (a typo must not pass for a change)."""
    serializer = serializer_class(data=request.data, partial=partial)
    if isinstance(request.data, Mapping):
        unknown = sorted(set(request.data) - set(serializer.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def validated_query(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    """The query string checked by `serializer_class`. Given as a plain dict, not DRF's form data: DRF takes
    an empty optional value from a form (`?to=`) for "not given" and drops it, where here it is a value
    to check, so `?to=` is a 422 naming `to` rather than no filter at all."""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
