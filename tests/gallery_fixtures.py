"""A small gallery at venue A (gresilles) for the gallery tests: an artist, three works under consignment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from federation.models import User
from tenants.gallery import services
from tenants.gallery.models import Artist, Artwork, Consignment

from .federation_fixtures import Cast


@dataclass
class Gallery:
    cast: Cast
    artist: Artist
    works: list[Artwork]  # available, under `consignment`
    consignment: Consignment

    @property
    def staff(self) -> User:
        return self.cast.people["staff_a"]

    @property
    def manager(self) -> User:
        return self.cast.people["manager_a"]


def make_gallery(
    cast: Cast, *, commission: str = "40", prices: tuple[str, ...] = ("1000.00", "250.00", "90.00")
) -> Gallery:
    today = timezone.now().astimezone(cast.venue_a.tzinfo).date()
    with schema_context(cast.venue_a.schema_name):
        artist = services.create_artist(name="Julie Marchand", email="julie@atelier.example")
        works = [
            services.create_artwork(
                actor=None, fields={"artist": artist, "title": "Œuvre %d" % i, "price": Decimal(price), "year": 2025}
            )
            for i, price in enumerate(prices, start=1)
        ]
        consignment = services.consign(
            artist=artist,
            commission_rate=Decimal(commission),
            starts_on=today - dt.timedelta(days=60),
            ends_on=None,
            artworks=works,
        )
        for work in works:
            services.set_status(artwork=work, status=Artwork.Status.AVAILABLE, actor=cast.people["staff_a"])
        works = [Artwork.objects.get(pk=w.pk) for w in works]
    return Gallery(cast, artist, works, consignment)


@pytest.fixture
def gallery(cast: Cast) -> Gallery:
    return make_gallery(cast)
