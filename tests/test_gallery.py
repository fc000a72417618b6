"""The gallery's services: the status machine, editions, consignments, holds, sales, payouts, outbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone
from django_tenants.utils import schema_context

from hub.errors import Conflict, InvalidInput
from sync.models import OutboxEvent
from tenants.gallery import payouts, sales, services
from tenants.gallery.models import (
    ArtistPayout,
    Artwork,
    ArtworkStatusChange,
    ConsignedWork,
    Hold,
    Sale,
)
from tenants.gallery.services import ALLOWED, MANUAL

from .gallery_fixtures import Gallery

S = Artwork.Status
A = "gresilles"


def _buyer(name: str = "Martine Roussel", email: str = "martine@example.org") -> sales.BuyerInput:
    return sales.BuyerInput(name=name, email=email)


def _sell(gallery: Gallery, work: Artwork, **extra: object) -> sales.SaleResult:
    options: dict[str, object] = {
        "artwork_id": work.pk,
        "buyer": _buyer(),
        "vat_regime": "reduced",
        "payment_method": "card",
        "actor": gallery.staff,
    } | extra
    return sales.sell(**options)  # type: ignore[arg-type]


# The status machine

MANUAL_CASES = [(current, wanted) for current in S.values for wanted in sorted(MANUAL)]


@pytest.mark.parametrize(("current", "wanted"), MANUAL_CASES)
def test_staff_status_changes_follow_the_machine(gallery: Gallery, current: str, wanted: str) -> None:
    work = gallery.works[0]
    with schema_context(A):
        Artwork.objects.filter(pk=work.pk).update(status=current)
        before = ArtworkStatusChange.objects.filter(artwork=work).count()
        allowed = wanted in ALLOWED[current] and current not in (S.ON_HOLD, S.SOLD)
        if allowed:
            services.set_status(artwork=work, status=wanted, actor=gallery.staff, reason="test")
            assert Artwork.objects.get(pk=work.pk).status == wanted
            last = ArtworkStatusChange.objects.filter(artwork=work).latest("id")
            assert (last.from_status, last.to_status, last.actor, last.reason) == (
                current,
                wanted,
                gallery.staff,
                "test",
            )
        else:
            with pytest.raises(Conflict):
                services.set_status(artwork=work, status=wanted, actor=gallery.staff)
            assert Artwork.objects.get(pk=work.pk).status == current
            assert ArtworkStatusChange.objects.filter(artwork=work).count() == before


def test_the_machine_itself() -> None:
    # what each status may become, the one table every service obeys
    assert {
        S.NOT_FOR_SALE: {S.AVAILABLE, S.RETURNED},
        S.AVAILABLE: {S.ON_HOLD, S.SOLD, S.RETURNED, S.NOT_FOR_SALE},
        S.ON_HOLD: {S.AVAILABLE, S.SOLD, S.NOT_FOR_SALE},
        S.SOLD: {S.AVAILABLE, S.NOT_FOR_SALE},
        S.RETURNED: {S.AVAILABLE, S.NOT_FOR_SALE},
    } == ALLOWED


def test_holds_and_sales_are_not_set_by_hand(gallery: Gallery) -> None:
    with schema_context(A), pytest.raises(InvalidInput):
        services.set_status(artwork=gallery.works[0], status=S.SOLD, actor=gallery.staff)


def test_a_work_goes_on_sale_only_under_a_consignment(gallery: Gallery) -> None:
    with schema_context(A):
        loose = services.create_artwork(
            actor=None, fields={"artist": gallery.artist, "title": "Hors dépôt", "price": Decimal("10")}
        )
        with pytest.raises(Conflict) as refused:
            services.set_status(artwork=loose, status=S.AVAILABLE, actor=gallery.staff)
        assert "consignment" in refused.value.fields
        assert Artwork.objects.get(pk=loose.pk).status == S.NOT_FOR_SALE
        with pytest.raises(Conflict):
            _sell(gallery, loose)


def test_the_history_tells_the_whole_story(gallery: Gallery) -> None:
    work = gallery.works[0]
    with schema_context(A):
        hold = sales.place_hold(
            artwork_id=work.pk, buyer=_buyer(), expires_at=timezone.now() + dt.timedelta(days=1), actor=gallery.staff
        )
        sales.release_hold(hold=hold, actor=gallery.staff)
        sale = _sell(gallery, work).sale
        sales.cancel_sale(sale=sale, actor=gallery.staff, reason="changed their mind")
        steps = list(ArtworkStatusChange.objects.filter(artwork=work).values_list("from_status", "to_status"))
    assert steps == [
        ("", S.NOT_FOR_SALE),
        (S.NOT_FOR_SALE, S.AVAILABLE),
        (S.AVAILABLE, S.ON_HOLD),
        (S.ON_HOLD, S.AVAILABLE),
        (S.AVAILABLE, S.SOLD),
        (S.SOLD, S.AVAILABLE),
    ]


# Editions


def test_editions_are_numbered_within_their_size_and_share_the_sets_data(gallery: Gallery) -> None:
    with schema_context(A):
        edition_set = services.create_artwork(
            actor=None,
            fields={
                "artist": gallery.artist,
                "title": "Rue Battant",
                "medium": "sérigraphie",
                "price": Decimal("120"),
                "edition_size": 3,
            },
        )
        first = services.create_artwork(actor=None, fields={"edition_of": edition_set, "edition_number": 1})
        assert (first.title, first.medium, first.price, first.edition_size, str(first)) == (
            "Rue Battant",
            "sérigraphie",
            Decimal("120"),
            3,
            "Rue Battant (1/3)",
        )
        for number in (0, 4):
            with pytest.raises(InvalidInput) as refused:
                services.create_artwork(actor=None, fields={"edition_of": edition_set, "edition_number": number})
            assert "edition_number" in refused.value.fields
        with pytest.raises(InvalidInput):
            services.create_artwork(actor=None, fields={"edition_of": edition_set, "edition_number": 1})
        with pytest.raises(InvalidInput):  # a piece is not a set
            services.create_artwork(actor=None, fields={"edition_of": gallery.works[0], "edition_number": 1})
        assert Artwork.objects.filter(edition_of=edition_set).count() == 1

        services.update_artwork(artwork=edition_set, changes={"title": "Rue Battant, 2026"}, actor=None)
        assert Artwork.objects.get(pk=first.pk).title == "Rue Battant, 2026"
        with pytest.raises(InvalidInput):
            services.update_artwork(artwork=first, changes={"title": "Autre"}, actor=None)
        services.update_artwork(artwork=first, changes={"price": Decimal("150")}, actor=None)  # its own
        with pytest.raises(Conflict):
            services.set_status(artwork=edition_set, status=S.AVAILABLE, actor=gallery.staff)


def test_the_database_refuses_an_edition_number_above_its_size(gallery: Gallery) -> None:
    with schema_context(A):
        edition_set = services.create_artwork(
            actor=None, fields={"artist": gallery.artist, "title": "Série", "price": Decimal("50"), "edition_size": 2}
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Artwork.objects.create(
                artist=gallery.artist,
                title="x",
                price=Decimal("50"),
                edition_of=edition_set,
                edition_number=3,
                edition_size=2,
            )


# Consignments


def test_overlapping_consignments_of_a_work_are_refused(gallery: Gallery) -> None:
    work = gallery.works[0]
    with schema_context(A):
        start = gallery.consignment.starts_on + dt.timedelta(days=10)
        with pytest.raises(Conflict) as refused:
            services.consign(
                artist=gallery.artist, commission_rate=Decimal(30), starts_on=start, ends_on=None, artworks=[work]
            )
        assert str(work.pk) in refused.value.fields["artworks"][0]
        # closed first, the next one may follow it
        services.end_consignment(consignment=gallery.consignment, ends_on=start - dt.timedelta(days=1))
        services.consign(
            artist=gallery.artist, commission_rate=Decimal(30), starts_on=start, ends_on=None, artworks=[work]
        )
        assert ConsignedWork.objects.filter(artwork=work).count() == 2
        # and the database itself refuses an overlap the service did not see
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsignedWork.objects.create(
                consignment=gallery.consignment, artwork=work, period=DateRange(start, start + dt.timedelta(days=3))
            )


@pytest.mark.parametrize("rate", ["-0.01", "100.01", "1000"])
def test_a_commission_outside_0_to_100_is_refused(gallery: Gallery, rate: str) -> None:
    with schema_context(A):
        loose = services.create_artwork(
            actor=None, fields={"artist": gallery.artist, "title": "x", "price": Decimal(5)}
        )
        with pytest.raises(InvalidInput) as refused:
            services.consign(
                artist=gallery.artist,
                commission_rate=Decimal(rate),
                starts_on=dt.date(2026, 1, 1),
                ends_on=None,
                artworks=[loose],
            )
        assert "commission_rate" in refused.value.fields
        assert not ConsignedWork.objects.filter(artwork=loose).exists()


def test_only_the_artists_own_works_are_consigned(gallery: Gallery) -> None:
    with schema_context(A):
        other = services.create_artist(name="Ana Ferreira")
        with pytest.raises(InvalidInput) as refused:
            services.consign(
                artist=other,
                commission_rate=Decimal(30),
                starts_on=dt.date(2030, 1, 1),
                ends_on=None,
                artworks=[gallery.works[0]],
            )
        assert "artworks" in refused.value.fields


# Holds and sales


def test_a_held_work_is_sold_to_its_buyer_and_to_no_one_else_but_by_a_manager(gallery: Gallery) -> None:
    work, other_work = gallery.works[0], gallery.works[1]
    with schema_context(A):
        tomorrow = timezone.now() + dt.timedelta(days=1)
        sales.place_hold(artwork_id=work.pk, buyer=_buyer(), expires_at=tomorrow, actor=gallery.staff)
        with pytest.raises(Conflict):  # a second hold
            sales.place_hold(artwork_id=work.pk, buyer=_buyer("B", "b@x.org"), expires_at=tomorrow, actor=gallery.staff)
        with pytest.raises(Conflict):
            _sell(gallery, work, buyer=_buyer("Someone Else", "else@example.org"))
        with pytest.raises(sales.NotAllowed):
            _sell(gallery, work, buyer=_buyer("Someone Else", "else@example.org"), override=True)
        assert not Sale.objects.exists()

        sold = _sell(gallery, work, buyer=_buyer("Martine R.", "MARTINE@example.org")).sale  # the buyer held for
        assert sold.hold is not None and not sold.override
        assert Hold.objects.get(pk=sold.hold.pk).status == Hold.Status.CONVERTED

        sales.place_hold(artwork_id=other_work.pk, buyer=_buyer(), expires_at=tomorrow, actor=gallery.staff)
        overridden = _sell(
            gallery, other_work, buyer=_buyer("Else", "else@example.org"), actor=gallery.manager, override=True
        ).sale
        assert overridden.override
        assert Hold.objects.get(artwork=other_work).status == Hold.Status.OVERRIDDEN


@pytest.mark.parametrize("status", [S.SOLD, S.RETURNED, S.NOT_FOR_SALE])
def test_a_sold_returned_or_withdrawn_work_is_not_sold(gallery: Gallery, status: str) -> None:
    work = gallery.works[0]
    with schema_context(A):
        if status == S.SOLD:
            _sell(gallery, work)
        else:
            services.set_status(artwork=work, status=status, actor=gallery.staff)
        count = Sale.objects.count()
        with pytest.raises(Conflict):
            _sell(gallery, work, buyer=_buyer("Other", "other@example.org"))
        assert Sale.objects.count() == count


def test_an_expired_hold_binds_no_one(gallery: Gallery) -> None:
    work = gallery.works[0]
    with schema_context(A):
        past = timezone.now() - dt.timedelta(days=2)
        sales.place_hold(
            artwork_id=work.pk, buyer=_buyer(), expires_at=past + dt.timedelta(days=1), actor=gallery.staff, now=past
        )
        sale = _sell(gallery, work, buyer=_buyer("Other", "other@example.org")).sale
        assert sale.hold is None and not sale.override
        assert Hold.objects.get(artwork=work).status == Hold.Status.EXPIRED


def test_release_expired_holds_frees_the_works(gallery: Gallery) -> None:
    with schema_context(A):
        now = timezone.now()
        sales.place_hold(
            artwork_id=gallery.works[0].pk, buyer=_buyer(), expires_at=now + dt.timedelta(hours=1), actor=gallery.staff
        )
        sales.place_hold(
            artwork_id=gallery.works[1].pk, buyer=_buyer(), expires_at=now + dt.timedelta(days=3), actor=gallery.staff
        )
        assert sales.release_expired_holds(now=now + dt.timedelta(hours=2)) == 1
        assert sales.release_expired_holds(now=now + dt.timedelta(hours=2)) == 0
        statuses = dict(Artwork.objects.filter(pk__in=[w.pk for w in gallery.works[:2]]).values_list("pk", "status"))
        assert statuses == {gallery.works[0].pk: S.AVAILABLE, gallery.works[1].pk: S.ON_HOLD}


@pytest.mark.parametrize(
    ("delta", "field"), [(dt.timedelta(minutes=-1), "expires_at"), (dt.timedelta(days=91), "expires_at")]
)
def test_a_hold_ends_in_the_future_and_within_90_days(gallery: Gallery, delta: dt.timedelta, field: str) -> None:
    with schema_context(A):
        with pytest.raises(InvalidInput) as refused:
            sales.place_hold(
                artwork_id=gallery.works[0].pk, buyer=_buyer(), expires_at=timezone.now() + delta, actor=gallery.staff
            )
        assert field in refused.value.fields
        assert not Hold.objects.exists()


def test_a_sale_needs_a_buyer(gallery: Gallery) -> None:
    with schema_context(A), pytest.raises(InvalidInput) as refused:
        _sell(gallery, gallery.works[0], buyer=sales.BuyerInput(name="Only a name"))
    assert "buyer" in refused.value.fields


def test_the_same_idempotency_key_returns_the_first_sale_and_refuses_another_body(gallery: Gallery) -> None:
    work = gallery.works[0]
    with schema_context(A):
        first = _sell(gallery, work, idempotency_key="k-1")
        again = _sell(gallery, work, idempotency_key="k-1")
        assert (first.replayed, again.replayed, again.sale.pk) == (False, True, first.sale.pk)
        with pytest.raises(InvalidInput) as refused:
            _sell(gallery, gallery.works[1], idempotency_key="k-1")
        assert "idempotency_key" in refused.value.fields
        assert Sale.objects.count() == 1


def test_cancelling_a_sale_puts_the_work_back_on_sale(gallery: Gallery) -> None:
    work = gallery.works[0]
    with schema_context(A):
        sale = _sell(gallery, work).sale
        cancelled = sales.cancel_sale(sale=sale, actor=gallery.staff, reason="refused delivery")
        assert (cancelled.status, Artwork.objects.get(pk=work.pk).status) == (Sale.Status.CANCELLED, S.AVAILABLE)
        with pytest.raises(Conflict):
            sales.cancel_sale(sale=cancelled, actor=gallery.staff)
        again = _sell(gallery, work, buyer=_buyer("Other", "o@example.org")).sale  # may be sold again
        assert again.status == Sale.Status.COMPLETED


def test_only_one_completed_sale_per_work_in_the_database(gallery: Gallery) -> None:
    work = gallery.works[0]
    with schema_context(A):
        twin = _sell(gallery, work).sale
        twin.pk, twin.idempotency_key = None, ""
        with pytest.raises(IntegrityError), transaction.atomic():
            twin.save()  # a second completed sale of the same work, bypassing the service


# Payouts


def _sell_at(gallery: Gallery, work: Artwork, when: dt.datetime, **extra: object) -> Sale:
    return _sell(gallery, work, now=when, **extra).sale


def test_a_statement_sums_exactly_to_the_sales_of_its_period(cast: object) -> None:
    from .gallery_fixtures import make_gallery

    gallery = make_gallery(cast, commission="33.33", prices=("999.99", "0.01", "333.33", "1234.56"))  # type: ignore[arg-type]
    tz = gallery.cast.venue_a.tzinfo
    today = timezone.now().astimezone(tz).date()
    start = today - dt.timedelta(days=20)
    with schema_context(A):
        for days, (work, regime) in enumerate(
            zip(gallery.works, ["reduced", "standard", "margin", "exempt"], strict=True)
        ):
            moment = dt.datetime.combine(start + dt.timedelta(days=days * 3), dt.time(12), tzinfo=tz)
            _sell_at(gallery, work, moment, vat_regime=regime)
        payout = payouts.draw_up_payout(
            artist=gallery.artist, period_start=start, period_end=today - dt.timedelta(days=1), actor=gallery.staff
        )
        lines = Sale.objects.filter(payout=payout)
        assert lines.count() == payout.sales_count == 4
        assert payout.net_due == sum(s.artist_net for s in lines)
        assert payout.commission == sum(s.commission for s in lines)
        assert payout.contribution == sum(s.contribution for s in lines)
        assert payout.gross == sum(s.price for s in lines) == Decimal("2567.89")
        assert payout.gross == payout.vat + payout.commission + payout.net_due
        csv_rows = payouts.statement_csv(payout).splitlines()
        assert csv_rows[0].startswith("kind,date,sale")
        assert csv_rows[-1] == "total,,,,2567.89,%s,%s,%s,%s" % (
            payout.vat,
            payout.commission,
            payout.contribution,
            payout.net_due,
        )
        assert sum(Decimal(row.split(",")[8]) for row in csv_rows[1:-1]) == payout.net_due
        with pytest.raises(InvalidInput):  # nothing left to pay for the same days
            payouts.draw_up_payout(
                artist=gallery.artist, period_start=start, period_end=start + dt.timedelta(days=1), actor=None
            )


def test_statements_do_not_overlap_and_cover_only_past_days(gallery: Gallery) -> None:
    tz = gallery.cast.venue_a.tzinfo
    today = timezone.now().astimezone(tz).date()
    with schema_context(A):
        _sell_at(gallery, gallery.works[0], timezone.now() - dt.timedelta(days=10))
        _sell_at(gallery, gallery.works[1], timezone.now() - dt.timedelta(days=3))
        with pytest.raises(InvalidInput) as refused:
            payouts.draw_up_payout(
                artist=gallery.artist, period_start=today - dt.timedelta(days=30), period_end=today, actor=None
            )
        assert "period_end" in refused.value.fields
        payouts.draw_up_payout(
            artist=gallery.artist,
            period_start=today - dt.timedelta(days=30),
            period_end=today - dt.timedelta(days=5),
            actor=None,
        )
        with pytest.raises(Conflict):
            payouts.draw_up_payout(
                artist=gallery.artist,
                period_start=today - dt.timedelta(days=6),
                period_end=today - dt.timedelta(days=1),
                actor=None,
            )
        assert ArtistPayout.objects.count() == 1


def test_cancel_before_payment_leaves_the_statement_refund_after_is_deducted_next_time(gallery: Gallery) -> None:
    tz = gallery.cast.venue_a.tzinfo
    now = timezone.now()
    today = now.astimezone(tz).date()
    with schema_context(A):
        first = _sell_at(gallery, gallery.works[0], now - dt.timedelta(days=10))
        second = _sell_at(gallery, gallery.works[1], now - dt.timedelta(days=9))
        statement = payouts.draw_up_payout(
            artist=gallery.artist,
            period_start=today - dt.timedelta(days=12),
            period_end=today - dt.timedelta(days=8),
            actor=None,
        )
        assert statement.sales_count == 2
        sales.cancel_sale(sale=second, actor=gallery.staff, now=now - dt.timedelta(days=7))  # not paid yet
        statement.refresh_from_db()
        assert (statement.sales_count, statement.net_due) == (1, first.artist_net)

        payouts.mark_paid(payout=statement, actor=gallery.manager, reference="VIR-2026-11")
        with pytest.raises(Conflict):
            payouts.mark_paid(payout=statement, actor=gallery.manager)
        refunded = sales.cancel_sale(sale=first, actor=gallery.staff, now=now - dt.timedelta(days=5))
        assert refunded.status == Sale.Status.REFUNDED
        third = _sell_at(gallery, gallery.works[2], now - dt.timedelta(days=4))
        following = payouts.draw_up_payout(
            artist=gallery.artist,
            period_start=today - dt.timedelta(days=7),
            period_end=today - dt.timedelta(days=1),
            actor=None,
        )
        assert (following.sales_count, following.refunds_count) == (1, 1)
        assert following.net_due == third.artist_net - first.artist_net
        assert following.contribution == third.contribution - first.contribution
        assert "refund," in payouts.statement_csv(following)


# Outbox


def test_works_on_sale_and_exhibitions_reach_the_outbox(gallery: Gallery) -> None:
    from tenants.gallery.models import Exhibition

    work = gallery.works[0]
    with schema_context(A):
        _sell(gallery, work)
        exhibition = services.save_exhibition(
            exhibition=Exhibition(title="Objets", starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 12, 31)),
            artworks=gallery.works,
        )
    events = OutboxEvent.objects.filter(aggregate_type="artwork", aggregate_id=str(work.pk)).order_by("version")
    assert [(e.version, e.payload["status"], e.payload["published"]) for e in events] == [
        (1, S.AVAILABLE, True),
        (2, S.SOLD, False),
    ]
    assert events[0].payload["artist"] == "Julie Marchand" and events[0].payload["price"] == "1000.00"
    shown = OutboxEvent.objects.get(aggregate_type="exhibition", aggregate_id=str(exhibition.pk))
    assert shown.payload["artworks"] == [w.pk for w in gallery.works] and shown.payload["published"]


def test_a_refused_sale_leaves_no_event_and_no_row(gallery: Gallery) -> None:
    work = gallery.works[0]
    with schema_context(A):
        services.set_status(artwork=work, status=S.NOT_FOR_SALE, actor=gallery.staff)
        before = OutboxEvent.objects.count()
        with pytest.raises(Conflict):
            _sell(gallery, work)
        assert OutboxEvent.objects.count() == before and not Sale.objects.exists()
