"""Every route of both URL confs, called anonymously, is closed unless it is public on purpose.

Generated from the URL confs, so a new endpoint is covered (and must be listed here if it is public)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {
    "hub.urls_federation": {
        "",
        "health/",
        "api/v1/schema/",
        "api/v1/docs/",
        "api/v1/organisations/",
        "api/v1/organisations/<slug:slug>/",
        "api/v1/catalogue/",
        "api/v1/offers/",
        "api/v1/offers/<int:pk>/",
        # GraphQL answers anonymous callers what is public (catalogue, directory); its fields are checked one
        # by one in tests/test_graphql_permissions.py. An empty request is a 400 (no query), never data.
        "graphql/",
    },
    # Calendar feeds carry their secret in the URL: a wrong one is a 404 for everybody.
    "hub.urls_venue": {
        "",
        "health/",
        "api/v1/schema/",
        "api/v1/docs/",
        # the gallery's works on sale and its exhibitions are public reads; writes stay staff-only
        "api/v1/artworks/",
        "api/v1/artworks/<int:pk>/",
        "api/v1/exhibitions/",
        "api/v1/exhibitions/<int:pk>/",
        "api/v1/events/",
        "api/v1/events/<int:pk>/",
        "api/v1/programmes/",
        "api/v1/programmes/<int:pk>/",
        "calendar/events.ics",
        "calendar/me/events/<str:token>.ics",
        "calendar/me/<str:token>.ics",
        "calendar/resources/<int:pk>/<str:token>.ics",
    },
}
HOSTS = {"hub.urls_federation": "localhost", "hub.urls_venue": "gresilles.localhost"}


def _routes(patterns: list, prefix: str = "") -> list[str]:
    routes: list[str] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                continue  # the admin sites are covered by tests/test_admin.py
            routes += _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def _concrete(route: str) -> str:
    path = re.sub(r"<int:\w+>", "1", route)
    path = re.sub(r"<(\w+:)?\w+>", "label-test", path)
    return "/" + path.lstrip("^").rstrip("$")


CASES = [(urlconf, route) for urlconf in HOSTS for route in _routes(get_resolver(urlconf).url_patterns)]


@pytest.mark.parametrize(("urlconf", "route"), CASES, ids=[f"{u.split('_')[-1]}:{r or '/'}" for u, r in CASES])
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_anonymous_callers_are_refused_everywhere_not_public(db: None, urlconf: str, route: str, method: str) -> None:
    response = getattr(Client(HTTP_HOST=HOSTS[urlconf]), method)(_concrete(route), content_type="application/json")
    unhealthy = route == "health/" and response.status_code == 503  # no worker runs in this test
    assert response.status_code < 500 or unhealthy, response.content[:200]
    if route == "graphql/":
        assert response.status_code in (400, 405), response.status_code
        return
    if route in ("partners/", "partners/sign-out/"):  # to the sign-in form, with nothing shown
        assert response.status_code in (302, 405), response.status_code
        assert response.status_code == 405 or response["Location"] == "/partners/sign-in/"
        return
    if route == "partners/sign-in/":  # the form itself is public; a missing token is a 400, with the form
        assert response.status_code in ((200,) if method == "get" else (400, 405)), response.status_code
        return
    if route in PUBLIC[urlconf] and method == "get":
        assert response.status_code in (200, 404) or unhealthy, response.status_code
    elif route in PUBLIC[urlconf]:
        assert response.status_code in (401, 403, 404, 405), response.status_code  # 404: no such organisation
    else:
        assert response.status_code in (401, 403, 405), (route, method, response.status_code)


def test_every_route_is_in_the_walk() -> None:
    assert len(CASES) >= 20
    assert {"api/v1/me/", "api/v1/members/", "api/v1/staff/<int:pk>/"} <= {route for _u, route in CASES}
