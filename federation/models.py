"""People and organisations of the federation (public schema)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_naf, validate_siret


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


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("association (loi 1901)")
    MICRO = "micro_entreprise", _("micro-entreprise")
    EI = "ei", _("entreprise individuelle")
    EURL = "eurl", _("EURL")
    SARL = "sarl", _("SARL")
    SAS = "sas", _("SAS")
    SASU = "sasu", _("SASU")
    SA = "sa", _("SA")
    SCOP = "scop", _("SCOP")
    SCIC = "scic", _("SCIC")
    OTHER = "other", _("other")


class Organisation(models.Model):
    """A member organisation of the hub; a freelancer is an organisation of kind `individual`.

    Status moves applicant → active → suspended / left (see `services.change_organisation_status`)."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        INDIVIDUAL = "individual", _("individual (freelancer)")

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("applicant")
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        LEFT = "left", _("left")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    naf_code = models.CharField(_("NAF code"), max_length=6, blank=True, validators=[validate_naf])
    home_venue = models.ForeignKey(
        "tenants.Venue", on_delete=models.PROTECT, related_name="organisations", verbose_name=_("home venue")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLICANT)
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    directory_consent = models.BooleanField(
        _("listed in the public directory"),
        default=False,
        help_text=_("The organisation agrees to appear in the hub's public directory."),
    )
    statistics_consent = models.BooleanField(
        _("counted in partner statistics"),
        default=False,
        help_text=_(
            "The organisation agrees, unless its yearly survey answer says otherwise, that its answers feed the "
            "partners' aggregated statistics. Venue activity (bookings, sales, events) is always counted, "
            "under statistical secrecy."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~models.Q(siret=""), name="federation_organisation_siret_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["applicant", "active", "suspended", "left"]),
                name="federation_organisation_status_valid",
            ),
        ]

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


class RateCategory(models.TextChoices):
    RESIDENT = "resident", _("resident member")
    NETWORK = "network", _("network member")
    PUBLIC = "public", _("public")


class NetworkPass(models.Model):
    """On which terms an organisation's people may book at a venue other than their home venue.

    Rows are looked up from the most to the least specific: (organisation, venue), (organisation, any venue),
    (any organisation, venue), then the federation-wide default (any, any). See `selectors.network_terms`."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="network_passes",
        verbose_name=_("organisation"),
        help_text=_("Empty: every organisation."),
    )
    venue = models.ForeignKey(
        "tenants.Venue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="network_passes",
        verbose_name=_("host venue"),
        help_text=_("Empty: every venue."),
    )
    allowed = models.BooleanField(_("may book"), default=True)
    rate_category = models.CharField(
        _("rate category"), max_length=10, choices=RateCategory.choices, default=RateCategory.NETWORK
    )
    monthly_hours = models.PositiveIntegerField(
        _("network hours per month"), null=True, blank=True, help_text=_("Empty: no monthly limit.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("network pass")
        verbose_name_plural = _("network passes")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "venue"], nulls_distinct=False, name="federation_networkpass_unique"
            )
        ]

    def __str__(self) -> str:
        return "%s @ %s" % (self.organisation or _("every organisation"), self.venue or _("every venue"))


class Partner(models.Model):
    """A public funder (city, agglomeration, region, state service) that reads aggregated figures."""

    class Kind(models.TextChoices):
        CITY = "city", _("city")
        AGGLOMERATION = "agglomeration", _("agglomeration or metropolis")
        REGION = "region", _("region")
        STATE = "state", _("state service")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    territory = models.CharField(_("territory"), max_length=200, help_text=_("e.g. Dijon Métropole"))
    venues = models.ManyToManyField(
        "tenants.Venue", related_name="partners", blank=True, verbose_name=_("venues it may see")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """An API token: a person's, or a partner's. Only a SHA-256 digest is stored; shown once at creation."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("personal")
        PARTNER = "partner", _("partner")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens", verbose_name=_("person")
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("partner"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    scopes = ArrayField(models.CharField(max_length=30), verbose_name=_("scopes"), default=list)
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
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="personal", user__isnull=False, partner__isnull=True)
                    | models.Q(kind="partner", partner__isnull=False, user__isnull=True)
                ),
                name="federation_apitoken_one_holder",
            )
        ]

    def __str__(self) -> str:
        return "%s… (%s)" % (self.prefix, self.user or self.partner)

    @property
    def holder(self) -> User | Partner:
        return self.user or self.partner  # type: ignore[return-value]


class AuditEvent(models.Model):
    """Who did what, where, when (UTC). Never holds a secret; personal labels are erased with the person."""

    class Action(models.TextChoices):
        LOGIN_SUCCEEDED = "login.succeeded", _("login succeeded")
        LOGIN_FAILED = "login.failed", _("login failed")
        TOKEN_CREATED = "token.created", _("token created")
        TOKEN_REVOKED = "token.revoked", _("token revoked")
        ROLE_GRANTED = "role.granted", _("venue role granted")
        ROLE_CHANGED = "role.changed", _("venue role changed")
        ROLE_REVOKED = "role.revoked", _("venue role revoked")
        ORGANISATION_STATUS = "organisation.status", _("organisation status changed")
        PERSON_EMAIL_CHANGED = "person.email_changed", _("e-mail address changed")
        PERSON_ACCESS_CHANGED = "person.access_changed", _("federation access changed")
        MEMBERSHIP_CHANGED = "membership.changed", _("membership changed")
        PERSON_EXPORTED = "person.exported", _("personal data exported")
        PERSON_ERASED = "person.erased", _("person erased")
        PARTNER_QUERY = "partner.query", _("partner query")

    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    actor_label = models.CharField(_("actor label"), max_length=200, blank=True)
    venue = models.ForeignKey(
        "tenants.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("venue")
    )
    target_type = models.CharField(_("target type"), max_length=50, blank=True)
    target_id = models.CharField(_("target id"), max_length=50, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return "%s %s %s" % (self.created_at.isoformat(timespec="seconds"), self.get_action_display(), self.actor_label)
