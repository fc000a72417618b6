"""Writes of the federation: people, organisations and their status, memberships, venue roles, network passes.

Each function is one transaction: it validates, writes, and records the audit event where one is due.
Errors are `hub.errors` exceptions with field-level messages; nothing is written when one is raised.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hub.errors import Conflict, InvalidInput, invalid_from
from tenants.models import Venue

from . import audit
from .models import AuditEvent, Membership, NetworkPass, Organisation, Partner, User, VenueRole
from .validators import normalise_siret

Status = Organisation.Status

# Which status may follow which; `left` is final.
STATUS_TRANSITIONS: dict[str, set[Status]] = {
    Status.APPLICANT: {Status.ACTIVE, Status.LEFT},
    Status.ACTIVE: {Status.SUSPENDED, Status.LEFT},
    Status.SUSPENDED: {Status.ACTIVE, Status.LEFT},
    Status.LEFT: set(),
}
STATUS_DATE_FIELD: dict[str, str] = {
    Status.ACTIVE: "activated_at",
    Status.SUSPENDED: "suspended_at",
    Status.LEFT: "left_at",
}

ORGANISATION_EDITABLE = (
    "name",
    "legal_name",
    "siret",
    "legal_form",
    "sector",
    "naf_code",
    "description",
    "website",
    "city",
    "directory_consent",
    "statistics_consent",
)


def _full_clean(
    instance: Any, *, exclude: list[str] | None = None, message: str | None = None, unique: bool = True
) -> None:
    """Field validation as InvalidInput. `unique=False` leaves uniqueness to the database (with the caller
    handling IntegrityError), where a check-then-insert would race."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=unique, validate_constraints=unique)
    except ValidationError as exc:
        raise invalid_from(exc, message) from exc


def _email_taken(email: str, *, excluding: User | None = None) -> bool:
    taken = User.objects.filter(email__iexact=email)
    if excluding is not None:
        taken = taken.exclude(pk=excluding.pk)
    return taken.exists()


@transaction.atomic
def register_person(*, email: str, full_name: str = "", password: str | None = None) -> User:
    """A new person of the federation. Refuses a malformed or already used e-mail (case-insensitive)."""
    email = User.objects.normalize_email(email.strip()).lower()
    person = User(email=email, full_name=full_name.strip())
    _full_clean(person, exclude=["password"], message=_("The person cannot be registered."))
    if _email_taken(email):
        raise InvalidInput(
            _("The person cannot be registered."),
            fields={"email": [_("A person with this e-mail address already exists.")]},
        )
    person.set_password(password)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # the same e-mail registered concurrently
        raise InvalidInput(
            _("The person cannot be registered."),
            fields={"email": [_("A person with this e-mail address already exists.")]},
        ) from exc
    return person


