"""GraphQL beyond bookings: registrations at another venue, members' services, the directory, availability."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core import mail
from django_tenants.utils import schema_context

from hub.db import connection
from marketplace.models import ServiceOffer, ServiceRequest
from tenants.events.models import Event, Registration, Visibility

from .events_fixtures import make_event, soon
from .federation_fixtures import Cast
from .graphql_fixtures import ME, Network, gql, local, post

REGISTER = """
mutation($event: ID!) {
  registerForEvent(event: $event) {
    registration { id event eventTitle status category price venue { slug } }
    errors { code field message }
  }
}"""
UNREGISTER = """
mutation($r: ID!) { cancelRegistration(registration: $r) { registration { status } errors { code field } } }"""


def battants_events(cast: Cast) -> dict[str, Event]:
    with schema_context("battants"):
        staff = cast.people["staff_b"]
        events = {
            "network": make_event(staff, price_network=Decimal("5"), price_public=Decimal("12"), capacity=1),
            "venue": make_event(
                staff, title="Entre résidents", visibility=Visibility.VENUE, starts_at=soon(4), ends_at=soon(4, 11)
            ),
        }
    connection.set_schema_to_public()
    return events


def test_a_member_registers_for_another_venues_event_at_the_network_price(cast: Cast) -> None:
    events = battants_events(cast)
    ref = "battants/event/%d" % events["network"].pk
    made = gql(cast, "member", REGISTER, {"event": ref})["registerForEvent"]
    assert made["errors"] == []
    registration = made["registration"]
    assert (registration["status"], registration["category"], registration["price"]) == ("CONFIRMED", "network", "5.00")
    assert registration["venue"]["slug"] == "battants" and registration["event"] == ref

    again = gql(cast, "member", REGISTER, {"event": ref})["registerForEvent"]
    assert again["registration"] is None and again["errors"][0]["code"] == "CONFLICT"

    mine = gql(cast, "member", ME)["me"]["registrations"]["edges"]
    assert [edge["node"]["id"] for edge in mine] == [registration["id"]]

    cancelled = gql(cast, "member", UNREGISTER, {"r": registration["id"]})["cancelRegistration"]
    assert cancelled == {"registration": {"status": "CANCELLED"}, "errors": []}
    other = gql(cast, "staff_b", UNREGISTER, {"r": registration["id"]})["cancelRegistration"]
    assert other["errors"][0]["code"] == "NOT_FOUND"


def test_a_venue_only_event_does_not_exist_for_other_venues_members(cast: Cast) -> None:
    events = battants_events(cast)
    for ref in ["battants/event/%d" % events["venue"].pk, "battants/event/999999", "gresilles/event/1", "x"]:
        answer = gql(cast, "member", REGISTER, {"event": ref})["registerForEvent"]
        assert answer["registration"] is None and answer["errors"][0]["code"] == "NOT_FOUND", ref
    with schema_context("battants"):
        assert not Registration.objects.exists()


OFFER = """
mutation($org: String!, $input: ServiceOfferInput!) {
  createServiceOffer(organisation: $org, input: $input) {
    offer { id title sector priceFrom venues { slug } organisation { slug } isPublished }
    errors { code field message }
  }
}"""
UPDATE = """
mutation($id: ID!, $input: ServiceOfferInput!) {
  updateServiceOffer(id: $id, input: $input) { offer { title priceFrom venues { slug } } errors { code field } }
}"""
REQUEST = """
mutation($offer: ID!, $message: String!) {
  requestService(offer: $offer, message: $message) { request { id message offer { title } } errors { code field } }
}"""


def test_owners_offer_services_and_any_member_requests_them(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    values: dict[str, Any] = {
        "title": "Mixage et mastering",
        "sector": "MUSIC",
        "priceFrom": "350",
        "venues": ["gresilles", "battants"],
    }
    made = gql(cast, "member", OFFER, {"org": cast.organisation.slug, "input": values})["createServiceOffer"]
    assert made["errors"] == []
    offer = made["offer"]
    assert (offer["sector"], offer["priceFrom"], [v["slug"] for v in offer["venues"]]) == (
        "music",
        "350.00",
        ["battants", "gresilles"],
    )
    changed = gql(cast, "member", UPDATE, {"id": offer["id"], "input": {"title": "Mastering", "venues": ["battants"]}})
    assert changed["updateServiceOffer"] == {
        "offer": {"title": "Mastering", "priceFrom": "350.00", "venues": [{"slug": "battants"}]},
        "errors": [],
    }
    not_theirs = gql(cast, "staff_b", UPDATE, {"id": offer["id"], "input": {"title": "Pris"}})["updateServiceOffer"]
    assert not_theirs["errors"][0]["code"] == "NOT_FOUND"

    with django_capture_on_commit_callbacks(execute=True):
        sent = gql(cast, "staff_b", REQUEST, {"offer": offer["id"], "message": "Un EP de 5 titres ?"})
    sent = sent["requestService"]
    assert sent["errors"] == [] and sent["request"]["offer"]["title"] == "Mastering"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cast.people["member"].email]
    own = gql(cast, "member", REQUEST, {"offer": offer["id"], "message": "moi"})["requestService"]
    assert own["errors"][0]["code"] == "CONFLICT"
    assert ServiceOffer.objects.get().title == "Mastering" and ServiceRequest.objects.count() == 1


def test_bad_offers_are_refused_field_by_field(cast: Cast) -> None:
    base: dict[str, Any] = {"title": "Affiches", "sector": "DESIGN", "venues": ["gresilles"]}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"title": "x" * 201}, "title"),
        ({"priceFrom": "-1"}, "priceFrom"),
        ({"priceFrom": "10000000"}, "priceFrom"),
        ({"venues": ["nowhere"]}, "venues"),
        ({"venues": []}, "venues"),
        ({"title": None}, "title"),
    ]
    for change, field in cases:
        answer = gql(cast, "member", OFFER, {"org": cast.organisation.slug, "input": base | change})
        errors = answer["createServiceOffer"]["errors"]
        assert errors and field in {e["field"] for e in errors}, (change, errors)
    not_owner = gql(cast, "staff_a", OFFER, {"org": cast.organisation.slug, "input": base})["createServiceOffer"]
    assert not_owner["errors"][0]["code"] == "NOT_FOUND"
    assert not ServiceOffer.objects.exists()


def test_the_directory_shows_only_consenting_organisations_and_public_fields(cast: Cast) -> None:
    from federation import services

    hidden = services.apply_for_membership(
        applicant=cast.people["staff_b"], home_venue=cast.venue_b, name="Discrète", sector="web"
    )
    services.change_organisation_status(organisation=hidden, status="active", actor=None)
    query = "{ organisations { edges { node { slug name sector homeVenue { slug } } } } }"
    for role in ("anonymous", "member", "admin"):
        nodes = [e["node"] for e in gql(cast, role, query)["organisations"]["edges"]]
        assert nodes == [
            {
                "slug": cast.organisation.slug,
                "name": "Label Test",
                "sector": "music",
                "homeVenue": {"slug": "gresilles"},
            }
        ]
    status, body = post(cast.client("anonymous", "localhost"), "{ organisations { edges { node { siret } } } }")
    assert status == 400 and "siret" in body["errors"][0]["message"]


def test_availability_of_another_venues_resource(network: Network) -> None:
    query = """query($r: ID!, $from: Date!) { availability(resource: $r, from: $from) {
        name venue { slug } timezone days { date slots { start end seatsLeft } } } }"""
    found = gql(network.cast, "member", query, {"r": network.room_ref, "from": network.day.isoformat()})
    day = found["availability"]["days"][0]
    assert found["availability"]["venue"] == {"slug": "battants"} and day["date"] == network.day.isoformat()
    utc = [dt.datetime.fromisoformat(local(network.day, h)).astimezone(dt.UTC).isoformat() for h in (8, 20)]
    assert day["slots"] == [{"start": utc[0], "end": utc[1], "seatsLeft": 1}]
    _, body = post(network.cast.client("anonymous", "localhost"), query, {"r": network.room_ref, "from": "2027-01-01"})
    assert body["data"]["availability"] is None and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    too_long = {"r": network.room_ref, "from": network.day.isoformat()}
    _, body = post(
        network.cast.client("member", "localhost"),
        query.replace("from: $from)", "from: $from, to: $to)").replace("$from: Date!)", "$from: Date!, $to: Date)"),
        too_long | {"to": (network.day + dt.timedelta(days=40)).isoformat()},
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID"


def test_catalogue_and_directory_filters(cast: Cast) -> None:
    from shared_catalog.models import CatalogueEntry

    for kind, title in (("resource", "Studio son"), ("event", "Café des studios")):
        CatalogueEntry.objects.create(
            venue=cast.venue_b, source_type=kind, source_id="1", kind=kind, title=title, visibility="public"
        )
    query = "query($k: CatalogueKind) { catalogue(kind: $k) { edges { node { title kind ref } } } }"
    found = gql(cast, "anonymous", query, {"k": "EVENT"})["catalogue"]["edges"]
    assert [e["node"] for e in found] == [{"title": "Café des studios", "kind": "EVENT", "ref": "battants/event/1"}]
    status, body = post(cast.client("anonymous", "localhost"), query, {"k": "NOPE"})
    assert status == 400 and "data" not in body
    directory = "query($s: Sector) { organisations(sector: $s) { edges { node { slug } } } }"
    assert len(gql(cast, "anonymous", directory, {"s": "MUSIC"})["organisations"]["edges"]) == 1
    assert gql(cast, "anonymous", directory, {"s": "WEB"})["organisations"]["edges"] == []


def test_error_fields_are_named_as_the_api_names_them(cast: Cast) -> None:
    from api.graphql.core import errors_of
    from hub.errors import InvalidInput

    found = errors_of(InvalidInput("x", fields={"price_from": ["no"], "non_field_errors": ["no"], "start": ["no"]}))
    assert [e["field"] for e in found] == [None, "priceFrom", "nonFieldErrors", "start"]


PROGRAMME = """mutation($p: ID!) {
  registerForProgramme(programme: $p) { registrations { event status category } errors { code field message } }
}"""


def _battants_programme(
    cast: Cast, *, published: bool = True, capacity: int = 5, visibility: str = Visibility.NETWORK
) -> tuple[Any, list[Event]]:
    from tenants.events import services
    from tenants.events.models import Programme

    with schema_context("battants"):
        staff = cast.people["staff_b"]
        course = services.save_programme(
            programme=Programme(title="Parcours son", visibility=visibility, is_published=published)
        )
        sessions = [
            make_event(
                staff,
                title="Session %d" % i,
                kind=Event.Kind.WORKSHOP,
                programme=course,
                capacity=capacity,
                visibility=visibility,
                is_published=published,
                starts_at=soon(3 + i),
                ends_at=soon(3 + i, 12),
            )
            for i in range(3)
        ]
    connection.set_schema_to_public()
    return course, sessions


def test_a_member_registers_for_another_venues_programme_as_a_whole(cast: Cast) -> None:
    course, sessions = _battants_programme(cast)
    made = gql(cast, "member", PROGRAMME, {"p": "battants/programme/%d" % course.pk})["registerForProgramme"]
    assert made["errors"] == []
    assert [(r["event"], r["status"], r["category"]) for r in made["registrations"]] == [
        ("battants/event/%d" % s.pk, "CONFIRMED", "network") for s in sessions
    ]


def test_a_full_session_refuses_the_programme_and_writes_nothing(cast: Cast) -> None:
    course, sessions = _battants_programme(cast, capacity=1)
    with schema_context("battants"):
        Registration.objects.create(
            event=sessions[1], person=cast.people["staff_b"], status="confirmed", category="public", price=0
        )
    connection.set_schema_to_public()
    refused = gql(cast, "member", PROGRAMME, {"p": "battants/programme/%d" % course.pk})["registerForProgramme"]
    assert refused["registrations"] is None and refused["errors"][0]["code"] == "CONFLICT"
    reasons = [e["message"] for e in refused["errors"] if e["field"] == "sessions"]
    assert len(reasons) == 1 and reasons[0].startswith("battants/event/%d: " % sessions[1].pk)
    with schema_context("battants"):
        assert Registration.objects.filter(person=cast.people["member"]).count() == 0


def test_staff_cannot_register_for_a_draft_programme_through_graphql(cast: Cast) -> None:
    course, _ = _battants_programme(cast, published=False, visibility=Visibility.PUBLIC)  # its staff see it
    answer = gql(cast, "staff_b", PROGRAMME, {"p": "battants/programme/%d" % course.pk})["registerForProgramme"]
    assert answer["errors"][0]["code"] == "NOT_FOUND"
