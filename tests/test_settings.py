"""Every settings mode boots; production is secure by default and refuses a weak SECRET_KEY."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from hub.embedded import PROJECT_DIR

STRONG_KEY = "k3J9-qZ8vLwX2mN7pR4tY6uB1cD5eF0gH8iJ3kL7mN2oP6qR9sT4uV1wX5yZ0aB3cD"
PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CACHES['default']['KEY_FUNCTION'], "
    "s.CELERY_TASK_ACKS_LATE, s.CELERY_WORKER_PREFETCH_MULTIPLIER)"
)


def _python(code: str, *, settings: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": settings, **env}
    for name, value in env.items():
        if value == "":
            environment.pop(name)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_DIR, env=environment, timeout=60
    )


@pytest.mark.parametrize(
    ("module", "env", "debug"),
    [
        ("hub.settings.dev", {"DEBUG": ""}, "True"),
        ("hub.settings.test", {}, "False"),
        ("hub.settings.prod", {"SECRET_KEY": STRONG_KEY, "DEBUG": "true"}, "False"),
    ],
)
def test_each_settings_mode_boots(module: str, env: dict[str, str], debug: str) -> None:
    result = _python(PROBE, settings=module, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        debug,
        "django_tenants.postgresql_backend",
        "django_tenants.cache.make_key",
        "True",
        "1",
    ]


@pytest.mark.parametrize(
    "key", ["", "short", "dev-only-insecure-key-never-use-in-production-0123456789abcdef", "a" * 64]
)
def test_production_refuses_to_start_without_a_real_secret_key(key: str) -> None:
    result = _python("import django; django.setup()", settings="hub.settings.prod", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a long random value" in result.stderr


def test_production_passes_check_deploy_without_warnings() -> None:
    result = _python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        settings="hub.settings.prod",
        SECRET_KEY=STRONG_KEY,
        TRUSTED_PROXIES="172.16.0.0/12",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_https_redirects_trust_no_proxy() -> None:
    """Behind a TLS proxy whose X-Forwarded-Proto is not trusted, every request would redirect to itself."""
    check = (
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy'])"
    )
    result = _python(check, settings="hub.settings.prod", SECRET_KEY=STRONG_KEY, TRUSTED_PROXIES="")
    assert "hub.W001" in result.stderr + result.stdout


def test_settings_start_nothing_and_explain_a_missing_database_url() -> None:
    result = _python("import django; django.setup()", settings="hub.settings.dev", DATABASE_URL="")
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_a_database_url_that_is_not_postgresql_is_refused() -> None:
    result = _python("import django; django.setup()", settings="hub.settings.dev", DATABASE_URL="sqlite:///x.db")
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_production_serves_its_collected_static_files_without_a_database(tmp_path: os.PathLike[str]) -> None:
    env = {
        "SECRET_KEY": STRONG_KEY,
        "HUB_STATIC_ROOT": str(tmp_path),
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none",
    }
    collected = _python(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'collectstatic', '--noinput', '-v', '0'])",
        settings="hub.settings.prod",
        **env,
    )
    assert collected.returncode == 0, collected.stderr
    served = _python(
        "import django; django.setup(); from django.test import Client; from django.templatetags.static import static; "
        "url = static('admin/css/base.css'); r = Client().get(url, HTTP_HOST='hub.example'); "
        "print(url, r.status_code, r.headers.get('Cache-Control'))",
        settings="hub.settings.prod",
        **env,
    )
    assert served.returncode == 0, served.stderr
    url, status, *cache = served.stdout.split()
    assert url.startswith("/static/admin/css/base.") and url != "/static/admin/css/base.css"  # hashed name
    assert status == "200" and "immutable" in " ".join(cache)


def test_production_logs_one_json_object_a_line() -> None:
    result = _python(
        "import django, logging; django.setup(); log = logging.getLogger('hub.probe'); log.warning('Café %s', 42)\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('failed')",
        settings="hub.settings.prod",
        SECRET_KEY=STRONG_KEY,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [(line["level"], line["logger"], line["message"]) for line in lines] == [
        ("WARNING", "hub.probe", "Café 42"),
        ("ERROR", "hub.probe", "failed"),
    ]
    assert lines[0]["time"].endswith("+00:00") and lines[0]["schema"] == "public"
    assert "ZeroDivisionError" in lines[1]["exception"]


def test_request_log_lines_carry_the_path_without_its_query_string() -> None:
    import logging

    from django.test import RequestFactory

    from hub.logs import JsonFormatter

    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x",), None)
    record.request = RequestFactory().get("/api/v1/me/?email=someone@example.org")
    record.status_code = 500
    line = json.loads(JsonFormatter().format(record))
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/v1/me/", 500)
    assert "someone" not in json.dumps(line)
