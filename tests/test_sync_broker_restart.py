"""The broker really stopped and started again: changes made while Redis is down commit all the same, their
events wait in the outbox, and the backlog drains once Redis is back. The broker here is a redis-server of the
test's own (the suite's Redis also holds the cache), so the test needs the `redis-server` binary: installed
by .ci/external-services, where it runs."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django_tenants.utils import schema_context

from hub.celery import app
from shared_catalog.models import CatalogueEntry
from sync import relay
from sync.tasks import drain_outbox
from tenants.coworking.events import save_resource
from tenants.coworking.models import Resource
from tenants.models import Venue

REDIS_SERVER = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Broker:
    def __init__(self, directory: Path):
        self.port, self.directory = _free_port(), directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return "redis://127.0.0.1:%d/0" % self.port

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        assert _eventually(self._answers, 10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False


def _eventually(check: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


@pytest.fixture
def own_broker(committed_db: None, tmp_path: Path) -> Iterator[Broker]:
    broker = Broker(tmp_path)
    broker.start()
    saved = app.conf.broker_url
    _point_at(broker.url)
    try:
        yield broker
    finally:
        _point_at(saved)
        broker.stop()


def _point_at(url: str) -> None:
    """Send the app's messages to `url` from now on (its connection and producer pools are per broker)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def _shown(room: Resource) -> Callable[[], bool]:
    return lambda: CatalogueEntry.objects.filter(
        source_type="resource", source_id=str(room.pk), published=True
    ).exists()


@pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server binary (.ci/external-services installs it)")
def test_a_stopped_broker_delays_events_and_the_backlog_drains_after_restart(own_broker: Broker) -> None:
    venue = Venue.objects.get(schema_name="gresilles")
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=15):
        with schema_context("gresilles"):
            first = save_resource(venue=venue, resource=Resource(name="Salle avant", kind="meeting_room"))
        assert _eventually(_shown(first))  # the worker listens on this broker

        own_broker.stop()
        with schema_context("gresilles"):  # Redis is down: the change still commits
            second = save_resource(venue=venue, resource=Resource(name="Salle pendant", kind="meeting_room"))
        time.sleep(1)
        assert not _shown(second)() and relay.backlog()["backlog"] >= 1  # delayed, not lost

        own_broker.start()

        def beat_sends_a_drain() -> bool:  # what the beat schedule does every few seconds
            try:
                drain_outbox.apply_async(ignore_result=True, expires=30)
            except Exception:  # the producer may need a moment to reconnect
                return False
            return _eventually(_shown(second), 3)

        assert _eventually(beat_sends_a_drain, 60)
    assert relay.backlog()["backlog"] == 0
    with schema_context("gresilles"):
        assert Resource.objects.filter(name__in=["Salle avant", "Salle pendant"]).count() == 2
