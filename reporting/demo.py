"""Two years of the demo venues' past, so that the partners' dashboard and statistical secrecy show real
behaviour: member organisations joining and leaving, coworking bookings, gallery sales, events and their
registrations, the enterprise survey of last year (closed) and this year's (open), then the rollups.

The venues' services refuse past dates, so the past is written straight into the tables (COPY for the bookings,
`bulk_create` for the rest: no signals, no outbox) and the rollups are rebuilt at the end. Everything is drawn
from seeded generators: the same `today` gives the same history. Idempotent: the organisations are keyed by
slug, the survey campaigns by year, and a venue whose bookings carry the history's key prefix already has its
past (bookings, sales and events are written in one transaction per venue), so a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.backends.postgresql.psycopg_any import DateRange, DateTimeTZRange
from django.utils import timezone
from django_tenants.utils import schema_context

from federation.demo import DEMO_ORGANISATIONS, DEMO_PASSWORD, NETWORK_DEFAULT_HOURS, demo_siret
from federation.models import LegalForm, Membership, Organisation, Sector, User
from tenants.coworking.models import Booking, Resource
from tenants.coworking.rules import is_public_holiday, quote
from tenants.events.models import Event, Registration, Visibility
from tenants.gallery import money
from tenants.gallery.models import Artist, Artwork, ConsignedWork, Consignment, Sale
from tenants.models import Venue

from . import rollups
from .models import DailyFigure, Market, MemberSpell, MonthlyFigure, RevenueBand, SurveyAnswer, SurveyCampaign

SEED = 2026
MONTHS = 24  # of history, whole months before this one, plus this month up to yesterday
KEY = "demo-history:"  # idempotency keys of the history's bookings and sales: the marker of a loaded venue
IND = Organisation.Kind.INDIVIDUAL


@dataclass(frozen=True)
class PastOrganisation:
    slug: str
    name: str
    sector: str
    home: str
    people: tuple[tuple[str, str], ...]  # (email, full name); the first is the owner
    legal_form: str
    naf_code: str
    joined: int  # months ago
    left: int | None = None  # months ago
    weight: int = 2  # how much it uses the venue
    kind: str = Organisation.Kind.ORGANISATION


P = PastOrganisation
# Sectors by venue at the end (active): Grésilles music 3, design 3, theatre 3, advertising 3, web 3, video
# games 1 (always suppressed); Battants video games 3, web 3, cinema 3, graphic arts 4, other 2 (suppressed).
HISTORY_ORGANISATIONS = [
    P("studio-chouette", "Studio Chouette", Sector.MUSIC, "gresilles",
      (("remi@studiochouette.example", "Rémi Caron"), ("ines@studiochouette.example", "Inès Morel")),
      LegalForm.SARL, "59.20Z", 20, weight=3),
    P("voix-de-l-ouche", "Les Voix de l'Ouche", Sector.MUSIC, "gresilles",
      (("gaelle@voixouche.example", "Gaëlle Renaud"),), LegalForm.ASSOCIATION, "90.01Z", 33),
    P("bois-et-lin", "Bois & Lin Design", Sector.DESIGN, "gresilles",
      (("arthur@boisetlin.example", "Arthur Lemoine"), ("chloe@boisetlin.example", "Chloé Vasseur")),
      LegalForm.SAS, "74.10Z", 34, weight=3),
    P("studio-cassis", "Studio Cassis", Sector.DESIGN, "gresilles",
      (("mathilde@studiocassis.example", "Mathilde Guérin"),), LegalForm.SARL, "74.10Z", 16),
    P("theatre-des-lentilleres", "Théâtre des Lentillères", Sector.THEATRE, "gresilles",
      (("samir@lentilleres.example", "Samir Bouzid"), ("odile@lentilleres.example", "Odile Prost")),
      LegalForm.ASSOCIATION, "90.01Z", 36),
    P("compagnie-moutarde", "Compagnie Moutarde", Sector.THEATRE, "gresilles",
      (("lucas@ciemoutarde.example", "Lucas Pernot"),), LegalForm.ASSOCIATION, "90.01Z", 12),
    P("agence-kir", "Agence Kir", Sector.ADVERTISING, "gresilles",
      (("elodie@agencekir.example", "Élodie Baudry"), ("franck@agencekir.example", "Franck Maillard")),
      LegalForm.SAS, "73.11Z", 32, weight=3),
    P("point-virgule", "Point Virgule Communication", Sector.ADVERTISING, "gresilles",
      (("manon@pointvirgule.example", "Manon Collin"),), LegalForm.SARL, "73.11Z", 18),
    P("affiches-de-bourgogne", "Affiches de Bourgogne", Sector.ADVERTISING, "gresilles",
      (("gilles@affiches-bourgogne.example", "Gilles Perrot"),), LegalForm.SARL, "73.12Z", 35, left=11),
    P("code-canal", "Code Canal", Sector.WEB, "gresilles",
      (("nadia@codecanal.example", "Nadia Cherif"), ("bruno@codecanal.example", "Bruno Faivre")),
      LegalForm.SCOP, "62.01Z", 31, weight=3),
    P("liberte-numerique", "Liberté Numérique", Sector.WEB, "gresilles",
      (("quentin@liberte-numerique.example", "Quentin Roy"),), LegalForm.ASSOCIATION, "62.01Z", 21, weight=1),
    P("thibault-renard", "Thibault Renard, développeur", Sector.WEB, "gresilles",
      (("thibault@renard-dev.example", "Thibault Renard"),), LegalForm.MICRO, "62.01Z", 7, weight=1, kind=IND),
    P("ludique-ducal", "Ludique Ducal", Sector.VIDEO_GAMES, "gresilles",
      (("oscar@ludiqueducal.example", "Oscar Lambert"),), LegalForm.SASU, "58.21Z", 15, weight=1),
    P("horloge-games", "Horloge Games", Sector.VIDEO_GAMES, "battants",
      (("adele@horlogegames.example", "Adèle Simon"), ("jules@horlogegames.example", "Jules Bertin")),
      LegalForm.SAS, "58.21Z", 33, weight=3),
    P("comte-quest", "Comté Quest", Sector.VIDEO_GAMES, "battants",
      (("maxime@comtequest.example", "Maxime Petitjean"),), LegalForm.SASU, "58.21Z", 10),
    P("doubs-digital", "Doubs Digital", Sector.WEB, "battants",
      (("claire@doubsdigital.example", "Claire Jeannin"), ("yann@doubsdigital.example", "Yann Cuenot")),
      LegalForm.SARL, "62.01Z", 35, weight=3),
    P("vauban-web", "Vauban Web", Sector.WEB, "battants",
      (("emma@vaubanweb.example", "Emma Tissot"),), LegalForm.SCOP, "62.02A", 19),
    P("graphik-boucle", "Graphik Boucle", Sector.WEB, "battants",
      (("kevin@graphikboucle.example", "Kévin Mougin"),), LegalForm.SARL, "62.01Z", 28, left=3),
    P("citadelle-productions", "Citadelle Productions", Sector.CINEMA, "battants",
      (("sophie@citadelle-prod.example", "Sophie Grandjean"), ("amine@citadelle-prod.example", "Amine Khelifi")),
      LegalForm.SAS, "59.11A", 32, weight=3),
    P("lumiere-comtoise", "Lumière Comtoise", Sector.CINEMA, "battants",
      (("pauline@lumierecomtoise.example", "Pauline Vernier"),), LegalForm.ASSOCIATION, "59.14Z", 13, weight=1),
    P("doc-en-doubs", "Doc en Doubs", Sector.CINEMA, "battants",
      (("etienne@docendoubs.example", "Étienne Billod"),), LegalForm.ASSOCIATION, "59.11B", 29, left=6),
    P("atelier-gravure-battant", "Atelier Gravure Battant", Sector.GRAPHIC_ARTS, "battants",
      (("rose@gravurebattant.example", "Rose Cattin"),), LegalForm.ASSOCIATION, "18.12Z", 24),
    P("zoe-lefevre", "Zoé Lefèvre, graveuse", Sector.GRAPHIC_ARTS, "battants",
      (("zoe@zoelefevre.example", "Zoé Lefèvre"),), LegalForm.MICRO, "90.03A", 23, weight=1, kind=IND),
    P("musee-nomade", "Musée Nomade", Sector.OTHER, "battants",
      (("lise@museenomade.example", "Lise Chevassus"),), LegalForm.ASSOCIATION, "91.02Z", 30, weight=1),
    P("horlogerie-d-art", "Horlogerie d'Art Comtoise", Sector.OTHER, "battants",
      (("henri@horlogerie-art.example", "Henri Vuillet"),), LegalForm.SARL, "32.12Z", 17, weight=1),
]  # fmt: skip

# When the first demo organisations joined (months ago): most before the history starts.
DEMO_JOINED = {
    "label-sillon": 30,
    "pixel-comtois": 28,
    "maille-web": 26,
    "reclame-et-cie": 25,
    "bobine-films": 22,
    "atelier-forme": 29,
    "encre-vive": 27,
    "compagnie-du-tiroir": 31,
    "camille-martin": 14,
}
DEMO_WEIGHT = {"label-sillon": 3, "pixel-comtois": 3, "maille-web": 2, "bobine-films": 3}

# People of no member organisation who use the venue now and then (and an artist each).
INDEPENDENTS = {
    "gresilles": [("elise.morel@example.org", "Élise Morel"), ("karim.saidi@example.org", "Karim Saïdi")],
    "battants": [("jeanne.colin@example.org", "Jeanne Colin"), ("victor.blanc@example.org", "Victor Blanc")],
}


@dataclass(frozen=True)
class PastArtist:
    email: str
    commission: str
    prices: tuple[int, int]  # usual asking prices, incl. VAT
    works: tuple[str, ...]  # title stems
    medium: str
    dominant: bool = False  # sells one large piece in some months (≥ 85 % of the month's sales)


A = PastArtist
GALLERY_ARTISTS = {
    "gresilles": [
        A("arthur@boisetlin.example", "35", (350, 900), ("Banc", "Buffet", "Table"), "chêne massif", dominant=True),
        A("julie@atelierforme.example", "35", (150, 600), ("Tabouret", "Lampe", "Étagère"), "frêne et laiton"),
        A("ana@tiroir.example", "30", (90, 450), ("Marionnette", "Boîte", "Théâtre de papier"), "bois et tissu"),
        A("mathilde@studiocassis.example", "35", (120, 450), ("Affiche", "Carafe", "Vase"), "verre soufflé"),
        A("elise.morel@example.org", "40", (60, 250), ("Bol", "Coupe", "Pichet"), "grès émaillé"),
    ],
    "battants": [
        A("zoe@zoelefevre.example", "35", (200, 800), ("Gravure", "Planche", "Triptyque"), "eau-forte", dominant=True),
        A("camille@martin-illustration.example", "40", (150, 700), ("Aquarelle", "Encre"), "aquarelle sur papier"),
        A("marc@encrevive.example", "35", (60, 180), ("Sérigraphie", "Affiche"), "sérigraphie"),
        A("rose@gravurebattant.example", "35", (80, 300), ("Linogravure", "Monotype"), "linogravure"),
        A("jeanne.colin@example.org", "40", (150, 500), ("Tirage", "Photographie"), "tirage argentique"),
    ],
}
BUYERS = [
    ("Martine Roussel", "martine.roussel@example.org"),
    ("Jérôme Vidal", "jerome.vidal@example.org"),
    ("Nathalie Bourgeois", "nathalie.bourgeois@example.org"),
    ("Olivier Mercier", "olivier.mercier@example.org"),
    ("Sandrine Fabre", "sandrine.fabre@example.org"),
    ("Patrick Joly", "patrick.joly@example.org"),
    ("Agnès Marchal", "agnes.marchal@example.org"),
]

CAFE_TOPICS = [
    "se présenter en une minute",
    "trouver des partenaires",
    "financer un projet",
    "exporter",
    "les aides régionales",
    "travailler en coopérative",
    "fixer ses prix",
    "le mécénat",
]
WORKSHOP_TITLES = [
    "Stratégie commerciale pour les structures culturelles",
    "Comptabilité analytique : connaître le coût de ses projets",
    "Répondre aux marchés publics",
    "Droit d'auteur et contrats de cession",
    "Construire son budget prévisionnel",
    "Réseaux sociaux : une ligne éditoriale en une journée",
]
OTHERS = {1: "Galette des membres", 5: "Journée portes ouvertes", 7: "Apéro d'été des membres"}
OPENINGS = {3: "Vernissage de printemps", 6: "Vernissage d'été", 10: "Vernissage d'automne"}

# Fixed slots of exclusive resources (start, minutes): never overlapping, buffers included.
SHORT_SLOTS = [((9, 0), 120), ((11, 30), 90), ((14, 0), 120), ((16, 30), 120)]
HALF_DAYS = [((8, 30), 270), ((14, 0), 270)]
BASE_BOOKINGS = {"gresilles": 16, "battants": 13}  # an ordinary weekday, now


# -- dates ------------------------------------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` before `day`'s."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, 1)


def history_start(today: dt.date) -> dt.date:
    return months_before(today, MONTHS)


def _moment(venue: Venue, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=venue.tzinfo)


def _joined_on(today: dt.date, months: int, index: int) -> dt.date:
    day = months_before(today, months) + dt.timedelta(days=(index * 7) % 25)
    return min(day, today - dt.timedelta(days=1))


def _open_days(first: dt.date, last: dt.date) -> list[dt.date]:
    found = []
    day = first
    while day <= last:
        if day.weekday() < 5 and not is_public_holiday(day):
            found.append(day)
        day += dt.timedelta(days=1)
    return found


# -- organisations and people -----------------------------------------------------------------------------------


@dataclass
class Member:
    organisation: Organisation
    people: list[int]  # user ids
    weight: int
    starts: dt.date
    ends: dt.date | None

    def active(self, day: dt.date) -> bool:
        return self.starts <= day and (self.ends is None or day < self.ends)


@dataclass
class Cast:
    """Who is about: the member organisations with their people and dates, and each venue's independents."""

    members: list[Member]
    independents: dict[str, list[int]]
    users: dict[str, User] = field(default_factory=dict)  # by e-mail

    def at(self, venue: Venue, day: dt.date, home: bool = True) -> list[Member]:
        return [
            m for m in self.members if m.active(day) and (m.organisation.home_venue_id == venue.pk) is home and m.people
        ]


