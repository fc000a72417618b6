"""The opt-in Server-Timing header (hub.server_timing) that the load benchmark reads: off by default; when on,
it counts every SQL statement of the request (the venue lookup included) and their time within the request's."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from federation.models import User
from hub import server_timing
from tenants.models import Venue

from .conftest import client_for

HEADER = re.compile(r'^db;dur=(?P<db>\d+\.\d{2});desc="(?P<queries>\d+) queries", app;dur=(?P<app>\d+\.\d{2})$')


def _timing(response: Any) -> dict[str, float]:
    match = HEADER.match(response["Server-Timing"])
    assert match, response["Server-Timing"]
    return {name: float(value) for name, value in match.groupdict().items()}


def test_there_is_no_header_unless_it_is_asked_for(venue_a: Venue, member: User) -> None:
    response = client_for("gresilles.localhost", member).get("/api/v1/resources/")

    assert response.status_code == 200
    assert not response.has_header("Server-Timing")


@override_settings(HUB_SERVER_TIMING=True)
def test_the_header_counts_every_statement_of_the_request_and_their_time(venue_a: Venue, member: User) -> None:
    client = client_for("gresilles.localhost", member)  # built after the setting: its stack has the middleware
    client.get("/api/v1/resources/")  # the host lookup is cached from here on

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/resources/")

    assert response.status_code == 200
    timing = _timing(response)
    assert timing["queries"] == len(queries) > 0
    assert 0 < timing["db"] <= timing["app"]


@override_settings(HUB_SERVER_TIMING=True)
def test_sql_time_is_measured_not_guessed(venue_a: Venue, member: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each statement made 30 ms slower (in the cursor, below every execute wrapper) shows up in `db`."""
    execute = CursorWrapper._execute  # type: ignore[attr-defined]

    def slow(self: CursorWrapper, *args: Any) -> Any:
        time.sleep(0.03)
        return execute(self, *args)

    client = client_for("gresilles.localhost", member)
    client.get("/api/v1/resources/")
    monkeypatch.setattr(CursorWrapper, "_execute", slow)
    response = client.get("/api/v1/resources/")

    timing = _timing(response)
    assert timing["queries"] > 0
    assert timing["db"] >= 30 * timing["queries"]
    assert timing["app"] >= timing["db"]


def test_the_header_value_is_in_milliseconds() -> None:
    value = server_timing.header_value(app_seconds=0.0125, db_seconds=0.00341, queries=7)

    assert value == 'db;dur=3.41;desc="7 queries", app;dur=12.50'
