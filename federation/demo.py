"""The demo federation: two venues, their staff, member organisations across the hub's sectors.

Idempotent: every row is looked up by a natural key first, so a second run adds nothing.
The passwords are for development only; `load_demo` refuses to run where HUB_DEMO_ALLOWED is off.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from tenants.coworking.demo import load_resources
from tenants.models import Venue
from tenants.services import create_venue

from .models import Membership, Organisation, Sector, User, VenueRole

DEMO_PASSWORD = "coursive-demo-2026"  # noqa: S105  (development only)
ADMIN_EMAIL = "admin@coursive.example"

DEMO_VENUES = [
    # slug, name, city, domain, address
    (
        "gresilles",
        "Plateforme des Grésilles",
        "Dijon",
        "gresilles.localhost",
        "Quartier des Grésilles, 21000 Dijon",
    ),
    ("battants", "52 Battants", "Besançon", "battants.localhost", "52 rue Battant, 25000 Besançon"),
]

# (email, full name, venue slug, role)
DEMO_STAFF = [
    ("manager.gresilles@coursive.example", "Claire Moreau", "gresilles", VenueRole.Role.MANAGER),
    ("staff.gresilles@coursive.example", "Yanis Benali", "gresilles", VenueRole.Role.STAFF),
    ("manager.battants@coursive.example", "Hélène Girard", "battants", VenueRole.Role.MANAGER),
    ("staff.battants@coursive.example", "Thomas Vuillemin", "battants", VenueRole.Role.STAFF),
]


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    sector: str
    home: str
    people: tuple[tuple[str, str], ...]  # (email, full name); the first is the owner
    kind: str = Organisation.Kind.ORGANISATION


DEMO_ORGANISATIONS = [
    DemoOrganisation(
        "label-sillon",
        "Label Sillon",
        Sector.MUSIC,
        "gresilles",
        (("lea@sillon.example", "Léa Fournier"), ("malik@sillon.example", "Malik Haddad")),
    ),
    DemoOrganisation(
        "pixel-comtois",
        "Pixel Comtois",
        Sector.VIDEO_GAMES,
        "battants",
        (("hugo@pixelcomtois.example", "Hugo Perrin"), ("ines@pixelcomtois.example", "Inès Roux")),
    ),
    DemoOrganisation(
        "maille-web", "Maille Web", Sector.WEB, "battants", (("sarah@mailleweb.example", "Sarah Lambert"),)
    ),
    DemoOrganisation(
        "reclame-et-cie",
        "Réclame & Cie",
        Sector.ADVERTISING,
        "gresilles",
        (("antoine@reclame.example", "Antoine Chevalier"),),
    ),
    DemoOrganisation(
        "bobine-films",
        "Bobine Films",
        Sector.CINEMA,
        "battants",
        (("nora@bobinefilms.example", "Nora Belkacem"), ("paul@bobinefilms.example", "Paul Guyot")),
    ),
    DemoOrganisation(
        "atelier-forme",
        "Atelier Forme",
        Sector.DESIGN,
        "gresilles",
        (("julie@atelierforme.example", "Julie Marchand"),),
    ),
    DemoOrganisation(
        "encre-vive",
        "Encre Vive",
        Sector.GRAPHIC_ARTS,
        "battants",
        (("marc@encrevive.example", "Marc Jacquot"),),
    ),
    DemoOrganisation(
        "compagnie-du-tiroir",
        "Compagnie du Tiroir",
        Sector.THEATRE,
        "gresilles",
        (("ana@tiroir.example", "Ana Ferreira"), ("louis@tiroir.example", "Louis Bernard")),
    ),
    DemoOrganisation(
        "camille-martin",
        "Camille Martin, illustratrice",
        Sector.GRAPHIC_ARTS,
        "battants",
        (("camille@martin-illustration.example", "Camille Martin"),),
        kind=Organisation.Kind.INDIVIDUAL,
    ),
]

# What `make run` prints and the README lists: (email, password, role).
DEMO_ACCOUNTS = (
    [(ADMIN_EMAIL, DEMO_PASSWORD, "federation admin")]
    + [(email, DEMO_PASSWORD, f"{role} at {slug}") for email, _name, slug, role in DEMO_STAFF]
    + [(org.people[0][0], DEMO_PASSWORD, f"member ({org.name})") for org in DEMO_ORGANISATIONS[:2]]
)


def _person(email: str, full_name: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    if superuser:
        return User.objects.create_superuser(email, DEMO_PASSWORD, full_name=full_name)
    return User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name)


def load_demo() -> dict[str, int]:
    """Load (or complete) the demo federation; returns how many rows of each kind exist afterwards."""
    venues: dict[str, Venue] = {}
    for slug, name, city, domain, address in DEMO_VENUES:
        venues[slug] = create_venue(slug=slug, name=name, city=city, domain=domain, address=address).venue

    with transaction.atomic():
        _person(ADMIN_EMAIL, "Admin Coursive", superuser=True)
        for email, full_name, slug, role in DEMO_STAFF:
            VenueRole.objects.get_or_create(user=_person(email, full_name), venue=venues[slug], defaults={"role": role})
        for demo in DEMO_ORGANISATIONS:
            organisation, _created = Organisation.objects.get_or_create(
                slug=demo.slug,
                defaults={
                    "name": demo.name,
                    "sector": demo.sector,
                    "kind": demo.kind,
                    "home_venue": venues[demo.home],
                },
            )
            for index, (email, full_name) in enumerate(demo.people):
                Membership.objects.get_or_create(
                    user=_person(email, full_name),
                    organisation=organisation,
                    defaults={"role": Membership.Role.OWNER if index == 0 else Membership.Role.MEMBER},
                )

    for venue in venues.values():
        load_resources(venue)

    return {
        "venues": Venue.objects.count(),
        "people": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "memberships": Membership.objects.count(),
        "venue roles": VenueRole.objects.count(),
    }