def _people(wanted: Sequence[tuple[str, str, dt.datetime]]) -> dict[str, User]:
    """The people of these (e-mail, full name, joined), created where missing."""
    found = {user.email: user for user in User.objects.filter(email__in=[email for email, *_rest in wanted])}
    missing = [
        User(email=email, full_name=name, date_joined=joined, password="")
        for email, name, joined in wanted
        if email not in found
    ]
    if missing:
        password = make_password(DEMO_PASSWORD)  # hashed once: the history's people share it
        for user in missing:
            user.password = password
        found.update({user.email: user for user in User.objects.bulk_create(missing)})
    return found


def load_organisations(venues: dict[str, Venue], today: dt.date) -> Cast:
    """The history's member organisations (created where missing), the demo's own ones dated back, their people."""
    tz = timezone.get_default_timezone()
    joined_at = {
        past.slug: dt.datetime.combine(_joined_on(today, past.joined, index), dt.time(10), tzinfo=tz)
        for index, past in enumerate(HISTORY_ORGANISATIONS)
    }
    since = dt.datetime.combine(history_start(today), dt.time(10), tzinfo=tz)
    users = _people(
        [
            (email, name, joined_at[org.slug] - dt.timedelta(days=21))
            for org in HISTORY_ORGANISATIONS
            for email, name in org.people
        ]
        + [(email, name, since) for people in INDEPENDENTS.values() for email, name in people]
    )
    existing = {o.slug: o for o in Organisation.objects.filter(slug__in=[p.slug for p in HISTORY_ORGANISATIONS])}
    new = []
    for index, past in enumerate(HISTORY_ORGANISATIONS):
        if past.slug in existing:
            continue
        joined = joined_at[past.slug]
        left = (
            dt.datetime.combine(_joined_on(today, past.left, index + 3), dt.time(17), tzinfo=tz) if past.left else None
        )
        new.append(
            Organisation(
                slug=past.slug,
                name=past.name,
                legal_name=past.name,
                siret=demo_siret(len(DEMO_ORGANISATIONS) + index),
                legal_form=past.legal_form,
                kind=past.kind,
                sector=past.sector,
                naf_code=past.naf_code,
                home_venue=venues[past.home],
                city="Dijon" if past.home == "gresilles" else "Besançon",
                website="https://%s.example" % past.slug,
                status=Organisation.Status.LEFT if left else Organisation.Status.ACTIVE,
                applied_at=joined - dt.timedelta(days=21),
                activated_at=joined,
                left_at=left,
                directory_consent=not left,
                statistics_consent=True,
            )
        )
    for organisation in Organisation.objects.bulk_create(new):
        existing[organisation.slug] = organisation
    Membership.objects.bulk_create(
        [
            Membership(
                user=users[email],
                organisation=existing[past.slug],
                role=Membership.Role.OWNER if position == 0 else Membership.Role.MEMBER,
            )
            for past in HISTORY_ORGANISATIONS
            for position, (email, _name) in enumerate(past.people)
        ],
        ignore_conflicts=True,  # one membership per person and organisation: kept from an earlier run
    )
    # The first demo organisations were activated just now by the demo: they joined earlier than that.
    for index, (slug, months) in enumerate(DEMO_JOINED.items()):
        joined = dt.datetime.combine(_joined_on(today, months, index + 40), dt.time(10), tzinfo=tz)
        Organisation.objects.filter(slug=slug, activated_at__gt=joined).update(
            activated_at=joined, applied_at=joined - dt.timedelta(days=30)
        )
    members = []
    people: dict[int, list[int]] = {}
    for organisation_id, user_id in Membership.objects.order_by("organisation_id", "pk").values_list(
        "organisation_id", "user_id"
    ):
        people.setdefault(organisation_id, []).append(user_id)
    weights = {p.slug: p.weight for p in HISTORY_ORGANISATIONS} | DEMO_WEIGHT
    for organisation in Organisation.objects.exclude(activated_at=None).exclude(status="applicant").order_by("slug"):
        assert organisation.activated_at is not None
        ends = (
            rollups.local_day(organisation.left_at) if organisation.status == "left" and organisation.left_at else None
        )
        members.append(
            Member(
                organisation,
                people.get(organisation.pk, []),
                weights.get(organisation.slug, 2),
                rollups.local_day(organisation.activated_at),
                ends,
            )
        )
    independents = {slug: [users[email].pk for email, _name in found] for slug, found in INDEPENDENTS.items()}
    return Cast(members, independents, users)


