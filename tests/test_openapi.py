"""Each host's OpenAPI document generates without a warning and validates (what Swagger UI and clients read)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.parametrize(
    ("urlconf", "expected"),
    [
        ("hub.urls_venue", "/api/v1/bookings/series/"),
        ("hub.urls_federation", "/api/v1/organisations/{slug}/status/"),
    ],
)
def test_the_openapi_document_is_clean(tmp_path: Path, urlconf: str, expected: str) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", urlconf=urlconf, validate=True, fail_on_warn=True, file=str(target))
    document = yaml.safe_load(target.read_text())
    assert expected in document["paths"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
