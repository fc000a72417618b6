"""The members' services: offers published by their organisation's owners reach the catalogue at every venue
where they are delivered (and leave it when withdrawn); requests reach the owners by e-mail."""

from __future__ import annotations

from typing import Any

from django.core import mail
from rest_framework.test import APIClient

from marketplace.models import ServiceOffer, ServiceRequest
from shared_catalog.models import CatalogueEntry
from sync import relay
from sync.reconcile import reconcile

from .events_fixtures import Programme as Stage

F = "localhost"
OFFER = {
    "organisation": "label-test",
    "title": "Mixage et mastering",
    "description": "Studio, mixage stéréo et mastering pour labels et compagnies.",
    "sector": "music",
    "price_indication": "à partir de 350 € la journée",
    "price_from": "350.00",
    "venues": ["gresilles", "battants"],
}


def _client(stage: Stage, person: Any = None, role: str | None = None) -> APIClient:
    client = APIClient(HTTP_HOST=F)
    if role:
        client.credentials(HTTP_AUTHORIZATION="Bearer " + stage.cast.tokens[role])
    elif person is not None:
        client.credentials(HTTP_AUTHORIZATION="Bearer " + stage.token(person))
    return client


def test_an_owner_publishes_an_offer_that_reaches_the_catalogue_at_each_venue(
    programme: Stage, django_capture_on_commit_callbacks: Any
) -> None:
    owner = _client(programme, programme.member)  # the cast's member owns "label-test"
    created = owner.post("/api/v1/offers/", OFFER, format="json")
    assert created.status_code == 201, created.content
    relay.drain()
    entries = CatalogueEntry.objects.filter(source_type="service", source_id=str(created.json()["id"]), published=True)
    assert sorted(e.venue.schema_name for e in entries) == ["battants", "gresilles"]
    found = APIClient(HTTP_HOST=F).get("/api/v1/catalogue/", {"q": "mastering", "kind": "service"}).json()["results"]
    assert {row["venue"] for row in found} == {"gresilles", "battants"}
    assert found[0]["data"]["organisation"] == "Label Test"

    moved = owner.patch(f"/api/v1/offers/{created.json()['id']}/", {"venues": ["gresilles"]}, format="json")
    assert moved.status_code == 200 and moved.json()["venues"] == ["gresilles"]
    relay.drain()
    shown = CatalogueEntry.objects.filter(source_type="service", published=True)
    assert [e.venue.schema_name for e in shown] == ["gresilles"]  # dropped at Battants
    for venue in (programme.cast.venue_a, programme.cast.venue_b):  # reconciliation agrees with the relay
        drift = reconcile(venue)
        assert not [key for key in drift.missing + drift.stale + drift.orphan if key.startswith("service:")]


def test_others_may_not_publish_for_an_organisation(programme: Stage) -> None:
    for client, expected in (
        (_client(programme, programme.network_member), 422),  # not theirs
        (_client(programme, role="staff_a"), 422),
        (APIClient(HTTP_HOST=F), 401),
    ):
        assert client.post("/api/v1/offers/", OFFER, format="json").status_code == expected
    assert not ServiceOffer.objects.exists()


def test_bad_offers_are_refused_field_by_field(programme: Stage) -> None:
    owner = _client(programme, programme.member)
    for change, field in (
        ({"venues": []}, "venues"),
        ({"venues": ["nowhere"]}, "venues"),
        ({"sector": "mining"}, "sector"),
        ({"price_from": "-3"}, "price_from"),
        ({"title": ""}, "title"),
        ({"colour": "red"}, "colour"),
    ):
        response = owner.post("/api/v1/offers/", OFFER | change, format="json")
        assert response.status_code == 422 and field in response.json()["errors"], (change, response.content)
    assert not ServiceOffer.objects.exists()


def test_a_member_sends_a_request_and_the_owners_are_told(
    programme: Stage, django_capture_on_commit_callbacks: Any
) -> None:
    offer = _client(programme, programme.member).post("/api/v1/offers/", OFFER, format="json").json()
    asker = _client(programme, programme.network_member)
    with django_capture_on_commit_callbacks(execute=True):
        sent = asker.post(
            f"/api/v1/offers/{offer['id']}/requests/", {"message": "Un EP de 5 titres en mars ?"}, format="json"
        )
    assert sent.status_code == 201
    assert [m.to for m in mail.outbox] == [["member@label.example"]]
    assert mail.outbox[0].reply_to == ["nora@bobine.example"] and "Un EP de 5 titres" in mail.outbox[0].body
    assert asker.post(f"/api/v1/offers/{offer['id']}/requests/", {"message": " "}, format="json").status_code == 422
    own = _client(programme, programme.member).post(
        f"/api/v1/offers/{offer['id']}/requests/", {"message": "moi"}, format="json"
    )
    assert own.status_code == 409
    inbox = _client(programme, programme.member).get(f"/api/v1/offers/{offer['id']}/requests/").json()
    assert [r["requester"] for r in inbox["results"]] == ["nora@bobine.example"]
    assert asker.get(f"/api/v1/offers/{offer['id']}/requests/").json()["count"] == 0  # not the asker's to read
    assert ServiceRequest.objects.count() == 1


def test_an_unpublished_offer_is_a_draft_its_owners_alone_see(programme: Stage) -> None:
    owner = _client(programme, programme.member)
    draft = owner.post("/api/v1/offers/", OFFER | {"is_published": False}, format="json").json()
    relay.drain()
    assert APIClient(HTTP_HOST=F).get(f"/api/v1/offers/{draft['id']}/").status_code == 404
    assert owner.get(f"/api/v1/offers/{draft['id']}/").status_code == 200
    assert not CatalogueEntry.objects.filter(source_type="service", published=True).exists()
