"""While PostgreSQL cannot be reached (restarting, failing over), requests get a 503 with Retry-After that a
client may retry, not a 500: found by `bench/load.py --faults`, which restarts PostgreSQL under load."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client


@pytest.fixture
def database_unreachable(committed_db: None) -> Any:
    """The next connection goes to a port nobody listens on (connection refused, as while PostgreSQL restarts)."""
    real = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(real)  # before committed_db empties the tables


@pytest.mark.parametrize(
    ("host", "path"),
    [
        ("gresilles.localhost", "/api/v1/events/"),  # a venue host: the host lookup is cached, the list is not
        ("localhost", "/api/v1/catalogue/"),
    ],
)
def test_an_unreachable_database_is_a_503_to_retry(database_unreachable: None, host: str, path: str) -> None:
    response = Client(HTTP_HOST=host, raise_request_exception=False).get(path)
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable"


def test_any_other_failure_is_still_a_500(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.rest import catalogue_views

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(catalogue_views.CatalogueView, "get", broken)
    response = Client(HTTP_HOST="localhost", raise_request_exception=False).get("/api/v1/catalogue/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_graphql_answers_an_outage_with_a_503_too(database_unreachable: None) -> None:
    response = Client(HTTP_HOST="localhost").post(
        "/graphql/", {"query": "{ venues { slug } }"}, content_type="application/json"
    )
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
