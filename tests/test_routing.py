"""Host → venue routing: each host sees its own venue's rows, unknown hosts get 404, the lookup cache
follows changes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from federation.models import User
from hub.db import connection
from tenants.coworking.models import Resource
from tenants.models import Venue

from .conftest import client_for
from .factories import ResourceFactory


def test_the_same_table_in_two_venues_holds_different_rows_and_each_host_sees_its_own(
    venue_a: Venue, venue_b: Venue, member: User
) -> None:
    with schema_context(venue_a.schema_name):
        ResourceFactory.create(name="Studio son")
        ResourceFactory.create(name="Salle Tilleul")
    with schema_context(venue_b.schema_name):
        ResourceFactory.create(name="Espace coworking")

    with schema_context(venue_a.schema_name):
        assert sorted(Resource.objects.values_list("name", flat=True)) == ["Salle Tilleul", "Studio son"]
    with schema_context(venue_b.schema_name):
        assert list(Resource.objects.values_list("name", flat=True)) == ["Espace coworking"]

    on_a = client_for("gresilles.localhost", member).get("/api/v1/resources/")
    on_b = client_for("battants.localhost", member).get("/api/v1/resources/")
    assert on_a.status_code == on_b.status_code == 200
    assert [row["name"] for row in on_a.json()["results"]] == ["Salle Tilleul", "Studio son"]
    assert [row["name"] for row in on_b.json()["results"]] == ["Espace coworking"]


def test_another_venues_id_is_not_found_on_this_host(venue_a: Venue, venue_b: Venue, member: User) -> None:
    with schema_context(venue_b.schema_name):
        *_others, theirs = ResourceFactory.create_batch(5)  # B's last id is one A does not have
    with schema_context(venue_a.schema_name):
        ResourceFactory.create_batch(2)

    on_a = client_for("gresilles.localhost", member).get(f"/api/v1/resources/{theirs.pk}/")
    assert on_a.status_code == 404
    assert theirs.name.encode() not in on_a.content
    on_b = client_for("battants.localhost", member).get(f"/api/v1/resources/{theirs.pk}/")
    assert on_b.json()["name"] == theirs.name


def test_each_host_names_its_venue(venue_a: Venue, venue_b: Venue, member: User) -> None:
    assert client_for("gresilles.localhost", member).get("/api/v1/venue/").json()["slug"] == "gresilles"
    assert client_for("battants.localhost:8000", member).get("/api/v1/venue/").json()["city"] == "Besançon"


def test_unknown_host_gets_a_json_404_and_never_a_venue(db: None) -> None:
    for host in ["unknown.localhost", "gresilles.localhost.evil.localhost", "battants"]:
        response = Client(HTTP_HOST=host).get("/health/")
        assert response.status_code == 404, host
        assert response.json()["code"] == "unknown_host"
        assert response["Content-Type"] == "application/json"
    assert connection.schema_name == "public"


def test_federation_host_serves_the_public_schema(db: None) -> None:
    response = Client(HTTP_HOST="localhost").get("/api/v1/resources/")
    assert response.status_code == 404  # no venue API on the federation host
    assert response.json()["code"] == "not_found"


def test_host_lookup_is_cached_and_forgotten_when_a_domain_changes(venue_a: Venue) -> None:
    client = Client(HTTP_HOST="gresilles.localhost")
    assert client.get("/api/v1/venue/").status_code == 401  # routed, to a view that needs a person

    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/venue/")
    assert not [q for q in queries.captured_queries if "tenants_domain" in q["sql"]]

    domain = venue_a.domains.get()
    domain.domain = "gresilles-renamed.localhost"
    domain.save()
    assert client.get("/api/v1/venue/").status_code == 404
    assert Client(HTTP_HOST="gresilles-renamed.localhost").get("/api/v1/venue/").status_code == 401


def test_each_hosts_root_says_where_to_go(venue_a: Venue, venue_b: Venue) -> None:
    federation = Client(HTTP_HOST="localhost:8000").get("/").json()
    venue = Client(HTTP_HOST="battants.localhost:8000").get("/").json()

    assert [(v["slug"], v["url"]) for v in federation["venues"]] == [
        ("battants", "http://battants.localhost:8000/"),
        ("gresilles", "http://gresilles.localhost:8000/"),
    ]
    assert venue["venue"] == {"slug": "battants", "name": "52 Battants", "city": "Besançon"}
    assert venue["links"]["api_docs"] == "http://battants.localhost:8000/api/v1/docs/"


def test_a_venue_without_a_primary_domain_is_listed_without_a_url(venue_a: Venue) -> None:
    venue_a.domains.update(is_primary=False)
    venues = Client(HTTP_HOST="localhost").get("/").json()["venues"]
    assert {v["slug"]: v["url"] for v in venues}["gresilles"] is None


@pytest.mark.parametrize("host", ["localhost", "gresilles.localhost"])
def test_the_api_docs_and_schema_render_on_every_host(db: None, host: str) -> None:
    docs = Client(HTTP_HOST=host).get("/api/v1/docs/")
    schema = Client(HTTP_HOST=host).get("/api/v1/schema/?format=json")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert ("/api/v1/organisations/" in paths) is (host == "localhost")
    assert ("/api/v1/resources/" in paths) is (host != "localhost")
