"""The schema class of every REST view (`DEFAULT_SCHEMA_CLASS`); kept apart from api.rest.openapi, which
imports drf-spectacular's views (they import the schema class themselves)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from drf_spectacular.openapi import AutoSchema

from federation.permissions import can
from tenants.models import Venue


class HubAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the empty string documented on read-only fields of model text fields
    that may be blank. DRF drops `allow_blank` from read-only model fields, so drf-spectacular would promise
    a URI, an e-mail or a choice where the API answers "" (a work without an image, the first status)."""

    def get_auth(self) -> list[dict[str, list[Any]]]:
        """The operations `federation.permissions` opens to anonymous callers (a venue's public offer, the
        directory) say so with an empty requirement, as drf-spectacular does for `AllowAny`."""
        auths: list[dict[str, list[Any]]] = super().get_auth()
        actions = [getattr(permission, "action", None) for permission in self.view.get_permissions()]
        if (
            {} not in auths
            and actions
            and all(action is not None and can(AnonymousUser(), action, Venue()) for action in actions)
        ):
            auths.append({})
        return auths

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not (isinstance(schema, dict) and field.read_only and _blank_model_text(field)):
            return schema
        if "format" not in schema and "enum" not in schema:
            return schema
        outer = {"readOnly", "writeOnly", "nullable", "deprecated", "description", "title"}
        inner = {key: schema.pop(key) for key in list(schema) if key not in outer}
        schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]
        return schema


def _blank_model_text(field: Any) -> bool:
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    if model is None or "." in (field.source or "") or field.source == "*":
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except Exception:  # a property or a method, not a column
        return False
    return isinstance(model_field, models.CharField | models.TextField) and model_field.blank