# -- coworking --------------------------------------------------------------------------------------------------


def _pick(rng: random.Random, members: list[Member]) -> Member:
    return rng.choices(members, weights=[m.weight for m in members])[0]


def _day_volume(rng: random.Random, venue: Venue, day: dt.date, first: dt.date, today: dt.date) -> int:
    growth = 0.7 + 0.5 * (day - first).days / max(1, (today - first).days)  # the venues fill up over the years
    season = {7: 0.8, 8: 0.35, 12: 0.75 if day.day < 22 else 0.3}.get(day.month, 1.0)
    return max(2, round(BASE_BOOKINGS.get(venue.schema_name, 12) * growth * season * rng.uniform(0.8, 1.2)))


@dataclass(frozen=True)
class Day:
    """Who may book at a venue on a day: its resident members, the other venue's, its independents; and the
    network hours each visiting organisation has booked so far in each month (kept to its network pass)."""

    residents: list[Member]
    visitors: list[Member]
    independents: list[int]
    month: dt.date
    network_hours: dict[tuple[int, dt.date], int]  # minutes, by (organisation, month)


def _booker(rng: random.Random, day: Day, minutes: int) -> tuple[int, Organisation | None, str]:
    """(member id, organisation, rate category): residents mostly, some network visitors, a few independents."""
    roll = rng.random()
    if roll < 0.11 and day.visitors:
        member = _pick(rng, day.visitors)
        used = (member.organisation.pk, day.month)
        if day.network_hours.get(used, 0) + minutes <= NETWORK_DEFAULT_HOURS * 60:
            day.network_hours[used] = day.network_hours.get(used, 0) + minutes
            return rng.choice(member.people), member.organisation, "network"
    if (roll > 0.93 or not day.residents) and day.independents:
        return rng.choice(day.independents), None, "public"
    member = _pick(rng, day.residents)
    return rng.choice(member.people), member.organisation, "resident"


