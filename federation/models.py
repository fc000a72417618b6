"""People and organisations of the federation (public schema)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person of the federation; logs in with an e-mail address (stored lower-case)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("federation admin access"), default=False, help_text=_("May log into the federation's admin.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="federation_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return "%s… (%s)" % (self.prefix, self.user)

    def is_usable(self, at: Any = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)


class Sector(models.TextChoices):
    MUSIC = "music", _("music")
    VIDEO_GAMES = "video_games", _("video games")
    WEB = "web", _("web")
    ADVERTISING = "advertising", _("advertising")
    CINEMA = "cinema", _("cinema and audiovisual")
    DESIGN = "design", _("design")
    GRAPHIC_ARTS = "graphic_arts", _("graphic arts")
    THEATRE = "theatre", _("theatre and live performance")
    OTHER = "other", _("other cultural or creative activity")


class Organisation(models.Model):
    """A member organisation of the hub; a freelancer is an organisation of kind `individual`."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        INDIVIDUAL = "individual", _("individual (freelancer)")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    home_venue = models.ForeignKey(
        "tenants.Venue", on_delete=models.PROTECT, related_name="organisations", verbose_name=_("home venue")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person belongs to an organisation, as its owner or a member."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        MEMBER = "member", _("member")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="federation_membership_unique")]

    def __str__(self) -> str:
        return "%s — %s (%s)" % (self.user, self.organisation, self.get_role_display())


class VenueRole(models.Model):
    """A person works at a venue, as its manager or staff."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("manager")
        STAFF = "staff", _("staff")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="venue_roles", verbose_name=_("person"))
    venue = models.ForeignKey("tenants.Venue", on_delete=models.CASCADE, related_name="roles", verbose_name=_("venue"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("venue role")
        verbose_name_plural = _("venue roles")
        constraints = [models.UniqueConstraint(fields=["user", "venue"], name="federation_venuerole_unique")]

    def __str__(self) -> str:
        return "%s — %s (%s)" % (self.user, self.venue, self.get_role_display())
