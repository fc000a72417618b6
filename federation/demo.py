"""The demo federation: two venues, their staff, member organisations across the hub's sectors.

Idempotent: every row is looked up by a natural key first, so a second run adds nothing.
The passwords are for development only; `load_demo` refuses to run where HUB_DEMO_ALLOWED is off.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from tenants.coworking.demo import load_bookings, load_plans, load_resources
from tenants.events.demo import load_events
from tenants.gallery.demo import load_gallery
from tenants.models import Venue
from tenants.services import create_venue

from .models import LegalForm, Membership, NetworkPass, Organisation, Partner, RateCategory, Sector, User, VenueRole
from .services import change_organisation_status, create_partner, grant_venue_role, set_network_pass
from .validators import luhn_ok


class DemoNotAllowed(RuntimeError):
    """The settings in force do not allow well-known demo passwords."""


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
    legal_form: str
    naf_code: str
    city: str
    description: str
    kind: str = Organisation.Kind.ORGANISATION
    status: str = Organisation.Status.ACTIVE
    directory_consent: bool = True
    statistics_consent: bool = True


Org = DemoOrganisation
DEMO_ORGANISATIONS = [
    Org(
        "label-sillon",
        "Label Sillon",
        Sector.MUSIC,
        "gresilles",
        (("lea@sillon.example", "Léa Fournier"), ("malik@sillon.example", "Malik Haddad")),
        LegalForm.ASSOCIATION,
        "59.20Z",
        "Dijon",
        "Label indépendant et studio de production musicale.",
    ),
    Org(
        "pixel-comtois",
        "Pixel Comtois",
        Sector.VIDEO_GAMES,
        "battants",
        (("hugo@pixelcomtois.example", "Hugo Perrin"), ("ines@pixelcomtois.example", "Inès Roux")),
        LegalForm.SAS,
        "58.21Z",
        "Besançon",
        "Studio de jeux vidéo narratifs.",
    ),
    Org(
        "maille-web",
        "Maille Web",
        Sector.WEB,
        "battants",
        (("sarah@mailleweb.example", "Sarah Lambert"),),
        LegalForm.SCOP,
        "62.01Z",
        "Besançon",
        "Coopérative de développement web accessible.",
    ),
    Org(
        "reclame-et-cie",
        "Réclame & Cie",
        Sector.ADVERTISING,
        "gresilles",
        (("antoine@reclame.example", "Antoine Chevalier"),),
        LegalForm.SARL,
        "73.11Z",
        "Dijon",
        "Agence de communication pour les acteurs culturels.",
        statistics_consent=False,
    ),
    Org(
        "bobine-films",
        "Bobine Films",
        Sector.CINEMA,
        "battants",
        (("nora@bobinefilms.example", "Nora Belkacem"), ("paul@bobinefilms.example", "Paul Guyot")),
        LegalForm.SARL,
        "59.11A",
        "Besançon",
        "Production de documentaires et de courts métrages.",
    ),
    Org(
        "atelier-forme",
        "Atelier Forme",
        Sector.DESIGN,
        "gresilles",
        (("julie@atelierforme.example", "Julie Marchand"),),
        LegalForm.SASU,
        "74.10Z",
        "Dijon",
        "Design d'objets et de mobilier en circuit court.",
    ),
    Org(
        "encre-vive",
        "Encre Vive",
        Sector.GRAPHIC_ARTS,
        "battants",
        (("marc@encrevive.example", "Marc Jacquot"),),
        LegalForm.SCIC,
        "18.12Z",
        "Besançon",
        "Atelier de sérigraphie et de micro-édition.",
        directory_consent=False,
    ),
    Org(
        "compagnie-du-tiroir",
        "Compagnie du Tiroir",
        Sector.THEATRE,
        "gresilles",
        (("ana@tiroir.example", "Ana Ferreira"), ("louis@tiroir.example", "Louis Bernard")),
        LegalForm.ASSOCIATION,
        "90.01Z",
        "Dijon",
        "Compagnie de théâtre d'objets.",
    ),
    Org(
        "camille-martin",
        "Camille Martin, illustratrice",
        Sector.GRAPHIC_ARTS,
        "battants",
        (("camille@martin-illustration.example", "Camille Martin"),),
        LegalForm.MICRO,
        "74.10Z",
        "Besançon",
        "Illustration jeunesse et édition.",
        kind=Organisation.Kind.INDIVIDUAL,
    ),
    Org(
        "son-de-quartier",
        "Son de Quartier",
        Sector.MUSIC,
        "gresilles",
        (("yasmine@sondequartier.example", "Yasmine Ait Ali"),),
        LegalForm.ASSOCIATION,
        "90.01Z",
        "Dijon",
        "Ateliers de musique assistée par ordinateur (candidature).",
        status=Organisation.Status.APPLICANT,
        directory_consent=False,
        statistics_consent=False,
    ),
]

# name, kind, territory, venues it may see
DEMO_PARTNERS = [
    ("Dijon Métropole", Partner.Kind.AGGLOMERATION, "Dijon Métropole", ["gresilles"]),
    ("Grand Besançon Métropole", Partner.Kind.AGGLOMERATION, "Grand Besançon Métropole", ["battants"]),
    ("Région Bourgogne-Franche-Comté", Partner.Kind.REGION, "Bourgogne-Franche-Comté", ["gresilles", "battants"]),
]

# Members of each venue may book at the other: 20 network hours a month by default, 40 for the studios
# that share equipment across both sites.
NETWORK_DEFAULT_HOURS = 20


def demo_siret(index: int) -> str:
    """A SIRET with a valid checksum, unique per demo organisation (not a real establishment)."""
    base = "8%08d%04d" % (91_000_000 + index * 7919, 1)
    return next(base + d for d in "0123456789" if luhn_ok(base + d))


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
    if not settings.HUB_DEMO_ALLOWED:
        raise DemoNotAllowed("The demo data has well-known passwords: it is not loaded in this mode.")
    venues: dict[str, Venue] = {}
    for slug, name, city, domain, address in DEMO_VENUES:
        venues[slug] = create_venue(slug=slug, name=name, city=city, domain=domain, address=address).venue

    with transaction.atomic():
        _person(ADMIN_EMAIL, "Admin Coursive", superuser=True)
        for email, full_name, slug, role in DEMO_STAFF:
            if not VenueRole.objects.filter(user__email=email, venue=venues[slug]).exists():
                grant_venue_role(person=_person(email, full_name), venue=venues[slug], role=role, actor=None)
        for index, demo in enumerate(DEMO_ORGANISATIONS):
            organisation = Organisation.objects.filter(slug=demo.slug).first()
            if organisation is None:
                organisation = Organisation.objects.create(
                    slug=demo.slug,
                    name=demo.name,
                    legal_name=demo.name,
                    siret=demo_siret(index),
                    legal_form=demo.legal_form,
                    kind=demo.kind,
                    sector=demo.sector,
                    naf_code=demo.naf_code,
                    home_venue=venues[demo.home],
                    city=demo.city,
                    description=demo.description,
                    website="https://%s.example" % demo.slug,
                    directory_consent=demo.directory_consent,
                    statistics_consent=demo.statistics_consent,
                )
                if demo.status == Organisation.Status.ACTIVE:
                    change_organisation_status(organisation=organisation, status=demo.status, actor=None, reason="demo")
            for position, (email, full_name) in enumerate(demo.people):
                Membership.objects.get_or_create(
                    user=_person(email, full_name),
                    organisation=organisation,
                    defaults={"role": Membership.Role.OWNER if position == 0 else Membership.Role.MEMBER},
                )
        if not NetworkPass.objects.filter(organisation=None, venue=None).exists():
            set_network_pass(allowed=True, rate_category=RateCategory.NETWORK, monthly_hours=NETWORK_DEFAULT_HOURS)
        for name, kind, territory, slugs in DEMO_PARTNERS:
            if not Partner.objects.filter(name=name).exists():
                create_partner(name=name, kind=kind, territory=territory, venues=[venues[s] for s in slugs])

    for venue in venues.values():
        load_resources(venue)
    members = [
        User.objects.get(email=email)
        for email in (
            "lea@sillon.example",
            "hugo@pixelcomtois.example",
            "julie@atelierforme.example",
            "nora@bobinefilms.example",
        )
    ]
    for venue in venues.values():
        homed = list(Organisation.objects.filter(home_venue=venue, status=Organisation.Status.ACTIVE).order_by("slug"))
        load_plans(venue, homed)
        load_bookings(venue, members)
        load_gallery(venue)
        load_events(venue, members)
    # Two years of the venues' past for the partners' figures (imported here: it builds on this module).
    from reporting.demo import load_history

    history = load_history(venues)
    # The history is written as it stood, not through the services and their outbox: the catalogue learns of
    # it from reconciliation, as after any import (found by bench/load.py, whose check found 357 events missing).
    from sync.reconcile import reconcile

    for venue in venues.values():
        reconcile(venue, fix=True)

    return {
        "venues": Venue.objects.count(),
        "people": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "memberships": Membership.objects.count(),
        "venue roles": VenueRole.objects.count(),
        "network passes": NetworkPass.objects.count(),
        "partners": Partner.objects.count(),
        **history,
    }
