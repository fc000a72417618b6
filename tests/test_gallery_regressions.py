"""Regression tests for what the gallery reviews found: ended consignments, statements, resales, dates,
ids and admin paths that used to end in a 500 or in wrong books."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from federation import gdpr
from hub.errors import Conflict, InvalidInput
from sync.models import OutboxEvent
from tenants.gallery import payouts, sales, services
from tenants.gallery.models import ArtistPayout, Artwork, ConsignedWork, Exhibition, Hold, Sale

from .factories import TEST_PASSWORD
from .gallery_fixtures import Gallery

A = "gresilles.localhost"
S = Artwork.Status


def _buyer(name: str = "Martine Roussel", email: str = "martine@example.org") -> sales.BuyerInput:
    return sales.BuyerInput(name=name, email=email)


def _today(gallery: Gallery) -> dt.date:
    return timezone.now().astimezone(gallery.cast.venue_a.tzinfo).date()


def _sell(gallery: Gallery, work: Artwork, **extra: Any) -> Sale:
    options: dict[str, Any] = {
        "artwork_id": work.pk,
        "buyer": _buyer(),
        "vat_regime": "reduced",
        "payment_method": "card",
        "actor": gallery.staff,
    } | extra
    return sales.sell(**options).sale


# Ended consignments


def test_ending_a_consignment_in_the_past_withdraws_its_works_from_sale(gallery: Gallery) -> None:
    with schema_context("gresilles"):
        services.end_consignment(consignment=gallery.consignment, ends_on=_today(gallery) - dt.timedelta(days=1))
        assert set(Artwork.objects.values_list("status", flat=True)) == {S.NOT_FOR_SALE}
        with pytest.raises(Conflict):  # and none can be held now
            sales.place_hold(
                artwork_id=gallery.works[0].pk,
                buyer=_buyer(),
                expires_at=timezone.now() + dt.timedelta(days=1),
                actor=gallery.staff,
            )
    events = OutboxEvent.objects.filter(aggregate_type="artwork", payload__status=S.NOT_FOR_SALE)
    assert events.count() == 3 and not any(e.payload["published"] for e in events)


def test_a_hold_outliving_its_consignment_ends_with_the_work_withdrawn(gallery: Gallery) -> None:
    today = _today(gallery)
    with schema_context("gresilles"):
        services.end_consignment(consignment=gallery.consignment, ends_on=today + dt.timedelta(days=1))
        held = sales.place_hold(
            artwork_id=gallery.works[0].pk,
            buyer=_buyer(),
            expires_at=timezone.now() + dt.timedelta(days=5),
            actor=gallery.staff,
        )
        later = timezone.now() + dt.timedelta(days=6)
        assert sales.release_expired_holds(now=later) == 1
        assert Hold.objects.get(pk=held.pk).status == Hold.Status.EXPIRED
        assert Artwork.objects.get(pk=gallery.works[0].pk).status == S.NOT_FOR_SALE
        # the housekeeping task's other half: works still available past their consignment are withdrawn
        assert services.withdraw_unconsigned(now=later) == 2
        assert services.withdraw_unconsigned(now=later) == 0


def test_one_hold_that_cannot_be_released_does_not_keep_the_others(
    gallery: Gallery, monkeypatch: pytest.MonkeyPatch
) -> None:
    with schema_context("gresilles"):
        soon = timezone.now() + dt.timedelta(hours=1)
        first, second = (
            sales.place_hold(artwork_id=w.pk, buyer=_buyer(), expires_at=soon, actor=gallery.staff)
            for w in gallery.works[:2]
        )
        real_end = sales._end_hold

        def failing(hold: Hold, *args: Any, **kwargs: Any) -> Hold:
            if hold.pk == first.pk:
                raise Conflict("refused")
            return real_end(hold, *args, **kwargs)

        monkeypatch.setattr(sales, "_end_hold", failing)
        assert sales.release_expired_holds(now=soon + dt.timedelta(minutes=1)) == 1
        statuses = dict(Hold.objects.values_list("pk", "status"))
    assert statuses == {first.pk: Hold.Status.ACTIVE, second.pk: Hold.Status.EXPIRED}


def test_a_consignment_is_reopened_or_extended_only_where_it_overlaps_nothing(gallery: Gallery) -> None:
    today = _today(gallery)
    work = gallery.works[0]
    with schema_context("gresilles"):
        services.end_consignment(consignment=gallery.consignment, ends_on=today + dt.timedelta(days=10))
        following = services.consign(
            artist=gallery.artist,
            commission_rate=Decimal(25),
            starts_on=today + dt.timedelta(days=11),
            ends_on=None,
            artworks=[work],
        )
        for ends_on in (today + dt.timedelta(days=20), None):
            with pytest.raises(Conflict) as refused:
                services.end_consignment(consignment=gallery.consignment, ends_on=ends_on)
            assert refused.value.fields["artworks"] == ["Already consigned: %d." % work.pk]
        services.end_consignment(consignment=following, ends_on=today + dt.timedelta(days=30))
        reopened = services.end_consignment(consignment=following, ends_on=None)  # open again: fine
        assert reopened.ends_on is None
        with pytest.raises(InvalidInput):
            services.end_consignment(consignment=following, ends_on=dt.date(9999, 12, 31))


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/consignments/",
            {"commission_rate": "20", "starts_on": "2027-01-01", "ends_on": "9999-12-31"},
            "ends_on",
        ),
        ("/api/v1/exhibitions/", {"title": "x", "starts_on": "2027-01-01", "ends_on": "9999-12-31"}, "ends_on"),
        ("/api/v1/payouts/", {"period_start": "2026-01-01", "period_end": "9999-12-31"}, "period_end"),
    ],
)
def test_dates_at_the_end_of_the_calendar_are_refused_not_a_500(
    gallery: Gallery, path: str, body: dict[str, Any], field: str
) -> None:
    loose = None
    with schema_context("gresilles"):
        loose = services.create_artwork(
            actor=None, fields={"artist": gallery.artist, "title": "x", "price": Decimal(1)}
        )
    extra = {"artist": gallery.artist.pk} | ({"artworks": [loose.pk]} if "consignments" in path else {})
    response = gallery.cast.client("staff_a", A).post(
        path, body | (extra if "exhibitions" not in path else {}), format="json"
    )
    assert response.status_code == 422 and field in response.json()["errors"], response.content


def test_ending_a_consignment_on_the_last_possible_day_through_the_api(gallery: Gallery) -> None:
    client = gallery.cast.client("staff_a", A)
    path = f"/api/v1/consignments/{gallery.consignment.pk}/end/"
    assert client.post(path, {"ends_on": "9999-12-31"}, format="json").status_code == 422
    assert client.post(path, {"ends_on": None}, format="json").status_code == 200
    ended = client.post(path, {"ends_on": _today(gallery).isoformat()}, format="json")
    assert ended.status_code == 200 and ended.json()["ends_on"] == _today(gallery).isoformat()


# Statements


def test_a_statement_left_empty_by_cancellations_goes_away(gallery: Gallery) -> None:
    with schema_context("gresilles"):
        sale = _sell(gallery, gallery.works[0], now=timezone.now() - dt.timedelta(days=3))
        statement = payouts.draw_up_payout(
            artist=gallery.artist,
            period_start=_today(gallery) - dt.timedelta(days=10),
            period_end=_today(gallery) - dt.timedelta(days=1),
            actor=None,
        )
        sales.cancel_sale(sale=sale, actor=gallery.staff)
        assert not ArtistPayout.objects.filter(pk=statement.pk).exists()


def test_a_statement_waits_for_sales_decided_just_before_midnight(gallery: Gallery) -> None:
    tz = gallery.cast.venue_a.tzinfo
    today = _today(gallery)
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=tz)
    with schema_context("gresilles"):
        _sell(gallery, gallery.works[0], now=midnight - dt.timedelta(minutes=30))
        yesterday = today - dt.timedelta(days=1)
        with pytest.raises(InvalidInput):
            payouts.draw_up_payout(
                artist=gallery.artist,
                period_start=yesterday,
                period_end=yesterday,
                actor=None,
                now=midnight + dt.timedelta(minutes=5),
            )
        drawn = payouts.draw_up_payout(
            artist=gallery.artist,
            period_start=yesterday,
            period_end=yesterday,
            actor=None,
            now=midnight + dt.timedelta(minutes=15),
        )
        assert drawn.sales_count == 1


def test_statement_lines_show_the_venues_day_and_csv_cells_never_run_as_formulas(gallery: Gallery) -> None:
    tz = gallery.cast.venue_a.tzinfo
    today = _today(gallery)
    with schema_context("gresilles"):
        work = gallery.works[0]
        services.update_artwork(artwork=work, changes={"title": '=HYPERLINK("http://x")'}, actor=None)
        moment = dt.datetime.combine(
            today - dt.timedelta(days=2), dt.time(0, 30), tzinfo=tz
        )  # 23:30 UTC the day before
        _sell(gallery, work, now=moment)
        statement = payouts.draw_up_payout(
            artist=gallery.artist,
            period_start=today - dt.timedelta(days=5),
            period_end=today - dt.timedelta(days=1),
            actor=None,
        )
        csv_text = payouts.statement_csv(statement)
    line = csv_text.splitlines()[1].split(",")
    assert line[1] == (today - dt.timedelta(days=2)).isoformat()
    assert line[3].startswith("\"'=HYPERLINK")
    shown = gallery.cast.client("staff_a", A).get(f"/api/v1/payouts/{statement.pk}/").json()
    assert shown["lines"][0]["date"] == (today - dt.timedelta(days=2)).isoformat()


# Resales


def test_a_resale_owes_the_artist_the_resale_right_and_no_contribution(gallery: Gallery) -> None:
    today = _today(gallery)
    with schema_context("gresilles"):
        with pytest.raises(InvalidInput) as refused:
            _sell(gallery, gallery.works[0], resale=True)  # reduced rate: sales by the author only
        assert "vat_regime" in refused.value.fields
        sale = _sell(
            gallery, gallery.works[0], resale=True, vat_regime="margin", now=timezone.now() - dt.timedelta(days=2)
        )
        assert (sale.resale_right_applies, sale.resale_right_amount, sale.contribution) == (True, Decimal("37.33"), 0)
        assert sale.author_due == sale.resale_right_amount  # 4 % of 933.33 excl. VAT
        first = _sell(gallery, gallery.works[1], now=timezone.now() - dt.timedelta(days=2))
        statement = payouts.draw_up_payout(
            artist=gallery.artist,
            period_start=today - dt.timedelta(days=5),
            period_end=today - dt.timedelta(days=1),
            actor=None,
        )
        assert statement.net_due == first.artist_net + Decimal("37.33")
        assert {line.kind for line in payouts.statement_lines(statement)} == {"sale", "resale"}


# Works, artists, exhibitions


def test_a_consigned_works_artist_cannot_change(gallery: Gallery) -> None:
    client = gallery.cast.client("staff_a", A)
    other = client.post("/api/v1/artists/", {"name": "Ana Ferreira"}, format="json").json()["id"]
    refused = client.patch(f"/api/v1/artworks/{gallery.works[0].pk}/", {"artist": other}, format="json")
    assert refused.status_code == 409 and "artist" in refused.json()["errors"]
    fresh = client.post(
        "/api/v1/artworks/", {"artist": gallery.artist.pk, "title": "Neuve", "price": "10"}, format="json"
    ).json()
    moved = client.patch(f"/api/v1/artworks/{fresh['id']}/", {"artist": other}, format="json")
    assert moved.status_code == 200 and moved.json()["artist_name"] == "Ana Ferreira"


def test_erasing_an_artist_renames_them_on_exhibitions_too(gallery: Gallery) -> None:
    member = gallery.cast.people["member"]
    with schema_context("gresilles"):
        gallery.artist.person = member
        gallery.artist.save()
        exhibition = services.save_exhibition(
            exhibition=Exhibition(title="Objets", starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 12, 31)),
            artworks=gallery.works,
        )
        _sell(gallery, gallery.works[0], idempotency_key="sale-of-" + member.email)
    gdpr.erase_person(person=member, actor=None)
    latest = OutboxEvent.objects.filter(aggregate_type="exhibition", aggregate_id=str(exhibition.pk)).latest("version")
    assert latest.payload["artists"] == ["Anonymised artist %d" % gallery.artist.pk]
    with schema_context("gresilles"):
        assert Sale.objects.get().idempotency_key == "sale-of-" + member.email  # not a buyer: their key stays


def test_a_manager_may_not_delete_an_exhibition_in_the_admin(gallery: Gallery) -> None:
    with schema_context("gresilles"):
        exhibition = services.save_exhibition(
            exhibition=Exhibition(title="Objets", starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 12, 31))
        )
    manager = Client(HTTP_HOST=A)
    assert manager.login(email=gallery.manager.email, password=TEST_PASSWORD)
    assert manager.get(f"/admin/gallery/exhibition/{exhibition.pk}/delete/").status_code == 403


def test_saving_an_open_consignment_in_the_admin_and_extending_it_into_another(gallery: Gallery) -> None:
    today = _today(gallery)
    staff = Client(HTTP_HOST=A)
    assert staff.login(email=gallery.staff.email, password=TEST_PASSWORD)
    path = f"/admin/gallery/consignment/{gallery.consignment.pk}/change/"
    assert staff.post(path, {"ends_on": ""}).status_code == 302  # nothing changed: saved as it is
    assert staff.post(path, {"ends_on": (today + dt.timedelta(days=3)).isoformat()}).status_code == 302
    with schema_context("gresilles"):
        services.consign(
            artist=gallery.artist,
            commission_rate=Decimal(20),
            starts_on=today + dt.timedelta(days=4),
            ends_on=None,
            artworks=[gallery.works[0]],
        )
    reopened = staff.post(path, {"ends_on": ""}, follow=True)
    assert "Already consigned: %d." % gallery.works[0].pk in reopened.content.decode()
    with schema_context("gresilles"):
        assert ConsignedWork.objects.get(consignment=gallery.consignment, artwork=gallery.works[0]).period.upper == (
            today + dt.timedelta(days=4)
        )


def test_an_override_by_staff_is_fine_when_the_buyer_is_the_one_held_for(gallery: Gallery) -> None:
    with schema_context("gresilles"):
        sales.place_hold(
            artwork_id=gallery.works[0].pk,
            buyer=_buyer(),
            expires_at=timezone.now() + dt.timedelta(days=1),
            actor=gallery.staff,
        )
        sale = _sell(gallery, gallery.works[0], override=True)
        assert not sale.override and Hold.objects.get().status == Hold.Status.CONVERTED


# Odd requests


@pytest.mark.parametrize("artist", ["²", "١٢", "-1", "1.5", "9" * 19])
def test_odd_artist_filters_are_refused_not_a_500(gallery: Gallery, artist: str) -> None:
    response = gallery.cast.client("staff_a", A).get("/api/v1/artworks/", {"artist": artist})
    assert response.status_code == 422 and "artist" in response.json()["errors"]


def test_head_and_options_are_reads(gallery: Gallery) -> None:
    anonymous = gallery.cast.client("anonymous", A)
    assert anonymous.head("/api/v1/artworks/").status_code == 200
    assert anonymous.options("/api/v1/exhibitions/").status_code == 200


@pytest.mark.parametrize("body", [[1, 2], "a string", 42, None])
def test_bodies_that_are_not_objects_are_refused(gallery: Gallery, body: Any) -> None:
    response = gallery.cast.client("staff_a", A).post("/api/v1/sales/", body, format="json")
    assert response.status_code in (400, 422), response.content
    with schema_context("gresilles"):
        assert not Sale.objects.exists()
