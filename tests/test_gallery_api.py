"""The gallery REST API on a venue host: who reads and writes what, a whole sale's life, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from sync.models import OutboxEvent
from tenants.gallery import sales, services
from tenants.gallery.models import (
    Artist,
    ArtistPayout,
    Artwork,
    ArtworkStatusChange,
    ConsignedWork,
    Consignment,
    Exhibition,
    Hold,
    Sale,
)

from .gallery_fixtures import Gallery

A, B = "gresilles.localhost", "battants.localhost"


def _sale(work: Artwork | int, **extra: Any) -> dict[str, Any]:
    pk = work if isinstance(work, int) else work.pk
    return {
        "artwork": pk,
        "buyer_name": "Martine Roussel",
        "buyer_email": "martine@example.org",
        "vat_regime": "reduced",
        "payment_method": "card",
    } | extra


def _counts() -> dict[str, int]:
    with schema_context("gresilles"):
        models = (
            Artist,
            Artwork,
            ArtworkStatusChange,
            Consignment,
            ConsignedWork,
            Exhibition,
            Hold,
            Sale,
            ArtistPayout,
        )
        return {m.__name__: m.objects.count() for m in models} | {"events": OutboxEvent.objects.count()}


# Reading: the public sees works on sale and current exhibitions; staff see everything


def test_the_public_sees_works_on_sale_and_staff_see_all(gallery: Gallery) -> None:
    sold, held, _available = gallery.works
    with schema_context("gresilles"):
        sales.sell(
            artwork_id=sold.pk,
            buyer=sales.BuyerInput(name="X", email="x@example.org"),
            vat_regime="exempt",
            payment_method="cash",
            actor=gallery.staff,
        )
        sales.place_hold(
            artwork_id=held.pk,
            buyer=sales.BuyerInput(name="Y", email="y@example.org"),
            expires_at=timezone.now() + dt.timedelta(days=1),
            actor=gallery.staff,
        )
    for role in ("anonymous", "member", "staff_b", "partner"):
        listed = gallery.cast.client(role, A).get("/api/v1/artworks/")
        assert listed.status_code == 200, (role, listed.content)
        shown = {row["id"]: row["status"] for row in listed.json()["results"]}
        assert shown == {held.pk: "on_hold", gallery.works[2].pk: "available"}, role
        assert gallery.cast.client(role, A).get(f"/api/v1/artworks/{sold.pk}/").status_code == 404
    staff = gallery.cast.client("staff_a", A)
    assert staff.get("/api/v1/artworks/").json()["count"] == 3
    assert [r["id"] for r in staff.get("/api/v1/artworks/?status=sold").json()["results"]] == [sold.pk]
    assert staff.get(f"/api/v1/artworks/{sold.pk}/").json()["status"] == "sold"
    assert staff.get("/api/v1/artworks/?status=bogus").status_code == 422
    assert gallery.cast.client("anonymous", B).get("/api/v1/artworks/").json()["count"] == 0  # B's gallery is empty


def test_the_public_sees_published_exhibitions_that_are_on_or_coming(gallery: Gallery) -> None:
    today = timezone.now().astimezone(gallery.cast.venue_a.tzinfo).date()
    with schema_context("gresilles"):
        on = services.save_exhibition(
            exhibition=Exhibition(title="En cours", starts_on=today - dt.timedelta(days=3), ends_on=today),
            artworks=gallery.works[:2],
        )
        coming = services.save_exhibition(
            exhibition=Exhibition(
                title="À venir", starts_on=today + dt.timedelta(days=9), ends_on=today + dt.timedelta(days=40)
            )
        )
        past = services.save_exhibition(
            exhibition=Exhibition(
                title="Passée", starts_on=today - dt.timedelta(days=60), ends_on=today - dt.timedelta(days=1)
            )
        )
        draft = services.save_exhibition(
            exhibition=Exhibition(title="Brouillon", starts_on=today, ends_on=today, is_published=False)
        )
    public = gallery.cast.client("anonymous", A).get("/api/v1/exhibitions/").json()["results"]
    assert [e["id"] for e in public] == [on.pk, coming.pk]
    assert [w["id"] for w in public[0]["artworks"]] == [w.pk for w in gallery.works[:2]]
    assert public[0]["artworks"][0]["artist_name"] == "Julie Marchand"
    for hidden in (past, draft):
        assert gallery.cast.client("anonymous", A).get(f"/api/v1/exhibitions/{hidden.pk}/").status_code == 404
    assert gallery.cast.client("staff_a", A).get("/api/v1/exhibitions/").json()["count"] == 4


STAFF_ONLY_READS = ["artists/", "consignments/", "holds/", "sales/", "payouts/"]


@pytest.mark.parametrize("path", STAFF_ONLY_READS)
@pytest.mark.parametrize(
    ("role", "host", "status"),
    [
        ("anonymous", A, 401),
        ("member", A, 403),
        ("staff_b", A, 403),
        ("partner", A, 403),
        ("staff_a", B, 403),
        ("staff_a", A, 200),
        ("manager_a", A, 200),
        ("admin", A, 200),
    ],
)
def test_the_gallerys_books_are_for_its_staff(gallery: Gallery, path: str, role: str, host: str, status: int) -> None:
    assert gallery.cast.client(role, host).get("/api/v1/" + path).status_code == status


@pytest.mark.parametrize("role", ["anonymous", "member", "staff_b", "partner"])
def test_only_the_venues_staff_write(gallery: Gallery, role: str) -> None:
    client, before = gallery.cast.client(role, A), _counts()
    work = gallery.works[0]
    attempts = [
        client.post("/api/v1/artists/", {"name": "Intrus"}, format="json"),
        client.post("/api/v1/artworks/", {"artist": gallery.artist.pk, "title": "x", "price": "1"}, format="json"),
        client.patch(f"/api/v1/artworks/{work.pk}/", {"price": "1.00"}, format="json"),
        client.post(f"/api/v1/artworks/{work.pk}/status/", {"status": "returned"}, format="json"),
        client.post("/api/v1/sales/", _sale(work), format="json"),
        client.post("/api/v1/holds/", {"artwork": work.pk, "expires_at": "2099-01-01T00:00:00Z"}, format="json"),
        client.post(
            "/api/v1/exhibitions/", {"title": "x", "starts_on": "2027-01-01", "ends_on": "2027-01-02"}, format="json"
        ),
    ]
    assert {r.status_code for r in attempts} == ({401} if role == "anonymous" else {403})
    assert _counts() == before


# A sale's whole life through the API


def test_a_sale_from_consignment_to_payout(cast: Any) -> None:
    staff, manager = cast.client("staff_a", A), cast.client("manager_a", A)
    artist = staff.post(
        "/api/v1/artists/",
        {"name": "Camille Martin", "person": "member@label.example", "organisation": "label-test"},
        format="json",
    )
    assert artist.status_code == 201, artist.content
    assert (artist.json()["person"], artist.json()["organisation"]) == ("member@label.example", "label-test")
    work = staff.post(
        "/api/v1/artworks/",
        {"artist": artist.json()["id"], "title": "Citadelle", "price": "520.00", "year": 2026, "medium": "encre"},
        format="json",
    )
    assert work.status_code == 201 and work.json()["status"] == "not_for_sale"
    work_id = work.json()["id"]
    refused = staff.post(f"/api/v1/artworks/{work_id}/status/", {"status": "available"}, format="json")
    assert refused.status_code == 409 and "consignment" in refused.json()["errors"]
    consigned = staff.post(
        "/api/v1/consignments/",
        {"artist": artist.json()["id"], "commission_rate": "40", "starts_on": "2026-01-01", "artworks": [work_id]},
        format="json",
    )
    assert consigned.status_code == 201 and consigned.json()["artworks"] == [work_id]
    assert staff.post(f"/api/v1/artworks/{work_id}/status/", {"status": "available"}, format="json").status_code == 200

    hold = staff.post(
        "/api/v1/holds/",
        {"artwork": work_id, "buyer_person": "staff.b@coursive.example", "expires_at": "2099-01-01T00:00:00Z"},
        format="json",
    )
    assert hold.status_code == 422 and "expires_at" in hold.json()["errors"]  # more than 90 days
    soon = (timezone.now() + dt.timedelta(days=2)).isoformat()
    hold = staff.post(
        "/api/v1/holds/",
        {"artwork": work_id, "buyer_person": "staff.b@coursive.example", "expires_at": soon},
        format="json",
    )
    assert hold.status_code == 201 and hold.json()["buyer"]["person"] == "staff.b@coursive.example"
    taken = staff.post("/api/v1/sales/", _sale(work_id), format="json")
    assert taken.status_code == 409  # held for someone else
    assert staff.post("/api/v1/sales/", _sale(work_id, override=True), format="json").status_code == 403
    released = staff.post(f"/api/v1/holds/{hold.json()['id']}/release/")
    assert released.status_code == 200 and released.json()["status"] == "released"

    sold = staff.post("/api/v1/sales/", _sale(work_id), format="json", HTTP_IDEMPOTENCY_KEY="sale-1")
    assert sold.status_code == 201, sold.content
    body = sold.json()
    assert (body["price"], body["vat_amount"], body["commission"], body["artist_net"], body["contribution"]) == (
        "520.00",
        "27.11",  # 520 × 5.5/105.5 = 27.109
        "197.16",  # 492.89 × 40 % = 197.156
        "295.73",
        "3.25",  # 295.73 × 1.1 % = 3.253
    )
    again = staff.post("/api/v1/sales/", _sale(work_id), format="json", HTTP_IDEMPOTENCY_KEY="sale-1")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    other = staff.post("/api/v1/sales/", _sale(work_id, price="1.00"), format="json", HTTP_IDEMPOTENCY_KEY="sale-1")
    assert other.status_code == 422 and "idempotency_key" in other.json()["errors"]
    assert staff.post("/api/v1/sales/", _sale(work_id), format="json").status_code == 409  # sold
    history = staff.get(f"/api/v1/artworks/{work_id}/history/").json()
    assert [h["to_status"] for h in history] == ["not_for_sale", "available", "on_hold", "available", "sold"]

    with schema_context("gresilles"):  # the sale was yesterday, so a statement may cover it
        Sale.objects.filter(pk=body["id"]).update(sold_at=timezone.now() - dt.timedelta(days=1))
    yesterday = (timezone.now().astimezone(cast.venue_a.tzinfo) - dt.timedelta(days=1)).date().isoformat()
    payout = staff.post(
        "/api/v1/payouts/",
        {"artist": artist.json()["id"], "period_start": "2026-01-01", "period_end": yesterday},
        format="json",
    )
    assert payout.status_code == 201, payout.content
    assert (payout.json()["net_due"], payout.json()["sales_count"], payout.json()["status"]) == ("295.73", 1, "due")
    statement = staff.get(f"/api/v1/payouts/{payout.json()['id']}/").json()
    assert [(line["kind"], line["sale"], line["due_to_artist"]) for line in statement["lines"]] == [
        ("sale", body["id"], "295.73")
    ]
    csv = staff.get(f"/api/v1/payouts/{payout.json()['id']}/statement.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[-1] == "total,,,,520.00,27.11,197.16,3.25,295.73"
    assert staff.post(f"/api/v1/payouts/{payout.json()['id']}/paid/", {}, format="json").status_code == 403
    paid = manager.post(f"/api/v1/payouts/{payout.json()['id']}/paid/", {"reference": "VIR-42"}, format="json")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"

    refund = staff.post(f"/api/v1/sales/{body['id']}/cancel/", {"reason": "retour"}, format="json")
    assert refund.status_code == 200 and refund.json()["status"] == "refunded"
    assert staff.get(f"/api/v1/artworks/{work_id}/").json()["status"] == "available"


# Bad input: a clear 4xx, field by field, and nothing written


def _bad_cases(gallery: Gallery) -> list[tuple[str, str, dict[str, Any], int, str]]:
    work, artist = gallery.works[0], gallery.artist.pk
    piece = {"artist": artist, "title": "x"}
    return [
        ("post", "/api/v1/artworks/", piece | {"price": "-5"}, 422, "price"),
        ("post", "/api/v1/artworks/", piece | {"price": "0"}, 422, "price"),
        ("post", "/api/v1/artworks/", piece | {"price": "1e12"}, 422, "price"),
        ("post", "/api/v1/artworks/", piece | {"price": "NaN"}, 422, "price"),
        ("post", "/api/v1/artworks/", piece | {"price": "12.345"}, 422, "price"),
        ("post", "/api/v1/artworks/", piece | {"price": "10", "year": 99999}, 422, "year"),
        ("post", "/api/v1/artworks/", piece | {"price": "10", "colour": "red"}, 422, "colour"),
        ("post", "/api/v1/artworks/", {"title": "x", "price": "10"}, 422, "artist"),
        ("post", "/api/v1/artworks/", piece | {"price": "10", "artist": 10**9}, 422, "artist"),
        ("post", "/api/v1/artworks/", {"edition_of": work.pk, "edition_number": 1}, 422, "edition_of"),
        ("post", "/api/v1/artworks/", piece | {"price": "10", "edition_number": 2}, 422, "edition_of"),
        ("patch", f"/api/v1/artworks/{work.pk}/", {"price": "-1"}, 422, "price"),
        ("patch", f"/api/v1/artworks/{work.pk}/", {"status": "sold"}, 422, "status"),
        ("post", f"/api/v1/artworks/{work.pk}/status/", {"status": "sold"}, 422, "status"),
        (
            "post",
            "/api/v1/consignments/",
            {"artist": artist, "commission_rate": "150", "starts_on": "2027-01-01", "artworks": [work.pk]},
            422,
            "commission_rate",
        ),
        (
            "post",
            "/api/v1/consignments/",
            {"artist": artist, "commission_rate": "-1", "starts_on": "2027-01-01", "artworks": [work.pk]},
            422,
            "commission_rate",
        ),
        (
            "post",
            "/api/v1/consignments/",
            {
                "artist": artist,
                "commission_rate": "20",
                "starts_on": "2027-01-01",
                "ends_on": "2026-01-01",
                "artworks": [work.pk],
            },
            422,
            "ends_on",
        ),
        (
            "post",
            "/api/v1/consignments/",
            {"artist": artist, "commission_rate": "20", "starts_on": "2027-01-01", "artworks": [10**9]},
            422,
            "artworks",
        ),
        (
            "post",
            "/api/v1/consignments/",
            {"artist": artist, "commission_rate": "20", "starts_on": "2026-06-01", "artworks": [work.pk]},
            409,
            "artworks",
        ),  # overlaps the current one
        ("post", "/api/v1/sales/", _sale(work, price="-1"), 422, "price"),
        ("post", "/api/v1/sales/", _sale(work, price="99999999"), 422, "price"),
        ("post", "/api/v1/sales/", _sale(work, vat_regime="luxury"), 422, "vat_regime"),
        ("post", "/api/v1/sales/", _sale(work, vat_rate="7"), 422, "vat_rate"),
        ("post", "/api/v1/sales/", _sale(work, payment_method="barter"), 422, "payment_method"),
        ("post", "/api/v1/sales/", _sale(work, buyer_name="", buyer_email=""), 422, "buyer"),
        ("post", "/api/v1/sales/", _sale(work, buyer_email="not-an-email"), 422, "buyer_email"),
        ("post", "/api/v1/sales/", _sale(work, buyer_person="nobody@nowhere.example"), 422, "buyer_person"),
        ("post", "/api/v1/sales/", _sale(work, buyer_organisation="no-such-org"), 422, "buyer_organisation"),
        ("post", "/api/v1/sales/", _sale(10**9), 422, "artwork"),
        ("post", "/api/v1/sales/", _sale(work, artwork="one"), 422, "artwork"),
        (
            "post",
            "/api/v1/holds/",
            {"artwork": work.pk, "buyer_name": "x", "buyer_email": "x@x.org", "expires_at": "2020-01-01T00:00:00Z"},
            422,
            "expires_at",
        ),
        ("post", "/api/v1/holds/", {"artwork": work.pk, "expires_at": "tomorrow"}, 422, "expires_at"),
        (
            "post",
            "/api/v1/exhibitions/",
            {"title": "x", "starts_on": "2027-02-01", "ends_on": "2027-01-01"},
            422,
            "ends_on",
        ),
        (
            "post",
            "/api/v1/exhibitions/",
            {"title": "x", "starts_on": "2027-01-01", "ends_on": "2027-01-02", "artworks": [10**9]},
            422,
            "artworks",
        ),
        (
            "post",
            "/api/v1/payouts/",
            {"artist": artist, "period_start": "2026-02-01", "period_end": "2026-01-01"},
            422,
            "period_end",
        ),
        (
            "post",
            "/api/v1/payouts/",
            {"artist": artist, "period_start": "2026-01-01", "period_end": "2026-01-31"},
            422,
            "period_start",
        ),  # nothing sold then
    ]


def test_bad_input_is_refused_field_by_field_and_writes_nothing(gallery: Gallery) -> None:
    client, before = gallery.cast.client("staff_a", A), _counts()
    for method, path, body, status, field in _bad_cases(gallery):
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == status, (path, body, response.status_code, response.content)
        assert field in response.json().get("errors", {}), (path, body, response.json())
        assert _counts() == before, (path, body)


def test_an_edition_number_above_its_size_is_refused(gallery: Gallery) -> None:
    client = gallery.cast.client("staff_a", A)
    edition_set = client.post(
        "/api/v1/artworks/",
        {"artist": gallery.artist.pk, "title": "Rue Battant", "price": "120", "edition_size": 30},
        format="json",
    ).json()
    assert edition_set["is_edition_set"] and edition_set["edition_size"] == 30
    first = client.post("/api/v1/artworks/", {"edition_of": edition_set["id"], "edition_number": 1}, format="json")
    assert first.status_code == 201 and first.json()["edition"] == {"number": 1, "size": 30, "set": edition_set["id"]}
    before = _counts()
    for number, status in ((31, 422), (1, 422), (0, 422), (1000, 422)):
        response = client.post(
            "/api/v1/artworks/", {"edition_of": edition_set["id"], "edition_number": number}, format="json"
        )
        assert response.status_code == status and "edition_number" in response.json()["errors"], number
    assert _counts() == before


@pytest.mark.parametrize("status", ["sold", "on_hold", "returned"])
def test_selling_a_sold_held_or_returned_work_is_a_conflict(gallery: Gallery, status: str) -> None:
    client, work = gallery.cast.client("staff_a", A), gallery.works[0]
    if status == "sold":
        assert client.post("/api/v1/sales/", _sale(work), format="json").status_code == 201
    elif status == "on_hold":
        soon = (timezone.now() + dt.timedelta(days=1)).isoformat()
        hold = {"artwork": work.pk, "buyer_name": "Y", "buyer_email": "y@example.org", "expires_at": soon}
        assert client.post("/api/v1/holds/", hold, format="json").status_code == 201
    else:
        assert client.post(f"/api/v1/artworks/{work.pk}/status/", {"status": status}, format="json").status_code == 200
    before = _counts()
    response = client.post("/api/v1/sales/", _sale(work, buyer_email="someone.else@example.org"), format="json")
    assert response.status_code == 409 and response.json()["errors"]["status"] == [status]
    assert _counts() == before


def test_another_venues_artwork_does_not_exist_here(gallery: Gallery) -> None:
    """A's work named on B's host, by B's staff: not found in paths, a field error in bodies; nothing written."""
    work = gallery.works[0]
    with schema_context("battants"):  # B has a work of its own under the same id
        artist = services.create_artist(name="Marc Jacquot")
        twin = Artwork.objects.create(pk=work.pk, artist=artist, title="Rue Battant", price=Decimal("120"))
    client = gallery.cast.client("staff_b", B)
    assert client.get(f"/api/v1/artworks/{twin.pk}/").json()["title"] == "Rue Battant"  # B's own, never A's
    other = gallery.cast.client("staff_a", B)  # A's staff on B's host: no rights there
    assert other.get(f"/api/v1/artworks/{work.pk}/").status_code == 404  # B's twin is not on sale
    assert other.post("/api/v1/sales/", _sale(work), format="json").status_code == 403
    missing = work.pk + 1  # A has it, B does not
    for path in (f"/api/v1/artworks/{missing}/", f"/api/v1/artworks/{missing}/history/"):
        assert client.get(path).status_code == 404
    assert client.patch(f"/api/v1/artworks/{missing}/", {"price": "1"}, format="json").status_code == 404
    assert client.post(f"/api/v1/artworks/{missing}/status/", {"status": "returned"}, format="json").status_code == 404
    refused = client.post("/api/v1/sales/", _sale(missing), format="json")
    assert refused.status_code == 422 and "artwork" in refused.json()["errors"]
    refused = client.post("/api/v1/sales/", _sale(work), format="json")  # B's twin: not consigned at B
    assert refused.status_code == 409 and refused.json()["errors"]["status"] == ["not_for_sale"]
    hold = {
        "artwork": work.pk,
        "buyer_name": "Y",
        "buyer_email": "y@example.org",
        "expires_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
    }
    assert client.post("/api/v1/holds/", hold | {"artwork": missing}, format="json").status_code == 422
    with schema_context("battants"):
        assert not Sale.objects.exists() and not Hold.objects.exists()
    with schema_context("gresilles"):
        statuses = set(Artwork.objects.filter(pk__in=[work.pk, missing]).values_list("status", flat=True))
        assert statuses == {"available"} and not Sale.objects.exists() and not Hold.objects.exists()