def _booking(
    rng: random.Random,
    venue: Venue,
    resource: Resource,
    start: dt.datetime,
    minutes: int,
    who: tuple[int, Organisation | None, str],
) -> dict[str, Any]:
    """A booking's columns (see `_copy`)."""
    member_id, organisation, category = who
    end = start + dt.timedelta(minutes=minutes)
    excl, incl = quote(resource, rate_category=category, start=start, end=end, seats=1)
    roll = rng.random()
    status = "cancelled" if roll < 0.07 else "no_show" if roll < 0.10 else "confirmed" if roll < 0.15 else "checked_in"
    return {
        "resource_id": resource.pk,
        "member_id": member_id,
        "organisation_id": organisation.pk if organisation else None,
        "during": DateTimeTZRange(start, end, "[)"),
        "blocks": DateTimeTZRange(start, end + dt.timedelta(minutes=resource.buffer_minutes), "[)"),
        "exclusive": resource.mode == Resource.Mode.EXCLUSIVE,
        "status": status,
        "rate_category": category,
        "price_excl_vat": excl,
        "vat_rate": resource.vat_rate,
        "price_incl_vat": incl,
        "network": organisation is not None and organisation.home_venue_id != venue.pk,
        "created_at": start - dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 12)),
        "cancelled_at": start - dt.timedelta(hours=rng.randint(2, 72)) if status == "cancelled" else None,
    }


