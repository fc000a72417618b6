"""Writes are limited per client (token or person) and per address, REST and GraphQL alike; reads are not;
the counts are exact under concurrent clients; a 429 says when to come back."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connections
from django.test import override_settings
from rest_framework.test import APIClient

from federation.models import User
from federation.tokens import create_api_token

from .factories import UserFactory

FEDERATION = "localhost"
CANCEL = 'mutation { cancelBooking(booking: "gresilles/booking/999999") { errors { code } } }'


def _client(user: User, address: str = "127.0.0.1") -> APIClient:
    client = APIClient(HTTP_HOST=FEDERATION, REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION="Bearer " + create_api_token(user=user).secret)
    return client


def _write(client: APIClient) -> Any:
    return client.post("/api/v1/me/tokens/", {"name": "script"}, format="json")


@override_settings(HUB_WRITES_PER_MINUTE_PER_CLIENT=3, HUB_WRITES_PER_MINUTE_PER_ADDRESS=100)
def test_a_token_gets_its_writes_per_minute_then_429_with_retry_after(db: None) -> None:
    person = UserFactory.create()
    client = _client(person)

    assert [_write(client).status_code for _ in range(3)] == [201, 201, 201]
    refused = _write(client)

    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert client.get("/api/v1/me/tokens/").status_code == 200  # reads are not counted
    assert _write(_client(person)).status_code == 429  # another token of the same person: the same count
    assert _write(_client(UserFactory.create())).status_code == 201  # another person: their own


@override_settings(HUB_WRITES_PER_MINUTE_PER_CLIENT=100, HUB_WRITES_PER_MINUTE_PER_ADDRESS=3)
def test_an_address_gets_its_writes_per_minute_whatever_the_tokens(db: None) -> None:
    tokens = [_client(UserFactory.create(), address="203.0.113.5") for _ in range(4)]
    assert [_write(client).status_code for client in tokens] == [201, 201, 201, 429]
    assert _write(_client(UserFactory.create(), address="203.0.113.6")).status_code == 201


@override_settings(HUB_WRITES_PER_MINUTE_PER_CLIENT=2, HUB_WRITES_PER_MINUTE_PER_ADDRESS=100)
def test_graphql_mutations_count_as_writes_and_queries_do_not(db: None) -> None:
    client = _client(UserFactory.create())

    def post(query: str) -> Any:
        return client.post("/graphql/", data=json.dumps({"query": query}), content_type="application/json")

    assert [post(CANCEL).status_code for _ in range(2)] == [200, 200]
    refused = post(CANCEL)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many changes" in refused.json()["errors"][0]["message"]
    assert post("{ venues { slug } }").status_code == 200
    batch = client.post(
        "/graphql/",
        data=json.dumps([{"query": CANCEL}, {"query": "{ venues { slug } }"}]),
        content_type="application/json",
    )
    assert [answer["status"] for answer in batch.json()] == [429, 200]
    assert batch.status_code == 200  # one operation ran: the batch as a whole is not to be retried
    refused_batch = client.post("/graphql/", data=json.dumps([{"query": CANCEL}]), content_type="application/json")
    assert refused_batch.status_code == 429 and int(refused_batch["Retry-After"]) > 0


@override_settings(HUB_WRITES_PER_MINUTE_PER_CLIENT=5, HUB_WRITES_PER_MINUTE_PER_ADDRESS=100)
def test_concurrent_writes_are_counted_exactly(committed_db: None) -> None:
    person = UserFactory.create()
    secret = create_api_token(user=person).secret

    def write(_: int) -> int:
        try:
            client = APIClient(HTTP_HOST=FEDERATION)
            client.credentials(HTTP_AUTHORIZATION="Bearer " + secret)
            return int(_write(client).status_code)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = sorted(pool.map(write, range(12)))

    assert statuses == [201] * 5 + [429] * 7


@override_settings(HUB_WRITES_PER_MINUTE_PER_CLIENT=1, HUB_WRITES_PER_MINUTE_PER_ADDRESS=100)
def test_the_refusal_speaks_french(db: None) -> None:
    client = _client(UserFactory.create())
    client.post("/graphql/", data=json.dumps({"query": CANCEL}), content_type="application/json")
    refused = client.post(
        "/graphql/", data=json.dumps({"query": CANCEL}), content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Trop de modifications" in refused.json()["errors"][0]["message"]


@override_settings(HUB_WRITES_PER_MINUTE_PER_CLIENT=1, HUB_WRITES_PER_MINUTE_PER_ADDRESS=1)
def test_with_redis_down_writes_go_through(db: None, monkeypatch: Any) -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from hub import ratelimit

    monkeypatch.setattr(ratelimit._redis, "current", redis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0)))
    client = _client(UserFactory.create())
    assert [_write(client).status_code for _ in range(3)] == [201, 201, 201]


def test_a_body_over_the_size_limit_is_refused_without_a_500(db: None) -> None:
    from django.conf import settings

    client = _client(UserFactory.create())
    body = json.dumps({"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = client.post("/api/v1/me/tokens/", data=body, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"
    graphql = client.post(
        "/graphql/", data=json.dumps({"query": "{ venues { slug } }", "pad": body}), content_type="application/json"
    )
    assert graphql.status_code == 413