@transaction.atomic
def update_profile(
    *, person: User, full_name: str | None = None, email: str | None = None, request: HttpRequest | None = None
) -> User:
    """Change a person's name or e-mail address; the address stays unique across the federation and an
    address change is audited."""
    person = User.objects.select_for_update().get(pk=person.pk)
    previous_email = person.email
    if full_name is not None:
        person.full_name = full_name.strip()
    if email is not None:
        email = User.objects.normalize_email(email.strip()).lower()
        if _email_taken(email, excluding=person):
            raise InvalidInput(
                _("The profile cannot be updated."),
                fields={"email": [_("A person with this e-mail address already exists.")]},
            )
        person.email = email
    _full_clean(person, exclude=["password"], message=_("The profile cannot be updated."))
    try:
        with transaction.atomic():
            person.save(update_fields=["full_name", "email"])
    except IntegrityError as exc:  # the same address taken concurrently
        raise InvalidInput(
            _("The profile cannot be updated."),
            fields={"email": [_("A person with this e-mail address already exists.")]},
        ) from exc
    if person.email != previous_email:
        audit.record(AuditEvent.Action.PERSON_EMAIL_CHANGED, actor=person, target=person, request=request)
    return person


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    taken = set(Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = "%s-%d" % (base, n), n + 1
    return slug


def _save_with_fresh_slug(organisation: Organisation, attempts: int = 5) -> None:
    """Insert, choosing another slug when a concurrent application took this one."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                organisation.save()
                return
        except IntegrityError:
            if attempt == attempts - 1 or not Organisation.objects.filter(slug=organisation.slug).exists():
                raise
            organisation.slug = _unique_slug(organisation.name)


def _check_siret_free(siret: str, *, excluding: Organisation | None = None) -> None:
    if not siret:
        return
    others = Organisation.objects.filter(siret=siret)
    if excluding is not None:
        others = others.exclude(pk=excluding.pk)
    if others.exists():
        raise InvalidInput(
            _("The organisation cannot be saved."),
            fields={"siret": [_("An organisation with this SIRET is already a member.")]},
        )


@transaction.atomic
def apply_for_membership(*, applicant: User, home_venue: Venue, **fields: Any) -> Organisation:
    """An organisation applies to join the hub; `applicant` becomes its owner. Status: applicant."""
    unknown = set(fields) - set(ORGANISATION_EDITABLE) - {"kind"}
    if unknown:
        raise InvalidInput(
            _("The organisation cannot be saved."), fields={name: [_("Unknown field.")] for name in sorted(unknown)}
        )
    fields["siret"] = normalise_siret(fields.get("siret", ""))
    organisation = Organisation(
        home_venue=home_venue,
        status=Status.APPLICANT,
        applied_at=timezone.now(),
        slug=_unique_slug(fields.get("name", "")),
        **fields,
    )
    _check_siret_free(organisation.siret)  # first, so a duplicate is reported on the field
    _full_clean(organisation, message=_("The organisation cannot be saved."), unique=False)
    try:
        _save_with_fresh_slug(organisation)
    except IntegrityError as exc:  # the same SIRET applied concurrently
        raise Conflict(
            _("The organisation cannot be saved."),
            fields={"siret": [_("An organisation with this SIRET is already a member.")]},
        ) from exc
    Membership.objects.create(user=applicant, organisation=organisation, role=Membership.Role.OWNER)
    return organisation


@transaction.atomic
def update_organisation(*, organisation: Organisation, **fields: Any) -> Organisation:
    """Change an organisation's profile, identifiers or consent flags (not its status or home venue)."""
    unknown = set(fields) - set(ORGANISATION_EDITABLE)
    if unknown:
        raise InvalidInput(
            _("The organisation cannot be saved."),
            fields={name: [_("This field cannot be changed here.")] for name in sorted(unknown)},
        )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if "siret" in fields:
        fields["siret"] = normalise_siret(fields["siret"])
    for name, value in fields.items():
        setattr(organisation, name, value)
    _check_siret_free(organisation.siret, excluding=organisation)
    _full_clean(organisation, message=_("The organisation cannot be saved."))
    organisation.save()
    return organisation


@transaction.atomic
def change_organisation_status(
    *, organisation: Organisation, status: str, actor: User | None, reason: str = ""
) -> Organisation:
    """Move an organisation along applicant → active → suspended / left, dating each step; audited."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if status not in Status.values:
        raise InvalidInput(_("Unknown status."), fields={"status": [_("Unknown status.")]})
    previous = organisation.status
    if status not in STATUS_TRANSITIONS[previous]:
        raise Conflict(
            _("An organisation cannot go from “%(old)s” to “%(new)s”.")
            % {"old": Status(previous).label, "new": Status(status).label},
            fields={"status": [_("Not allowed from the current status.")]},
        )
    organisation.status = status
    setattr(organisation, STATUS_DATE_FIELD[status], timezone.now())
    organisation.save(update_fields=["status", STATUS_DATE_FIELD[status], "updated_at"])
    audit.record(
        AuditEvent.Action.ORGANISATION_STATUS,
        actor=actor,
        target=organisation,
        detail={"from": previous, "to": status, "reason": reason},
    )
    return organisation


@transaction.atomic
def add_member(*, organisation: Organisation, person: User, role: str = Membership.Role.MEMBER) -> Membership:
    if role not in Membership.Role.values:
        raise InvalidInput(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    membership, created = Membership.objects.get_or_create(
        organisation=organisation, user=person, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def grant_venue_role(*, person: User, venue: Venue, role: str, actor: User | None) -> VenueRole:
    """Make a person manager or staff of a venue (or change their role there); audited."""
    if role not in VenueRole.Role.values:
        raise InvalidInput(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    if not person.is_active:
        raise InvalidInput(_("This person is deactivated."), fields={"person": [_("Deactivated.")]})
    existing = VenueRole.objects.select_for_update().filter(user=person, venue=venue).first()
    if existing is None:
        try:
            with transaction.atomic():
                venue_role = VenueRole.objects.create(user=person, venue=venue, role=role)
        except IntegrityError:  # granted concurrently: continue from the row that won
            existing = VenueRole.objects.select_for_update().get(user=person, venue=venue)
        else:
            audit.record(
                AuditEvent.Action.ROLE_GRANTED,
                actor=actor,
                venue=venue,
                target=venue_role,
                detail={"role": role, "person": person.pk},
            )
            return venue_role
    if existing.role == role:
        return existing
    detail = {"from": existing.role, "to": role, "person": person.pk}
    existing.role = role
    existing.save(update_fields=["role"])
    audit.record(AuditEvent.Action.ROLE_CHANGED, actor=actor, venue=venue, target=existing, detail=detail)
    return existing


@transaction.atomic
def revoke_venue_role(*, venue_role: VenueRole, actor: User | None) -> None:
    """Remove a venue role; audited once, even when two people revoke it at the same moment."""
    locked = VenueRole.objects.select_for_update().select_related("venue").filter(pk=venue_role.pk).first()
    if locked is None:
        return  # already revoked
    audit.record(
        AuditEvent.Action.ROLE_REVOKED,
        actor=actor,
        venue=locked.venue,
        target=locked,
        detail={"role": locked.role, "person": locked.user_id},
    )
    locked.delete()


@transaction.atomic
def set_network_pass(
    *,
    organisation: Organisation | None = None,
    venue: Venue | None = None,
    allowed: bool = True,
    rate_category: str = "network",
    monthly_hours: int | None = None,
) -> NetworkPass:
    """Set the terms for `organisation` (None: all) booking at `venue` (None: all venues)."""
    network_pass = NetworkPass.objects.filter(organisation=organisation, venue=venue).first() or NetworkPass(
        organisation=organisation, venue=venue
    )
    network_pass.allowed, network_pass.rate_category, network_pass.monthly_hours = allowed, rate_category, monthly_hours
    _full_clean(network_pass, exclude=["organisation", "venue"], message=_("The network pass cannot be saved."))
    network_pass.save()
    return network_pass


@transaction.atomic
def create_partner(*, name: str, kind: str, territory: str, venues: list[Venue]) -> Partner:
    partner = Partner(name=name.strip(), kind=kind, territory=territory.strip())
    _full_clean(partner, message=_("The partner cannot be saved."))
    partner.save()
    partner.venues.set(venues)
    return partner
