"""Forwarded headers count only from trusted proxies; every response carries a Content-Security-Policy."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from hub.proxies import TrustedProxyMiddleware, _networks, client_address

PROXIES = ("10.0.0.0/8", "fd00::/8")


def _seen(**meta: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(request.META)
        seen["is_secure"] = request.is_secure()
        return HttpResponse()

    request = RequestFactory().get("/")
    request.META.update(meta)
    TrustedProxyMiddleware(view)(request)
    return seen


@override_settings(HUB_TRUSTED_PROXIES=list(PROXIES), SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_a_trusted_proxy_the_client_address_and_scheme_are_the_forwarded_ones() -> None:
    seen = _seen(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.9.9.9", HTTP_X_FORWARDED_PROTO="https")
    assert seen["REMOTE_ADDR"] == "203.0.113.7"
    assert seen["HUB_PROXY_ADDR"] == "10.1.2.3"
    assert seen["is_secure"] is True


@override_settings(HUB_TRUSTED_PROXIES=list(PROXIES))
def test_drf_identifies_clients_by_the_address_the_proxies_vouch_for() -> None:
    """DRF's throttles would otherwise read X-Forwarded-For themselves, whose left part the client writes."""
    from rest_framework.request import Request
    from rest_framework.throttling import AnonRateThrottle

    seen = _seen(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    request = RequestFactory().get("/")
    request.META.update({k: v for k, v in seen.items() if isinstance(v, str)})
    assert AnonRateThrottle().get_ident(Request(request)) == "203.0.113.7"


@override_settings(HUB_TRUSTED_PROXIES=list(PROXIES), SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_from_anyone_else_forwarded_headers_are_dropped() -> None:
    seen = _seen(
        REMOTE_ADDR="198.51.100.4",
        HTTP_X_FORWARDED_FOR="10.0.0.1",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_HOST="gresilles.localhost",
        HTTP_FORWARDED="for=10.0.0.1;proto=https",
    )
    assert seen["REMOTE_ADDR"] == "198.51.100.4"
    assert not {"HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_FORWARDED"} & set(seen)
    assert "HUB_PROXY_ADDR" not in seen
    assert seen["is_secure"] is False


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        ("10.0.0.2", "", "10.0.0.2"),  # a trusted peer that names nobody
        ("10.0.0.2", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.2", "1.1.1.1, 203.0.113.7", "203.0.113.7"),  # the left part is the client's to invent
        ("10.0.0.2", "203.0.113.7, 10.0.0.9, 10.0.0.8", "203.0.113.7"),  # our own proxies are skipped
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
        ("10.0.0.2", "203.0.113.7:5555", "203.0.113.7"),
        ("10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        ("fd00::5", "2001:db8::2", "2001:db8::2"),
        ("::ffff:10.0.0.2", "203.0.113.7", "203.0.113.7"),  # gunicorn on [::] sees IPv4 peers mapped
        ("198.51.100.4", "203.0.113.7", "198.51.100.4"),  # untrusted peer: its claim is ignored
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(peer: str, forwarded_for: str, client: str) -> None:
    assert client_address(peer, forwarded_for, _networks(PROXIES)) == client


def test_a_bad_proxy_list_is_a_configuration_error() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        _networks(("10.0.0.0/8", "nonsense"))


def test_responses_carry_a_strict_content_security_policy(db: None) -> None:
    from django.test import Client

    for host, path in [
        ("localhost", "/health/"),
        ("localhost", "/admin/login/"),
        ("gresilles.localhost", "/api/v1/docs/"),
    ]:
        response = Client(HTTP_HOST=host).get(path)
        directives = (part.strip().partition(" ") for part in response["Content-Security-Policy"].split(";"))
        policy = {name: value for name, _, value in directives}
        assert policy["script-src"] == "'self'", (host, path)
        assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in policy["script-src"]


def test_swagger_ui_has_no_inline_script(db: None) -> None:
    """Under `script-src 'self'` an inline script would not run: Swagger UI loads its start-up script by URL."""
    from django.test import Client

    page = Client(HTTP_HOST="gresilles.localhost").get("/api/v1/docs/").content.decode()
    assert "<script>" not in page
    assert "<script src=" in page
