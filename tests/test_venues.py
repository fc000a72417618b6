"""Provisioning venues: schema and domain, idempotency, bad input that writes nothing."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists

from hub.errors import HubError
from tenants.models import Domain, Venue
from tenants.services import create_venue


def _tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_creating_a_venue_creates_its_migrated_schema_and_domain(db: None) -> None:
    result = create_venue(
        slug="culture_coop",
        name="Culture & Coopération",
        city="Saint-Étienne",
        domain="coop.localhost",
        address="1 place, Saint-Étienne",
    )

    assert result.created
    venue = Venue.objects.get(schema_name="culture_coop")
    assert (venue.name, venue.city, venue.timezone) == ("Culture & Coopération", "Saint-Étienne", "Europe/Paris")
    assert schema_exists("culture_coop")
    assert "coworking_resource" in _tables_in("culture_coop")
    assert "coworking_resource" not in _tables_in("public")
    assert list(venue.domains.values_list("domain", "is_primary")) == [("coop.localhost", True)]


def test_create_venue_is_idempotent_and_updates_what_changed(db: None) -> None:
    create_venue(slug="culture_coop", name="Culture & Coop", city="Saint-Étienne", domain="coop.localhost")
    again = create_venue(slug="culture_coop", name="Culture & Coop", city="Saint-Étienne", domain="coop.localhost")
    assert not again.created and again.changed == []

    renamed = create_venue(
        slug="culture_coop", name="Culture & Coopération", city="Saint-Étienne", domain="coop.localhost"
    )
    assert renamed.changed == ["name"]
    assert Venue.objects.filter(schema_name="culture_coop").count() == 1
    assert Domain.objects.filter(domain="coop.localhost").count() == 1
    assert Venue.objects.get(schema_name="culture_coop").name == "Culture & Coopération"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "public"}, "slug"),
        ({"slug": "information_schema"}, "slug"),
        ({"slug": "pg_venue"}, "slug"),
        ({"slug": "with\nnewline"}, "slug"),
        ({"slug": "Majuscules"}, "slug"),
        ({"slug": "with-dash"}, "slug"),
        ({"slug": "9lives"}, "slug"),
        ({"slug": "x"}, "slug"),
        ({"slug": 'a"; DROP SCHEMA public; --'}, "slug"),
        ({"domain": "localhost"}, "domain"),
        ({"domain": "not a host"}, "domain"),
        ({"domain": "UPPER.localhost"}, "domain"),
        ({"domain": "coop.localhost:8000"}, "domain"),
        ({"domain": "gresilles.localhost"}, "domain"),  # taken by another venue
        ({"timezone": "Europe/Dijon"}, "timezone"),
        ({"name": "  "}, "name"),
        ({"city": ""}, "city"),
        ({"name": "N" * 201}, "name"),
        ({"city": "C" * 101}, "city"),
        ({"address": "A" * 301}, "address"),
        ({"domain": "d" * 250 + ".localhost"}, "domain"),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_writes_nothing(
    db: None, venue_a: Venue, overrides: dict[str, str], field: str
) -> None:
    arguments = {
        "slug": "culture_coop",
        "name": "Coop",
        "city": "Saint-Étienne",
        "domain": "coop.localhost",
        "timezone": "Europe/Paris",
    } | overrides
    venues, domains = Venue.objects.count(), Domain.objects.count()

    with pytest.raises(HubError) as caught:  # InvalidInput, or Conflict for a domain taken
        create_venue(**arguments)

    assert field in caught.value.fields
    assert (Venue.objects.count(), Domain.objects.count()) == (venues, domains)
    assert not schema_exists(arguments["slug"]) or arguments["slug"] in ("public", "information_schema")


def test_create_venue_command_reports_and_is_idempotent(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--slug", "culture_coop", "--name", "Coop", "--city", "Saint-Étienne", "--domain", "coop.localhost"]
    call_command("create_venue", *args)
    call_command("create_venue", *args)

    out = capsys.readouterr().out
    assert "Created venue culture_coop" in out
    assert "nothing to change" in out
    assert Venue.objects.filter(schema_name="culture_coop").count() == 1


def test_create_venue_command_rejects_bad_input_clearly(db: None) -> None:
    venues = Venue.objects.count()
    with pytest.raises(CommandError, match="timezone: “Mars/Olympus” is not a known time zone"):
        call_command(
            "create_venue",
            "--slug",
            "mars",
            "--name",
            "Mars",
            "--city",
            "Olympus",
            "--domain",
            "mars.localhost",
            "--timezone",
            "Mars/Olympus",
        )
    with pytest.raises(CommandError, match=r"domain: “battants\.localhost” already serves another venue"):
        call_command(
            "create_venue", "--slug", "mars", "--name", "Mars", "--city", "Olympus", "--domain", "battants.localhost"
        )
    assert Venue.objects.count() == venues
    assert not schema_exists("mars")
