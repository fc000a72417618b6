"""Loaded by pytest (`-p hub.pytest_plugin`) before pytest-django sets Django up.

It gives the suite real servers: throwaway embedded PostgreSQL and Redis, or the ones named by
DATABASE_URL / REDIS_URL.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from hub.embedded import ensure_throwaway_services


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Generator[None, None, None]:
    services = ensure_throwaway_services()
    early_config.stash[_services_key] = services
    return (yield)


_services_key = pytest.StashKey[object]()


def pytest_report_header(config: pytest.Config) -> str:
    services = config.stash.get(_services_key, None)
    embedded = getattr(services, "embedded", ())
    return "hub services: %s" % ("embedded " + ", ".join(embedded) if embedded else "external (from URLs)")
