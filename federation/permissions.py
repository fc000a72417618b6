"""Who may do what. Default deny: a view that names no permission is closed to everyone."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class DenyAll(BasePermission):
    """The project-wide default permission: nobody."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return False


class IsAuthenticatedPerson(BasePermission):
    """An active, authenticated person of the federation (by token or session)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)
