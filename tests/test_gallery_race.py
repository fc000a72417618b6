"""Concurrent sales of one unique work against a live server: exactly one succeeds. The control run takes the
guards away (the row lock and the one-completed-sale index) and must show the race, or the test proves nothing.
And expired holds released by the beat task's path on a real Celery worker."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.gallery import sales, services
from tenants.gallery.models import Artwork, Hold, Sale
from tenants.gallery.tasks import release_expired_holds_everywhere
from tenants.models import Venue

from .federation_fixtures import make_cast
from .gallery_fixtures import Gallery, make_gallery
from .live import at_once, live_hub, request

N = 12
A = "gresilles.localhost"


@pytest.fixture
def stage(committed_db: None) -> Gallery:
    cast = make_cast(Venue.objects.get(schema_name="gresilles"), Venue.objects.get(schema_name="battants"))
    return make_gallery(cast)


def _storm(gallery: Gallery) -> Counter[int]:
    work = gallery.works[0]
    auth = {"Authorization": "Bearer " + gallery.cast.tokens["staff_a"]}

    def sell(i: int) -> int:
        body = {
            "artwork": work.pk,
            "buyer_name": "Buyer %d" % i,
            "buyer_email": "buyer%d@example.org" % i,
            "vat_regime": "reduced",
            "payment_method": "card",
        }
        return request(port, A, "POST", "/api/v1/sales/", body, auth)[0]

    with live_hub() as port:
        return Counter(at_once(N, sell))


def test_concurrent_sales_of_one_work_give_one_sale(stage: Gallery) -> None:
    statuses = _storm(stage)
    assert statuses == Counter({201: 1, 409: N - 1}), statuses
    with schema_context("gresilles"):
        assert Sale.objects.count() == 1
        assert Artwork.objects.get(pk=stage.works[0].pk).status == Artwork.Status.SOLD


def test_concurrent_retries_with_one_idempotency_key_replay_the_first_sale(stage: Gallery) -> None:
    body = {
        "artwork": stage.works[0].pk,
        "buyer_name": "Martine Roussel",
        "buyer_email": "martine@example.org",
        "vat_regime": "reduced",
        "payment_method": "card",
    }
    headers = {"Authorization": "Bearer " + stage.cast.tokens["staff_a"], "Idempotency-Key": "till-42"}
    with live_hub() as port:
        answers = at_once(6, lambda i: request(port, A, "POST", "/api/v1/sales/", body, headers))
    assert Counter(status for status, _body in answers) == Counter({201: 1, 200: 5}), answers
    assert len({answer["id"] for _status, answer in answers}) == 1
    with schema_context("gresilles"):
        assert Sale.objects.count() == 1


@contextmanager
def _without_the_guards(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def unlocked(artwork_id: int) -> Artwork:
        return Artwork.objects.select_related("artist").get(pk=artwork_id)

    monkeypatch.setattr(sales, "locked", unlocked)
    monkeypatch.setattr(services, "record_artwork", lambda artwork: None)  # outbox versions would serialise too
    with schema_context("gresilles"), connection.cursor() as cursor:
        cursor.execute("DROP INDEX gallery_sale_one_completed")
        try:
            yield
        finally:
            cursor.execute("DELETE FROM gallery_sale")
            cursor.execute(
                "CREATE UNIQUE INDEX gallery_sale_one_completed ON gallery_sale (artwork_id) WHERE status = 'completed'"
            )


def test_control_without_the_guards_the_race_sells_twice(stage: Gallery, monkeypatch: pytest.MonkeyPatch) -> None:
    with _without_the_guards(monkeypatch):
        statuses = _storm(stage)
        with schema_context("gresilles"):
            doubles = Sale.objects.filter(status="completed").count()
    assert statuses[201] > 1 and doubles > 1, statuses


def test_expired_holds_are_released_by_a_real_worker(stage: Gallery, celery_worker: Any) -> None:
    past = timezone.now() - dt.timedelta(hours=3)
    with schema_context("gresilles"):
        buyer = sales.BuyerInput(name="Jérôme Vidal", email="jerome@example.org")
        expired = sales.place_hold(
            artwork_id=stage.works[0].pk,
            buyer=buyer,
            expires_at=past + dt.timedelta(hours=1),
            actor=stage.staff,
            now=past,
        )
        running = sales.place_hold(
            artwork_id=stage.works[1].pk,
            buyer=buyer,
            expires_at=timezone.now() + dt.timedelta(days=1),
            actor=stage.staff,
        )

    assert release_expired_holds_everywhere.delay().get(timeout=30) == ["battants", "gresilles"]

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with schema_context("gresilles"):
            statuses = dict(Hold.objects.values_list("pk", "status"))
        if statuses[expired.pk] == Hold.Status.EXPIRED:
            break
        time.sleep(0.2)
    assert statuses == {expired.pk: Hold.Status.EXPIRED, running.pk: Hold.Status.ACTIVE}
    with schema_context("gresilles"):
        works = dict(Artwork.objects.filter(pk__in=[w.pk for w in stage.works[:2]]).values_list("pk", "status"))
    assert works == {stage.works[0].pk: Artwork.Status.AVAILABLE, stage.works[1].pk: Artwork.Status.ON_HOLD}
