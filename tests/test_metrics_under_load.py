"""Found by the load benchmark (bench/load.py): a request answered 500 because recording its metrics failed.

Two gunicorn threads of one process handling their first requests at once both create the metrics Redis
client in `hub.metrics._redis()`; the one that loses is dropped while its pipeline still uses its
connection, and redis-py closes a client's connection pool when the client is garbage-collected. The other
thread's socket is closed under it, and redis-py raises `ValueError: I/O operation on closed file` (or an
AttributeError), which `_safely` does not catch: the request becomes a 500, against the module's promise
("if Redis is down the figure is lost, never the request").

The fix belongs in hub/metrics.py (keep the client referenced while it is used, create it under a lock, and
treat any exception of the recording as a lost figure). That module is outside this branch's remit, so the
regression test is marked as an expected failure until the fix lands; `strict` makes it fail once fixed,
so that the marker is removed then.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hub import metrics


class _ClosedUnderneath:
    """A client whose socket another thread closed: what redis-py raises then."""

    def pipeline(self, transaction: bool = False) -> Any:
        return self

    def hincrby(self, *args: Any) -> None:
        pass

    hincrbyfloat = hincrby

    def execute(self) -> None:
        raise ValueError("I/O operation on closed file.")


@pytest.fixture
def _closed_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(metrics, "_redis", lambda: _ClosedUnderneath())
    monkeypatch.setattr(metrics, "_paused_until", 0.0)
    yield


@pytest.mark.xfail(strict=True, reason="hub/metrics.py lets a redis-py ValueError through (see the module doc)")
@pytest.mark.usefixtures("_closed_client")
def test_a_failure_to_record_a_figure_never_fails_the_request() -> None:
    metrics.record_request(method="GET", view="index", status=200, seconds=0.01)  # must not raise

    assert metrics._paused_until > 0  # recording pauses, as after any Redis failure