def _copy(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (attribute name → value; the fields' defaults for the others) into the active schema's
    table of `model` with COPY: no signals, and some ten times faster than `bulk_create` for the bookings."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    table = connection.ops.quote_name(str(model._meta.db_table))
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[f.attname] if f.attname in row else defaults.get(f.attname) for f in fields])


def load_bookings(rng: random.Random, venue: Venue, cast: Cast, first: dt.date, today: dt.date) -> int:
    """Past bookings of the venue's resources on its open days, in fixed slots on exclusive resources (so that no
    two overlap), a seat each on the pooled ones (no more than their capacity a day)."""
    resources = list(Resource.objects.filter(is_active=True).order_by("name"))
    pooled = [r for r in resources if r.mode == Resource.Mode.POOLED]
    exclusive = [r for r in resources if r.mode == Resource.Mode.EXCLUSIVE]
    bookings: list[dict[str, Any]] = []
    network_hours: dict[tuple[int, dt.date], int] = {}
    for day in _open_days(first, today - dt.timedelta(days=1)):
        who = Day(
            cast.at(venue, day),
            cast.at(venue, day, home=False),
            cast.independents.get(venue.schema_name, []),
            day.replace(day=1),
            network_hours,
        )
        wanted = _day_volume(rng, venue, day, first, today)
        slots = [
            (resource, slot)
            for resource in exclusive
            for slot in (HALF_DAYS if resource.kind in (Resource.Kind.OFFICE, Resource.Kind.DESK) else SHORT_SLOTS)
        ]
        rng.shuffle(slots)
        taken = slots[: min(len(slots), round(wanted * rng.uniform(0.35, 0.5)))] if pooled else slots[:wanted]
        for resource, ((hour, minute), minutes) in taken:
            start = _moment(venue, day, hour, minute)
            bookings.append(_booking(rng, venue, resource, start, minutes, _booker(rng, who, minutes)))
        seats = {r.pk: r.capacity for r in pooled}
        close = _moment(venue, day, 19)
        for _ in range(wanted - len(taken)) if pooled else ():
            shared = rng.choice(pooled)
            if seats[shared.pk] <= 0:
                break
            seats[shared.pk] -= 1
            start = _moment(venue, day, 8, 30) + dt.timedelta(minutes=30 * rng.randint(0, 10))
            minutes = min(60 * rng.choice([2, 3, 4, 4, 6, 8, 8]), int((close - start).total_seconds() // 60))
            bookings.append(_booking(rng, venue, shared, start, minutes, _booker(rng, who, minutes)))
    for number, booking in enumerate(bookings):
        booking["idempotency_key"] = "%s%d" % (KEY, number)
    _copy(Booking, bookings)
    return len(bookings)


# -- gallery ----------------------------------------------------------------------------------------------------


def _artist(user: User) -> Artist:
    found = Artist.objects.filter(person=user).first()
    if found is not None:
        return found
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    return Artist.objects.create(
        name=user.full_name,
        email=user.email,
        person=user,
        organisation=membership.organisation if membership else None,
        bio="Artiste membre de %s." % membership.organisation.name if membership else "Artiste indépendante.",
    )


def _sale_day(rng: random.Random, month: dt.date, last: dt.date) -> dt.date | None:
    following = months_before(month, -1)
    days = [d for d in _open_days(month, min(last, following - dt.timedelta(days=1))) if d.weekday() != 0]
    return rng.choice(days) if days else None


def load_sales(rng: random.Random, venue: Venue, cast: Cast, first: dt.date, today: dt.date) -> int:
    """A few sales a month by the venue's artists, one of them dominating some months with a large piece."""
    staff = User.objects.get(email="staff.%s@coursive.example" % venue.schema_name)
    yesterday = today - dt.timedelta(days=1)
    since = {m.organisation.pk: m.starts for m in cast.members}
    artists = []
    for past in GALLERY_ARTISTS.get(venue.schema_name, []):
        artist = _artist(cast.users.get(past.email) or User.objects.get(email=past.email))
        consignment = Consignment.objects.create(
            artist=artist,
            commission_rate=Decimal(past.commission),
            starts_on=first - dt.timedelta(days=30),
            ends_on=yesterday,
            notes="Dépôt des années passées (démo).",
        )
        artists.append((past, artist, consignment, since.get(artist.organisation_id or 0, first)))
    made: list[tuple[Artwork, Sale, Consignment]] = []
    plan: list[tuple[tuple[PastArtist, Artist, Consignment, dt.date], int | None]]
    month, n = first, 0
    while month <= yesterday:
        n += 1
        present = [a for a in artists if a[3] <= month]
        if month.month == 8 or not present:
            plan = [(rng.choice(present), None)] if present and rng.random() < 0.5 else []
        elif n % 5 == 2 and len(present) >= 3 and present[0][0].dominant:
            # one large piece and two small ones by two other artists: ≥ 85 % of the month's amount
            small = rng.sample(present[1:], 2)
            plan = [(present[0], rng.randrange(3000, 4800, 50)), *((a, rng.randrange(60, 180, 5)) for a in small)]
        elif rng.random() < 0.9:  # an ordinary month: three to five artists sell a work or two
            sellers = rng.sample(present, min(len(present), rng.randint(3, 5)))
            plan = [(a, None) for a in sellers for _ in range(rng.choice([1, 1, 2]))]
        else:  # a quiet month
            plan = [(rng.choice(present), None) for _ in range(rng.randint(1, 2))]
        for (past, artist, consignment, _since), price in plan:
            day = _sale_day(rng, month, yesterday)
            if day is None:
                continue
            low, high = past.prices
            amount = Decimal(price if price is not None else rng.randrange(low, high + 1, 10))
            stem = rng.choice(past.works)
            artwork = Artwork(
                artist=artist,
                title="%s n° %d" % (stem, len(made) + 1),
                year=day.year - rng.randint(0, 1),
                medium=past.medium,
                price=amount,
                status=Artwork.Status.SOLD,
            )
            regime = "margin" if rng.random() < 0.15 else "reduced"
            split = money.breakdown(price=amount, vat_regime=regime, commission_rate=consignment.commission_rate)
            buyer_name, buyer_email = rng.choice(BUYERS)
            sale = Sale(
                artist=artist,
                consignment=consignment,
                status=Sale.Status.COMPLETED,
                price=split.price,
                vat_regime=regime,
                vat_rate=split.vat_rate,
                vat_amount=split.vat_amount,
                price_excl_vat=split.price_excl_vat,
                commission_rate=split.commission_rate,
                commission=split.commission,
                artist_net=split.artist_net,
                contribution=split.contribution,
                author_due=split.author_due,
                payment_method=rng.choice(["card", "card", "transfer", "cheque"]),
                sold_at=_moment(venue, day, rng.randint(11, 18), rng.choice([0, 15, 30, 45])),
                sold_by=staff,
                buyer_name=buyer_name,
                buyer_email=buyer_email,
                idempotency_key="%s%d" % (KEY, len(made)),
            )
            made.append((artwork, sale, consignment))
        month = months_before(month, -1)
    works = Artwork.objects.bulk_create([artwork for artwork, _sale, _c in made])
    for work, (_artwork, sale, _c) in zip(works, made, strict=True):
        sale.artwork = work
    Sale.objects.bulk_create([sale for _artwork, sale, _c in made])
    ConsignedWork.objects.bulk_create(
        ConsignedWork(
            consignment=consignment,
            artwork=work,
            period=DateRange(consignment.starts_on, (consignment.ends_on or yesterday) + dt.timedelta(days=1), "[)"),
        )
        for work, (_artwork, _sale, consignment) in zip(works, made, strict=True)
    )
    with connection.cursor() as cursor:  # consigned some weeks before they sold
        cursor.execute(
            "UPDATE gallery_artwork a SET status_changed_at = s.sold_at, created_at = s.sold_at - interval '40 days' "
            "FROM gallery_sale s WHERE s.artwork_id = a.id AND s.idempotency_key LIKE %s",
            [KEY + "%"],
        )
    return len(made)


# -- events -----------------------------------------------------------------------------------------------------


def _weekday(month: dt.date, weekday: int, nth: int) -> dt.date:
    """The `nth` (1-based) `weekday` of the month."""
    first = month + dt.timedelta(days=(weekday - month.weekday()) % 7)
    return first + dt.timedelta(weeks=nth - 1)


def _programme(month: dt.date, n: int) -> list[tuple[str, dt.date, tuple[int, int], int, str, int]]:
    """(kind, day, (hour, minute), minutes, title, capacity) of the month's events."""
    K = Event.Kind
    if month.month == 8:
        return []
    found = [
        (K.CAFE, _weekday(month, 1, week), (8, 30), 90, "Café pro : %s" % CAFE_TOPICS[(2 * n + i) % 8], 25)
        for i, week in enumerate((2, 4))
    ]
    for i in range(2 if month.month in (3, 10, 11) else 1):
        title = WORKSHOP_TITLES[(n + 3 * i) % len(WORKSHOP_TITLES)]
        found.append((K.WORKSHOP, _weekday(month, 3, 2 + i), (14, 0), 180, title, 12))
    found += [
        (K.ADVICE, _weekday(month, 2, 1), (hour, 0), 60, "Rendez-vous conseil création d'activité", 1)
        for hour in (10, 11, 14, 15)
    ]
    if month.month in OPENINGS:
        found.append((K.OPENING, _weekday(month, 4, 3), (18, 30), 150, OPENINGS[month.month], 120))
    if month.month in OTHERS:
        found.append((K.OTHER, _weekday(month, 3, 3), (18, 0), 120, OTHERS[month.month], 60))
    return [event for event in found if event[1].month == month.month]


def load_events(rng: random.Random, venue: Venue, cast: Cast, first: dt.date, today: dt.date) -> tuple[int, int]:
    """The venue's past programme (cafés, workshops, advice, openings, members' gatherings) and registrations."""
    advisor = User.objects.get(email="manager.%s@coursive.example" % venue.schema_name)
    events: list[Event] = []
    lists: list[list[tuple[int, Organisation | None, str, str]]] = []
    month, n, start_of_today = first, 0, _moment(venue, today, 0)
    while month < today:
        for kind, day, (hour, minute), minutes, title, capacity in _programme(month, n):
            starts = _moment(venue, day, hour, minute)
            if starts >= start_of_today:
                continue
            public = kind in (Event.Kind.OPENING, Event.Kind.OTHER)
            paid = kind == Event.Kind.WORKSHOP
            event = Event(
                kind=kind,
                title=title,
                description="Au programme de %s." % venue.name,
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=minutes),
                capacity=capacity,
                price_member=Decimal("0"),
                price_network=Decimal("10") if paid else Decimal("0"),
                price_public=Decimal("30") if paid else Decimal("0"),
                visibility=Visibility.PUBLIC if public else Visibility.NETWORK,
                advisor=advisor if kind == Event.Kind.ADVICE else None,
                status=Event.Status.CANCELLED if kind == Event.Kind.CAFE and rng.random() < 0.06 else "scheduled",
            )
            events.append(event)
            lists.append(_registrants(rng, cast, venue, day, kind, capacity))
        n += 1
        month = months_before(month, -1)
    made = Event.objects.bulk_create(events)
    registrations = []
    for event, registrants in zip(made, lists, strict=True):
        for person, organisation, category, status in registrants:
            status = "cancelled" if event.status == Event.Status.CANCELLED else status
            registrations.append(
                Registration(
                    event=event,
                    person_id=person,
                    organisation=organisation,
                    status=status,
                    category=category,
                    price=event.price_for(category),
                    cancelled_at=event.starts_at - dt.timedelta(days=1) if status == "cancelled" else None,
                    attended_at=event.starts_at + dt.timedelta(minutes=5) if status == "attended" else None,
                )
            )
    Registration.objects.bulk_create(registrations, batch_size=2000)
    with connection.cursor() as cursor:  # registered in the weeks before the event
        cursor.execute(
            "UPDATE events_event SET created_at = starts_at - interval '30 days', updated_at = starts_at "
            "WHERE id = ANY(%s)",
            [[event.pk for event in made]],
        )
        cursor.execute(
            "UPDATE events_registration r SET created_at = e.starts_at - (r.id %% 14 + 1) * interval '1 day' "
            "FROM events_event e WHERE e.id = r.event_id AND e.id = ANY(%s)",
            [[event.pk for event in made]],
        )
    return len(made), len(registrations)


def _registrants(
    rng: random.Random, cast: Cast, venue: Venue, day: dt.date, kind: str, capacity: int
) -> list[tuple[int, Organisation | None, str, str]]:
    """(person, organisation, category, status) of an event's registrations."""
    wanted = {"cafe": (6, 16), "workshop": (4, 12), "advice": (0, 1), "opening": (15, 35), "other": (10, 25)}[kind]
    pool: dict[int, tuple[Organisation | None, str]] = {}
    for member in cast.at(venue, day):
        pool.update({person: (member.organisation, "member") for person in member.people})
    for member in cast.at(venue, day, home=False):
        pool.update({person: (member.organisation, "network") for person in member.people[:1]})
    for person in cast.independents.get(venue.schema_name, []):
        pool[person] = (None, "public")
    people = sorted(pool)
    chosen = rng.sample(people, min(len(people), rng.randint(*wanted), capacity))
    found = []
    for person in chosen:
        organisation, category = pool[person]
        roll = rng.random()
        status = "cancelled" if roll < 0.08 else "confirmed" if roll < 0.18 else "attended"
        if kind != Event.Kind.ADVICE and category == "network" and rng.random() < 0.5:
            continue  # fewer visitors than residents
        found.append((person, organisation, category, status))
    return found


# -- survey -----------------------------------------------------------------------------------------------------


def _band(revenue: Decimal) -> str:
    for band, top in (
        (RevenueBand.UNDER_10K, 10_000),
        (RevenueBand.UNDER_50K, 50_000),
        (RevenueBand.UNDER_150K, 150_000),
        (RevenueBand.UNDER_500K, 500_000),
    ):
        if revenue < top:
            return band
    return RevenueBand.OVER_500K


def _figures(rng: random.Random, organisation: Organisation) -> dict[str, Any]:
    """An answer's figures: one studio makes most of its sector's revenue; its sector's others stay small."""
    if organisation.slug == "pixel-comtois":
        revenue, fte = Decimal("850000"), Decimal("12.5")
    elif organisation.sector == Sector.VIDEO_GAMES:
        revenue, fte = Decimal(rng.randrange(12_000, 45_000, 500)), Decimal("1.5")
    elif organisation.kind == Organisation.Kind.INDIVIDUAL:
        revenue, fte = Decimal(rng.randrange(14_000, 42_000, 500)), Decimal("1")
    elif organisation.legal_form == LegalForm.ASSOCIATION:
        revenue, fte = Decimal(rng.randrange(20_000, 140_000, 1000)), Decimal(rng.randrange(5, 45, 5)) / 10
    else:
        revenue, fte = Decimal(rng.randrange(80_000, 420_000, 1000)), Decimal(rng.randrange(20, 110, 5)) / 10
    markets = [Market.LOCAL] + [
        market for market, p in ((Market.REGIONAL, 0.6), (Market.NATIONAL, 0.35), (Market.INTERNATIONAL, 0.12))
        if rng.random() < p
    ]  # fmt: skip
    given_as_band = rng.random() < 0.25 and organisation.slug != "pixel-comtois"
    return {
        "employees_fte": fte,
        "revenue": None if given_as_band else revenue,
        "revenue_band": _band(revenue) if given_as_band else "",
        "main_sector": organisation.sector,
        "markets": sorted(str(m) for m in markets),
        "training_days": Decimal(rng.randrange(0, 17)) / 2,
    }


NO_CONSENT = {"reclame-et-cie", "doubs-digital"}
ALWAYS_ANSWER = {"pixel-comtois", "horloge-games", "comte-quest", "ludique-ducal", "musee-nomade", "horlogerie-d-art"}


def load_survey(rng: random.Random, cast: Cast, today: dt.date) -> int:
    """Last year's campaign, closed, with most members' answers (some edited); this year's, open, with a few."""
    tz = timezone.get_default_timezone()
    year = today.year - 1
    opens = min(dt.date(today.year, 1, 6), today - dt.timedelta(days=40))
    closes = max(opens, min(dt.date(today.year, 3, 31), today - dt.timedelta(days=2)))
    answers: list[SurveyAnswer] = []
    if not SurveyCampaign.objects.filter(year=year).exists():
        closed_at = dt.datetime.combine(closes + dt.timedelta(days=1), dt.time(9), tzinfo=tz)
        campaign = SurveyCampaign.objects.create(year=year, opens_on=opens, closes_on=closes, closed_at=closed_at)
        span = max(1, (closes - opens).days)
        edits = 0
        for member in cast.members:
            active = member.starts <= dt.date(year, 12, 31) and (member.ends is None or member.ends > opens)
            slug = member.organisation.slug
            if not active or not member.people or (slug not in ALWAYS_ANSWER and rng.random() < 0.15):
                continue
            at = dt.datetime.combine(opens + dt.timedelta(days=rng.randrange(span)), dt.time(rng.randint(9, 18)), tz)
            figures = _figures(rng, member.organisation)
            common = {"campaign": campaign, "organisation": member.organisation, "answered_by_id": member.people[0]}
            answers.append(SurveyAnswer(version=1, consent=slug not in NO_CONSENT, answered_at=at, **common, **figures))
            if edits < 5 and rng.random() < 0.3 and slug != "pixel-comtois":  # corrected a few days later
                edits += 1
                revised = dict(figures, training_days=figures["training_days"] + 1)
                if revised["revenue"] is not None:
                    revised["revenue"] = (revised["revenue"] * Decimal("1.08")).quantize(Decimal("1"))
                later = min(at + dt.timedelta(days=rng.randint(1, 12)), closed_at)
                answers.append(
                    SurveyAnswer(version=2, consent=slug not in NO_CONSENT, answered_at=later, **common, **revised)
                )
    if not SurveyCampaign.objects.filter(year=today.year).exists():
        current = SurveyCampaign.objects.create(
            year=today.year, opens_on=today - dt.timedelta(days=14), closes_on=dt.date(today.year + 1, 3, 31)
        )
        for member in [m for m in cast.members if m.ends is None and m.people][::5]:
            at = dt.datetime.combine(today - dt.timedelta(days=rng.randint(1, 13)), dt.time(rng.randint(9, 18)), tz)
            answers.append(
                SurveyAnswer(
                    campaign=current,
                    organisation=member.organisation,
                    version=1,
                    consent=True,
                    answered_by_id=member.people[0],
                    answered_at=at,
                    **_figures(rng, member.organisation),
                )
            )
    SurveyAnswer.objects.bulk_create(answers)
    return len(answers)


# -- the whole history ------------------------------------------------------------------------------------------------


def _has_history(venue: Venue) -> bool:
    with schema_context(venue.schema_name):
        return Booking.objects.filter(idempotency_key__startswith=KEY).exists()


def load_history(venues: dict[str, Venue], today: dt.date | None = None) -> dict[str, int]:
    """Load the venues' past (what is missing of it) and rebuild the rollups; returns how many rows of the
    history exist afterwards."""
    today = today or timezone.localdate()
    first = history_start(today)
    with transaction.atomic():
        cast = load_organisations(venues, today)
        load_survey(random.Random(SEED), cast, today)  # noqa: S311  (a demo, not a secret)
    loaded = []
    for index, venue in enumerate(venues.values()):
        if _has_history(venue):
            continue
        rng = random.Random(SEED + 1 + index)  # noqa: S311  (a demo, not a secret)
        with transaction.atomic(), schema_context(venue.schema_name):
            load_bookings(rng, venue, cast, first, today)
            load_sales(rng, venue, cast, first, today)
            load_events(rng, venue, cast, first, today)
        loaded.append(venue)
    for venue in loaded:  # from the first activity to the bookable hours' horizon, as `rebuild_rollups` would
        start, horizon = rollups.activity_range(venue)
        rollups.rebuild(venue, min(start, first), horizon)
    rollups.rebuild_spells()
    return history_counts(venues, today)


def history_counts(venues: dict[str, Venue], today: dt.date) -> dict[str, int]:
    start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    counts = {"past bookings": 0, "past sales": 0, "past events": 0, "past registrations": 0}
    for venue in venues.values():
        with schema_context(venue.schema_name):
            counts["past bookings"] += Booking.objects.filter(idempotency_key__startswith=KEY).count()
            counts["past sales"] += Sale.objects.filter(idempotency_key__startswith=KEY).count()
            counts["past events"] += Event.objects.filter(starts_at__lt=start).count()
            counts["past registrations"] += Registration.objects.filter(event__starts_at__lt=start).count()
    counts["survey answers"] = SurveyAnswer.objects.count()
    counts["membership spells"] = MemberSpell.objects.count()
    counts["daily figures"] = DailyFigure.objects.count()
    counts["monthly figures"] = MonthlyFigure.objects.count()
    return counts
