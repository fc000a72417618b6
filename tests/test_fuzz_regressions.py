"""What the fuzz tests (test_fuzz.py, test_fuzz_graphql.py) found, kept as plain tests: each failure, fixed
at its cause, stays fixed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import schema_context

from tenants.coworking.models import Plan
from tenants.coworking.plans import subscribe

from .federation_fixtures import Cast
from .gallery_fixtures import Gallery

A, F = "gresilles.localhost", "localhost"


def _document(cast: Cast, host: str) -> dict[str, Any]:
    response = cast.client("anonymous", host).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_operation_documents_the_errors_it_can_answer(cast: Cast) -> None:
    """Found: every 401, 403, 404, 422… was an undocumented status code (only 200/201 were described)."""
    document = _document(cast, A)
    artists = document["paths"]["/api/v1/artists/"]
    assert {"400", "401", "403", "404", "422", "429"} <= set(artists["get"]["responses"])
    assert {"409", "413", "415"} <= set(artists["post"]["responses"])
    assert "409" not in artists["get"]["responses"]
    error = _resolve(document, artists["get"]["responses"]["401"]["content"]["application/json"]["schema"])
    assert error["required"] == ["detail"] and "errors" in error["properties"]

    refused = cast.client("anonymous", A).get("/api/v1/artists/")
    assert refused.status_code == 401 and set(refused.json()) == {"detail", "code"}


def test_blank_urls_emails_and_statuses_are_documented_as_possibly_empty(gallery: Gallery) -> None:
    """Found: a work without an image, an artist without a website and the first status change of a work
    answer "" where the document promised a URI or one of the statuses (DRF drops `allow_blank` from
    read-only model fields)."""
    cast = gallery.cast
    document = _document(cast, A)
    schemas = document["components"]["schemas"]
    for component, field in [
        ("Artist", "website"),
        ("Artwork", "image_url"),
        ("Exhibition", "image_url"),
        ("Resource", "photo_url"),
        ("History", "from_status"),
    ]:
        options = schemas[component]["properties"][field]["oneOf"]
        assert {"type": "string", "maxLength": 0} in options, (component, field)

    staff = cast.client("staff_a", A)
    assert staff.get("/api/v1/artists/").json()["results"][0]["website"] == ""
    work = gallery.works[0].pk
    assert staff.get("/api/v1/artworks/%d/" % work).json()["image_url"] == ""
    assert staff.get("/api/v1/artworks/%d/history/" % work).json()[0]["from_status"] == ""


def test_public_reads_declare_anonymous_access_and_staff_reads_do_not(cast: Cast) -> None:
    """Found: the works on sale, exhibitions, events, programmes (venue host), the catalogue and the offers
    (federation host) answer anonymous callers, as `federation.permissions` says, but the document required
    a token for them."""
    venue, federation = _document(cast, A), _document(cast, F)
    for path in ["/api/v1/artworks/", "/api/v1/artworks/{id}/", "/api/v1/events/", "/api/v1/exhibitions/"]:
        assert {} in venue["paths"][path]["get"]["security"], path
    for path in ["/api/v1/catalogue/", "/api/v1/offers/"]:
        assert {} in federation["paths"][path]["get"]["security"], path
    # Writes on the same paths, and staff reads, still demand a token.
    assert {} not in venue["paths"]["/api/v1/artworks/"]["post"]["security"]
    assert {} not in venue["paths"]["/api/v1/artists/"]["get"]["security"]

    anonymous = cast.client("anonymous", A)
    assert anonymous.get("/api/v1/artworks/").status_code == 200
    assert anonymous.post("/api/v1/artworks/", {}, format="json").status_code == 401


def test_the_subscriptions_list_is_documented_as_the_list_it_is(cast: Cast) -> None:
    """Found: `GET subscriptions/` was documented as an object; it answers a list of subscriptions, each with
    this month's consumption."""
    with schema_context("gresilles"):
        plan = Plan.objects.create(name="Carte", kind="ten_day_card", price_excl_vat=Decimal("90"), day_credits=10)
        subscribe(organisation=cast.organisation, plan=plan, starts_on=dt.date.today())
    document = _document(cast, A)
    ok = document["paths"]["/api/v1/subscriptions/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["type"] == "array"
    row = _resolve(document, ok["schema"]["items"])
    assert {"this_month", "plan", "organisation"} <= set(row["properties"])

    listed = cast.client("member", A).get("/api/v1/subscriptions/").json()
    assert isinstance(listed, list) and set(listed[0]["this_month"]) == {
        "bookings",
        "hours",
        "hours_included",
        "days_left",
    }


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("limit=abc", {"limit"}),
        ("limit=0", {"limit"}),
        ("limit=1.5&offset=-1", {"limit", "offset"}),
        ("offset=true", {"offset"}),
        ("limit=2&limit=x", {"limit"}),
    ],
)
def test_a_page_that_is_not_a_whole_number_is_refused_with_field_messages(
    cast: Cast, query: str, fields: set[str]
) -> None:
    """Found: `?limit=` and `?offset=` that are not whole numbers were ignored (a 200 with the default page),
    where bad input must get a 4xx naming the parameter."""
    for client, path in [
        (cast.client("staff_a", A), "/api/v1/members/"),
        (cast.client("anonymous", F), "/api/v1/organisations/"),
    ]:
        response = client.get(path + "?" + query, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 422, (path, query)
        body = response.json()
        assert body["code"] == "invalid" and set(body["errors"]) == fields
        assert body["detail"] == "La page demandée n’est pas valide."
    assert cast.client("staff_a", A).get("/api/v1/members/?limit=5&offset=0").status_code == 200


@pytest.mark.parametrize("name", ["limit", "offset"])
def test_a_page_number_of_thousands_of_digits_is_capped_not_a_500(cast: Cast, name: str) -> None:
    """Found in review of the check above: `int()` refuses 4 301 digits or more (ValueError, a 500); so
    big a number is a whole number, capped as any large one."""
    response = cast.client("staff_a", A).get("/api/v1/members/?%s=%s" % (name, "9" * 5000))
    assert response.status_code == 200, response.content[:200]


@pytest.mark.parametrize(
    ("host", "path", "field"),
    [
        (A, "/api/v1/events/?to=", "to"),
        (A, "/api/v1/events/?from=&kind=cafe", "from"),
        (A, "/api/v1/availability/?date=", "date"),
        (F, "/api/v1/catalogue/?first=", "first"),
        (F, "/api/v1/catalogue/?city=", "city"),
    ],
)
def test_an_empty_query_filter_is_refused_not_ignored(cast: Cast, host: str, path: str, field: str) -> None:
    """Found: `GET events/?to=` answered 200 as if no `to` had been given (DRF reads an empty form value as
    "not given"), where the document asks for a date: an empty filter is a 422 naming it."""
    response = cast.client("member", host).get(path)
    assert response.status_code == 422, path
    assert set(response.json()["errors"]) == {field}


def test_an_empty_search_text_is_still_allowed(cast: Cast) -> None:
    """`q` is the one filter declared blank-able: `?q=` stays the whole catalogue."""
    assert cast.client("anonymous", F).get("/api/v1/catalogue/?q=").status_code == 200


def test_an_organisation_is_documented_as_a_record_or_a_directory_entry(cast: Cast) -> None:
    """Found once the fuzzer named seeded objects: `GET organisations/{slug}/` answers the directory entry to
    anyone but its owners and admins, where the document promised the full record (`activated_at`, `siret`…)."""
    document = _document(cast, F)
    ok = document["paths"]["/api/v1/organisations/{slug}/"]["get"]["responses"]["200"]["content"]
    assert ok["application/json"]["schema"]["anyOf"] == [
        {"$ref": "#/components/schemas/Organisation"},
        {"$ref": "#/components/schemas/DirectoryEntry"},
    ]
    path = "/api/v1/organisations/%s/" % cast.organisation.slug
    entry = cast.client("anonymous", F).get(path).json()
    record = cast.client("member", F).get(path).json()  # the member owns it
    directory = _resolve(document, {"$ref": "#/components/schemas/DirectoryEntry"})
    full = _resolve(document, {"$ref": "#/components/schemas/Organisation"})
    assert set(entry) == set(directory["properties"]) and "siret" not in entry
    assert set(full["required"]) <= set(record)


@pytest.mark.parametrize(
    ("host", "method", "path", "body", "field"),
    [
        (
            F,
            "post",
            "/api/v1/organisations/",
            {"name": "Nul", "sector": "music", "home_venue": "gres\x00"},
            "home_venue",
        ),
        (F, "get", "/api/v1/offers/?organisation=%00", None, "organisation"),
        (A, "get", "/api/v1/availability/?date=2027-01-04&kind=%00", None, "kind"),
        (A, "get", "/api/v1/availability/?date=2027-01-04&kind=castle", None, "kind"),
    ],
)
def test_a_nul_character_in_a_lookup_is_a_422_not_a_500(
    cast: Cast, host: str, method: str, path: str, body: Any, field: str
) -> None:
    """Found by `make fuzz` (seed 2816048739): a NUL character in `home_venue` reached PostgreSQL, which cannot
    compare such text (a 500); probing the same way found `?organisation=` (offers) and `?kind=`
    (availability) passed to queries unchecked. Each is now checked first: a 422 naming the field."""
    client = cast.client("member", host)
    client.raise_request_exception = False
    response = getattr(client, method)(path, body, format="json") if body else client.get(path)
    assert response.status_code == 422, response.content
    assert set(response.json()["errors"]) == {field}
