"""Found by the load benchmark (bench/load.py --faults): while Redis was down, every write waited about 6 s
after its commit for the relay's nudge to give up (the Redis client's connection retries), so six gunicorn
threads answered nothing else and every request of the outage took seconds. After a failed nudge, nudges now
pause for a few seconds (beat drains the outbox meanwhile); the change itself always stands."""

from __future__ import annotations

from typing import Any

import pytest

from sync import outbox, tasks


class DownBroker:
    """A broker that refuses every message, and the clock the outbox reads."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.attempts: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def apply_async(self, *args: Any, **kwargs: Any) -> None:
        self.attempts.append(self.now)
        raise ConnectionError("Error 111 connecting to the broker. Connection refused.")


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> DownBroker:
    down = DownBroker()
    monkeypatch.setattr(tasks.drain_outbox, "apply_async", down.apply_async)
    monkeypatch.setattr(outbox, "time", down)
    return down


def test_after_a_failed_nudge_the_next_writes_do_not_wait_for_the_broker(broker: DownBroker) -> None:
    outbox.nudge_relay()  # the first write after the broker went away pays for finding out
    for _ in range(5):
        broker.now += 0.5
        outbox.nudge_relay()  # these return at once

    assert broker.attempts == [1000.0]


def test_nudges_try_again_once_the_pause_is_over(broker: DownBroker) -> None:
    outbox.nudge_relay()
    broker.now += outbox.PAUSE_AFTER_FAILURE + 0.1
    outbox.nudge_relay()

    assert broker.attempts == [1000.0, 1000.0 + outbox.PAUSE_AFTER_FAILURE + 0.1]


def test_nudges_that_reach_the_broker_never_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.drain_outbox, "apply_async", lambda **options: sent.append(options))

    outbox.nudge_relay()
    outbox.nudge_relay()

    assert len(sent) == 2 and outbox._paused_until == 0.0
