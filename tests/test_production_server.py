"""The production configuration under the real gunicorn (the image's command), against the test database:
HTTPS redirects unless a trusted proxy says the request came over HTTPS, security headers, both kinds of
host, static files by WhiteNoise, and /metrics counting across gunicorn's worker processes."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from hub.embedded import PROJECT_DIR

from .test_backups import _url_of
from .test_settings import STRONG_KEY

TOKEN = "metrics-token-for-the-gunicorn-test-0123456789"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn(committed_db: None, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hub.settings.prod",
        "SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": _url_of(str(connection.settings_dict["NAME"])),
        "HUB_STATIC_ROOT": str(tmp_path / "static"),
        "ALLOWED_HOSTS": ".localhost,localhost",
        "HUB_BASE_DOMAIN": "localhost",
        "TRUSTED_PROXIES": "127.0.0.1/32",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "HUB_METRICS_TOKEN": TOKEN,
    }
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    assert subprocess.run(collect, cwd=PROJECT_DIR, env=env, capture_output=True, timeout=120).returncode == 0
    port, log = _free_port(), tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "hub.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    with log.open("w") as output:
        server = subprocess.Popen(
            [*command, "--workers", "2", "--access-logfile", "-"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                time.sleep(0.2)
        yield port, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(port: int, host: str, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        client.request("GET", path, headers={"Host": host, **headers})
        response = client.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        client.close()


def test_gunicorn_serves_the_production_configuration(gunicorn: tuple[int, Path]) -> None:
    port, log = gunicorn
    behind_tls = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}

    status, headers, _ = _get(port, "localhost", "/api/v1/catalogue/")
    assert status == 301 and headers["location"] == "https://localhost/api/v1/catalogue/"

    status, headers, body = _get(port, "localhost", "/api/v1/catalogue/", **behind_tls)
    assert status == 200, body[:300]
    assert "includeSubDomains" in headers["strict-transport-security"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert isinstance(json.loads(body), dict)

    status, _, body = _get(port, "gresilles.localhost", "/", **behind_tls)
    answer = json.loads(body)
    assert status == 200 and answer["venue"]["slug"] == "gresilles"
    assert answer["links"]["api"] == "https://gresilles.localhost/api/v1/"  # the proxy's word on the scheme
    status, _, _ = _get(port, "elsewhere.localhost", "/", **behind_tls)
    assert status == 404

    status, headers, _ = _get(port, "localhost", "/static/admin/css/base.css", **behind_tls)
    assert status == 200 and "immutable" not in headers.get("cache-control", "")  # the unhashed name: short cache

    for _ in range(6):  # spread over both worker processes
        _get(port, "gresilles.localhost", "/", **behind_tls)
    status, _, body = _get(port, "web:8000", "/metrics", Authorization=f"Bearer {TOKEN}")
    assert status == 200
    text = body.decode()
    venue_requests = [
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("hub_http_requests_total{") and 'view="index"' in line and 'status="200"' in line
    ]
    assert sum(venue_requests) >= 7, text[:2000]
    assert _get(port, "web:8000", "/metrics")[0] == 404

    # Django's own log lines are JSON (gunicorn's access log, plain text, is its own format)
    lines: list[dict[str, Any]] = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert {(line["level"], line.get("status")) for line in lines} >= {("WARNING", 404)}, log.read_text()[-2000:]
