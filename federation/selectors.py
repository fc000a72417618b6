"""Reads of the federation. Querysets are returned lazily; evaluate them where they are used."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from tenants.models import Venue

from .models import ApiToken, AuditEvent, Membership, NetworkPass, Organisation, RateCategory, User, VenueRole


@dataclass(frozen=True)
class NetworkTerms:
    allowed: bool
    rate_category: str
    monthly_hours: int | None  # None: no limit; home venue bookings never count
    source: str  # which rule decided: home, organisation+venue, organisation, venue, federation, none


def network_terms(organisation: Organisation, venue: Venue) -> NetworkTerms:
    """On which terms `organisation`'s people may book at `venue`.

    The home venue: always, at the resident rate, outside any network quota. Elsewhere the most specific
    network pass wins: (organisation, venue), (organisation, any), (any, venue), (any, any). No pass: no
    booking. An organisation that is not active books nowhere."""
    if organisation.status != Organisation.Status.ACTIVE:
        return NetworkTerms(False, RateCategory.PUBLIC, 0, "inactive")
    if organisation.home_venue_id == venue.pk:
        return NetworkTerms(True, RateCategory.RESIDENT, None, "home")
    candidates = NetworkPass.objects.filter(
        Q(organisation=organisation) | Q(organisation__isnull=True), Q(venue=venue) | Q(venue__isnull=True)
    )
    rank = {
        (True, True): "organisation+venue",
        (True, False): "organisation",
        (False, True): "venue",
        (False, False): "federation",
    }
    order = list(rank)
    best = min(
        candidates,
        key=lambda p: order.index((p.organisation_id is not None, p.venue_id is not None)),
        default=None,
    )
    if best is None:
        return NetworkTerms(False, RateCategory.PUBLIC, 0, "none")
    return NetworkTerms(
        best.allowed,
        best.rate_category,
        best.monthly_hours,
        rank[(best.organisation_id is not None, best.venue_id is not None)],
    )


def network_allowance(organisation: Organisation) -> int | None:
    """The organisation's monthly network hours wherever no venue-specific pass says otherwise: its own pass
    for every venue, else the federation-wide one. None: no limit; 0: no such pass, or one that forbids."""
    return network_allowances([organisation])[organisation.pk]


def network_allowances(organisations: list[Organisation]) -> dict[int, int | None]:
    """`network_allowance` of each organisation, in one query."""
    passes = NetworkPass.objects.filter(
        Q(organisation__in=organisations) | Q(organisation__isnull=True), venue__isnull=True
    )
    by_organisation = {p.organisation_id: p for p in passes}
    found: dict[int, int | None] = {}
    for organisation in organisations:
        best = by_organisation.get(organisation.pk) or by_organisation.get(None)
        found[organisation.pk] = best.monthly_hours if best is not None and best.allowed else 0
    return found


def roles_by_venue(person: User) -> dict[int, str]:
    """{venue id: "manager" | "staff"} for a person, read once per request and kept on the object."""
    cached: dict[int, str] | None = getattr(person, "_roles_by_venue", None)
    if cached is None:
        cached = dict(VenueRole.objects.filter(user=person).values_list("venue_id", "role"))
        person._roles_by_venue = cached  # type: ignore[attr-defined]
    return cached


def active_organisations(person: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=person, status=Organisation.Status.ACTIVE)


def profile(person: User) -> User:
    """A person with memberships (and their organisations) and venue roles prefetched."""
    return User.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation__home_venue")),
        Prefetch("venue_roles", queryset=VenueRole.objects.select_related("venue")),
    ).get(pk=person.pk)


def directory() -> QuerySet[Organisation]:
    """The public directory: active organisations that consented to be listed."""
    return (
        Organisation.objects.filter(status=Organisation.Status.ACTIVE, directory_consent=True)
        .select_related("home_venue")
        .order_by("name")
    )


def organisations_of_venue(venue: Venue) -> QuerySet[Organisation]:
    """The organisations a venue hosts (its home members), with their people, for the venue's staff."""
    return (
        Organisation.objects.filter(home_venue=venue)
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("user")))
        .order_by("name")
    )


def venue_staff(venue: Venue) -> QuerySet[VenueRole]:
    return VenueRole.objects.filter(venue=venue).select_related("user").order_by("role", "user__email")


def tokens_of(person: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=person).order_by("-created_at")


def audit_trail_of(person: User) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(actor=person).order_by("created_at")
