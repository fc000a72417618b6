"""The two admin sites: the federation's on the federation host, each venue's on its own host.

Both ask `federation.permissions.can()` who may enter, with a login form that asks the same question
(Django's default login form admits `is_staff` people only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from hub.http import current_venue

if TYPE_CHECKING:
    from federation.models import User


def _can(request: HttpRequest, action: str, user: Any = None) -> bool:
    from federation.permissions import can

    return can(user if user is not None else request.user, action, current_venue(request))


class _SiteLoginForm(AdminAuthenticationForm):
    """Admits the people the site's `action` allows at the request's venue, and no one else; says so when
    too many failed sign-ins locked the account or the address out (federation.lockout)."""

    action = ""

    def clean(self) -> dict[str, Any]:
        from federation.lockout import LOCKED_FOR, locked_message

        try:
            return super().clean()
        except ValidationError:
            wait = getattr(self.request, LOCKED_FOR, 0)
            if not wait:
                raise
            message = locked_message(wait)
            raise ValidationError(message, code="locked") from None

    def confirm_login_allowed(self, user: Any) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)  # active accounts only
        if self.request is None or not _can(self.request, self.action, user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class FederationLoginForm(_SiteLoginForm):
    action = "federation.admin"


class VenueLoginForm(_SiteLoginForm):
    action = "venue.admin"


class FederationAdminSite(admin.AdminSite):
    """The federation's admin (venues, people, organisations, roles, partners, tokens, audit log): for
    federation admins only, whatever model permissions someone else may hold."""

    site_header = _("Coursive Hub — federation")
    site_title = _("Coursive Hub")
    login_form = FederationLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return current_venue(request) is None and _can(request, "federation.admin")


class VenueAdminSite(admin.AdminSite):
    """The admin of the venue the request's host serves: its staff and managers (and federation admins)
    enter; the staff of another venue do not."""

    site_title = _("Coursive Hub — venue")
    index_title = _("Venue administration")
    login_form = VenueLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return current_venue(request) is not None and _can(request, "venue.admin")

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        venue = current_venue(request)
        context["site_header"] = venue.name if venue is not None else self.site_header
        return context


class ReadOnlyMixin:
    """For rows only services write (an audit log, sales): viewed in the admin, never added, changed or
    deleted there."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VenueModelAdmin(admin.ModelAdmin):
    """Rights in a venue's admin come from the person's role at that venue: staff view, add and change;
    managers also delete. (Django's per-model permissions are federation-wide, so they are not used here.)"""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """A service's refusal (a status change not allowed, an overlap) is shown to staff as a message on the
        same form, with nothing written, instead of an error page."""
        from hub.errors import HubError

        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except HubError as exc:
            details = "; ".join("%s: %s" % (name, " ".join(map(str, errors))) for name, errors in exc.fields.items())
            self.message_user(request, "%s %s" % (exc.message, details), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _can(request, "venue.admin")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can(request, "venue.operate")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _can(request, "venue.operate")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can(request, "venue.operate")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can(request, "venue.manage")


venue_admin_site = VenueAdminSite(name="venue_admin")


class ActionsOnlyAdmin(ReadOnlyMixin, VenueModelAdmin):
    """Rows the services own: read-only forms, while the list's actions (which call the services) stay open
    to the venue's staff."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and _can(request, "venue.operate")


def acting_person(request: HttpRequest) -> User:
    """The person using a venue's admin (the site admits signed-in staff only)."""
    return cast("User", request.user)


def apply_each(modeladmin: admin.ModelAdmin, request: HttpRequest, rows: Any, change: Callable[[Any], Any]) -> None:
    """An admin action's work: `change` each selected row through a service; a refusal is reported and the
    other rows still change."""
    from hub.errors import HubError

    done = 0
    for row in rows:
        try:
            change(row)
            done += 1
        except HubError as exc:
            modeladmin.message_user(request, "%s: %s" % (row, exc.message), messages.ERROR)
    if done:
        modeladmin.message_user(request, _("%(n)d changed.") % {"n": done}, messages.SUCCESS)
