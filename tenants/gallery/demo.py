"""Demo gallery of each demo venue: member artists, a dozen consigned works, an exhibition, a few sales and
a hold (idempotent: keyed by artist name and work title)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from federation.models import Membership, Organisation, User
from tenants.models import Venue

from . import sales, services
from .models import Artist, Artwork, Exhibition, Sale

# venue → [(artist's e-mail in the hub, commission %, [(title, year, medium, (h, w), price, edition size)])]
Work = tuple[str, int, str, tuple[int, int], str, int | None]
DEMO_WORKS: dict[str, list[tuple[str, str, list[Work]]]] = {
    "gresilles": [
        (
            "julie@atelierforme.example",
            "35",
            [
                ("Tabouret Grésilles", 2025, "chêne de Bourgogne", (45, 35), "420.00", None),
                ("Lampe Combe", 2026, "frêne et laiton", (52, 20), "280.00", None),
                ("Console Ouche", 2024, "noyer massif", (80, 120), "1250.00", None),
            ],
        ),
        (
            "ana@tiroir.example",
            "30",
            [
                ("Marionnette du Tiroir I", 2025, "bois, tissu, fil de fer", (60, 25), "650.00", None),
                ("Théâtre de papier", 2026, "papier découpé, carton", (30, 40), "180.00", None),
                ("Boîte à souvenirs", 2024, "boîte assemblée", (15, 20), "90.00", None),
            ],
        ),
    ],
    "battants": [
        (
            "camille@martin-illustration.example",
            "40",
            [
                ("La Boucle au matin", 2025, "aquarelle sur papier", (30, 40), "350.00", None),
                ("Citadelle", 2026, "encre de Chine", (50, 65), "520.00", None),
                ("Quai Vauban", 2024, "gouache", (40, 50), "780.00", None),
            ],
        ),
        (
            "marc@encrevive.example",
            "35",
            [("Rue Battant", 2026, "sérigraphie trois couleurs", (50, 70), "120.00", 30)],
        ),
    ],
}
EDITIONS_CONSIGNED = 4  # of the screen print, numbers 1 to 4

EXHIBITIONS = {
    "gresilles": ("Objets du quotidien", "Design et théâtre d'objets des membres de la plateforme."),
    "battants": ("Lignes de la Boucle", "Illustrations et sérigraphies de Besançon par ses artistes membres."),
}


def _artist(email: str) -> Artist:
    person = User.objects.get(email=email)
    found = Artist.objects.filter(person=person).first()
    if found is not None:
        return found
    membership = Membership.objects.filter(user=person).select_related("organisation").first()
    return services.create_artist(
        name=person.full_name,
        email=person.email,
        person=person,
        organisation=membership.organisation if membership else None,
        bio="Artiste membre de %s." % membership.organisation.name if membership else "",
    )


def load_gallery(venue: Venue) -> int:
    """Create the venue's demo gallery where missing; returns how many artworks it has."""
    with tenant_context(venue):
        staff = User.objects.get(email="staff.%s@coursive.example" % venue.schema_name)
        today = timezone.now().astimezone(venue.tzinfo).date()
        shown: list[Artwork] = []
        for email, commission, works in DEMO_WORKS.get(venue.schema_name, []):
            with transaction.atomic():
                artist = _artist(email)
                new = []
                for title, year, medium, (height, width), price, size in works:
                    work = Artwork.objects.filter(artist=artist, title=title, edition_of=None).first()
                    if work is None:
                        fields = {
                            "artist": artist,
                            "title": title,
                            "year": year,
                            "medium": medium,
                            "height_cm": Decimal(height),
                            "width_cm": Decimal(width),
                            "price": Decimal(price),
                            "edition_size": size,
                        }
                        work = services.create_artwork(actor=staff, fields=fields)
                        if size:
                            new += [
                                services.create_artwork(
                                    actor=staff, fields={"edition_of": work, "edition_number": number}
                                )
                                for number in range(1, EDITIONS_CONSIGNED + 1)
                            ]
                        else:
                            new.append(work)
                    shown += list(work.editions.all()) if size else [work]
                if new:
                    services.consign(
                        artist=artist,
                        commission_rate=Decimal(commission),
                        starts_on=today - dt.timedelta(days=90),
                        ends_on=None,
                        artworks=new,
                    )
                    for work in new:
                        services.set_status(artwork=work, status=Artwork.Status.AVAILABLE, actor=staff)
        title, text = EXHIBITIONS.get(venue.schema_name, ("", ""))
        if title and not Exhibition.objects.filter(title=title).exists():
            services.save_exhibition(
                exhibition=Exhibition(
                    title=title,
                    text=text,
                    starts_on=today - dt.timedelta(days=14),
                    ends_on=today + dt.timedelta(days=30),
                ),
                artworks=shown,
            )
        if shown and not Sale.objects.exists():
            _sell_and_hold(venue, staff, shown)
        return Artwork.objects.count()


def _sell_and_hold(venue: Venue, staff: User, works: list[Artwork]) -> None:
    sales.sell(
        artwork_id=works[-1].pk,
        buyer=sales.BuyerInput(name="Martine Roussel", email="martine.roussel@example.org"),
        vat_regime="reduced",
        payment_method="card",
        actor=staff,
    )
    if venue.schema_name == "battants":
        hugo = User.objects.get(email="hugo@pixelcomtois.example")
        sales.sell(
            artwork_id=works[1].pk,
            buyer=sales.BuyerInput(person=hugo),
            vat_regime="reduced",
            payment_method="transfer",
            actor=staff,
        )
        sales.sell(
            artwork_id=works[3].pk,
            buyer=sales.BuyerInput(organisation=Organisation.objects.get(slug="pixel-comtois")),
            vat_regime="margin",
            payment_method="card",
            actor=staff,
        )
    sales.place_hold(
        artwork_id=works[0].pk,
        buyer=sales.BuyerInput(name="Jérôme Vidal", email="jerome.vidal@example.org"),
        expires_at=timezone.now() + dt.timedelta(days=5),
        actor=staff,
        note="Passe le voir samedi.",
    )
