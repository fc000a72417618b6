"""The gallery in the venue admin (through the services) and in GDPR export and erasure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from federation import gdpr
from sync.models import OutboxEvent
from tenants.gallery import payouts, sales
from tenants.gallery.models import ArtistPayout, Artwork, ArtworkStatusChange, ConsignedWork, Exhibition, Hold, Sale

from .factories import TEST_PASSWORD
from .gallery_fixtures import Gallery

A, B = "gresilles.localhost", "battants.localhost"


def _login(host: str, email: str) -> Client:
    client = Client(HTTP_HOST=host)
    assert client.login(email=email, password=TEST_PASSWORD)
    return client


def _sold(gallery: Gallery, days_ago: int = 0) -> Sale:
    with schema_context("gresilles"):
        sale = sales.sell(
            artwork_id=gallery.works[2].pk,
            buyer=sales.BuyerInput(person=gallery.cast.people["member"]),
            vat_regime="exempt",
            payment_method="card",
            actor=gallery.staff,
            now=timezone.now() - dt.timedelta(days=days_ago),
        ).sale
        sales.place_hold(
            artwork_id=gallery.works[1].pk,
            buyer=sales.BuyerInput(name="Hors Hub", email=gallery.cast.people["member"].email),
            expires_at=timezone.now() + dt.timedelta(days=1),
            actor=gallery.staff,
        )
    return sale


def test_every_gallery_page_renders_for_staff_and_shows_only_this_venue(gallery: Gallery) -> None:
    sale = _sold(gallery, days_ago=3)
    with schema_context("gresilles"):
        exhibition = Exhibition.objects.create(
            title="Objets", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 2, 1)
        )
        payout = payouts.draw_up_payout(
            artist=gallery.artist,
            period_start=dt.date(2026, 1, 1),
            period_end=timezone.now().astimezone(gallery.cast.venue_a.tzinfo).date() - dt.timedelta(days=1),
            actor=None,
        )
    staff = _login(A, gallery.staff.email)
    pages = [
        "/admin/gallery/artist/",
        f"/admin/gallery/artist/{gallery.artist.pk}/change/",
        "/admin/gallery/artwork/",
        "/admin/gallery/artwork/add/",
        f"/admin/gallery/artwork/{gallery.works[0].pk}/change/",
        "/admin/gallery/consignment/",
        "/admin/gallery/consignment/add/",
        f"/admin/gallery/consignment/{gallery.consignment.pk}/change/",
        "/admin/gallery/exhibition/",
        f"/admin/gallery/exhibition/{exhibition.pk}/change/",
        "/admin/gallery/hold/",
        "/admin/gallery/sale/",
        f"/admin/gallery/sale/{sale.pk}/change/",
        "/admin/gallery/artistpayout/",
        f"/admin/gallery/artistpayout/{payout.pk}/change/",
    ]
    for page in pages:
        assert staff.get(page).status_code == 200, page
    assert "Œuvre 1" in staff.get("/admin/gallery/artwork/").content.decode()
    other = _login(B, gallery.cast.people["staff_b"].email)
    assert "Œuvre 1" not in other.get("/admin/gallery/artwork/").content.decode()
    assert other.get(f"/admin/gallery/artwork/{gallery.works[0].pk}/change/").status_code == 302  # not here


def test_artworks_added_in_the_admin_go_through_the_service(gallery: Gallery) -> None:
    staff = _login(A, gallery.staff.email)
    response = staff.post(
        "/admin/gallery/artwork/add/",
        {
            "artist": gallery.artist.pk,
            "title": "Lampe Combe",
            "price": "280.00",
            "medium": "frêne",
            "history-TOTAL_FORMS": "0",
            "history-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with schema_context("gresilles"):
        work = Artwork.objects.get(title="Lampe Combe")
        assert work.status == Artwork.Status.NOT_FOR_SALE
        assert ArtworkStatusChange.objects.filter(artwork=work, to_status="not_for_sale").exists()


def test_admin_actions_change_status_and_report_refusals(gallery: Gallery) -> None:
    staff = _login(A, gallery.staff.email)
    with schema_context("gresilles"):
        loose = Artwork.objects.create(artist=gallery.artist, title="Hors dépôt", price=Decimal(10))
    response = staff.post(
        "/admin/gallery/artwork/",
        {"action": "offer_for_sale", "_selected_action": [loose.pk]},
        follow=True,
    )
    assert "Hors dépôt: This work is not under a consignment today" in response.content.decode()
    staff.post("/admin/gallery/artwork/", {"action": "withdraw", "_selected_action": [gallery.works[0].pk]})
    with schema_context("gresilles"):
        assert Artwork.objects.get(pk=loose.pk).status == Artwork.Status.NOT_FOR_SALE
        assert Artwork.objects.get(pk=gallery.works[0].pk).status == Artwork.Status.NOT_FOR_SALE


def test_an_overlapping_consignment_in_the_admin_is_a_message_not_an_error(gallery: Gallery) -> None:
    staff = _login(A, gallery.staff.email)
    response = staff.post(
        "/admin/gallery/consignment/add/",
        {
            "artist": gallery.artist.pk,
            "commission_rate": "30",
            "starts_on": gallery.consignment.starts_on.isoformat(),
            "works": [gallery.works[0].pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Already consigned: %d." % gallery.works[0].pk in response.content.decode()
    with schema_context("gresilles"):
        assert ConsignedWork.objects.filter(artwork=gallery.works[0]).count() == 1


def test_exhibitions_saved_in_the_admin_reach_the_outbox(gallery: Gallery) -> None:
    staff = _login(A, gallery.staff.email)
    response = staff.post(
        "/admin/gallery/exhibition/add/",
        {
            "title": "Objets du quotidien",
            "starts_on": "2026-11-01",
            "ends_on": "2026-12-31",
            "is_published": "on",
            "works": [w.pk for w in gallery.works],
        },
    )
    assert response.status_code == 302
    with schema_context("gresilles"):
        exhibition = Exhibition.objects.get(title="Objets du quotidien")
        assert sorted(exhibition.items.values_list("artwork_id", flat=True)) == sorted(w.pk for w in gallery.works)
    event = OutboxEvent.objects.get(aggregate_type="exhibition", aggregate_id=str(exhibition.pk))
    assert sorted(event.payload["artworks"]) == sorted(w.pk for w in gallery.works)


def test_only_managers_mark_statements_paid_in_the_admin(gallery: Gallery) -> None:
    _sold(gallery, days_ago=2)
    with schema_context("gresilles"):
        payout = payouts.draw_up_payout(
            artist=gallery.artist,
            period_start=dt.date(2026, 1, 1),
            period_end=timezone.now().astimezone(gallery.cast.venue_a.tzinfo).date() - dt.timedelta(days=1),
            actor=None,
        )
    action = {"action": "mark_paid", "_selected_action": [payout.pk]}
    _login(A, gallery.staff.email).post("/admin/gallery/artistpayout/", action)
    with schema_context("gresilles"):
        assert ArtistPayout.objects.get(pk=payout.pk).status == "due"
    _login(A, gallery.manager.email).post("/admin/gallery/artistpayout/", action)
    with schema_context("gresilles"):
        assert ArtistPayout.objects.get(pk=payout.pk).status == "paid"


def test_gdpr_exports_and_erases_buyers_and_artists(gallery: Gallery) -> None:
    member = gallery.cast.people["member"]
    _sold(gallery)
    with schema_context("gresilles"):
        gallery.artist.person = member
        gallery.artist.save()
    exported = gdpr.export_person(person=member)["venues"]["gresilles"]["gallery"]
    assert [p["artwork"] for p in exported["purchases"]] == ["Œuvre 3"]
    assert [h["artwork"] for h in exported["holds"]] == ["Œuvre 2"]  # held under their e-mail address
    assert exported["artist"][0]["name"] == "Julie Marchand"
    assert gdpr.export_person(person=member)["venues"]["battants"]["gallery"] == {
        "artist": [],
        "purchases": [],
        "holds": [],
    }

    gdpr.erase_person(person=member, actor=None)
    with schema_context("gresilles"):
        sale = Sale.objects.get()
        hold = Hold.objects.get()
        assert (sale.buyer_name, sale.buyer_email, sale.price) == ("", "", Decimal("90.00"))  # the books stay
        assert (hold.buyer_name, hold.buyer_email) == ("", "")
        gallery.artist.refresh_from_db()
        assert (gallery.artist.email, gallery.artist.name) == ("", "Anonymised artist %d" % gallery.artist.pk)
    renamed = OutboxEvent.objects.filter(aggregate_type="artwork", aggregate_id=str(gallery.works[0].pk)).latest("id")
    assert renamed.payload["artist"] == "Anonymised artist %d" % gallery.artist.pk
