"""`python -m hub run` (what `make run` starts), end to end, as a new user would use it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hub.embedded import PROJECT_DIR

HOSTS = ["localhost", "gresilles.localhost", "battants.localhost"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, host: str, path: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": f"{host}:{port}"})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (loopback only)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _wait_healthy(port: int, process: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "hub run exited early"
        try:
            if all(_get(port, host, "/health/")[0] == 200 for host in HOSTS):
                return
        except (OSError, ValueError):
            pass
        time.sleep(1)
    raise AssertionError("the hub did not become healthy in time")


def _environment(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env["HUB_VAR_DIR"] = str(var)
    return env


def _counts(env: dict[str, str]) -> str:
    code = (
        "from federation.models import User, Organisation; from tenants.models import Venue, Domain; "
        "from django_tenants.utils import schema_context; from tenants.coworking.models import Resource; "
        "r = {}; [r.update({s: schema_context(s).__enter__() or Resource.objects.count()}) "
        "for s in ('gresilles', 'battants')]; "
        "print(User.objects.count(), Organisation.objects.count(), Venue.objects.count(), Domain.objects.count(), r)"
    )
    return _manage(env, "shell", "-c", code).splitlines()[-1]


def _manage(env: dict[str, str], *args: str) -> str:
    """`python manage.py ARGS` with the hub's environment; its standard output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], capture_output=True, text=True, cwd=PROJECT_DIR, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _run_until_healthy(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    # Its output goes to a file, not a pipe: a pipe nobody reads until the end fills up (64 KiB), and the
    # server then blocks writing a log line in the middle of a response.
    log = tempfile.NamedTemporaryFile("w+", prefix="hub-run-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "run", "--port", str(port)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    process.log = log  # type: ignore[attr-defined]
    try:
        _wait_healthy(port, process)
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    return process


def _ctrl_c(process: subprocess.Popen[str]) -> str:
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does to the foreground process group
    process.wait(timeout=60)
    log = process.log  # type: ignore[attr-defined]
    with log:
        log.seek(0)
        output = log.read()
    os.unlink(log.name)
    return str(output)


@pytest.mark.e2e
def test_hub_run_serves_every_host_shares_its_servers_and_keeps_data_across_restarts(tmp_path: Path) -> None:
    env = _environment(tmp_path / "var")
    port = _free_port()

    first = _run_until_healthy(env, port)
    try:
        # manage.py joins the same embedded servers while the hub runs: its token works on the live server.
        token = _manage(env, "create_token", "lea@sillon.example")
        status, me = _get(port, "battants.localhost", "/api/v1/me/", token)
        assert (status, me["email"]) == (200, "lea@sillon.example")
        assert _get(port, "nowhere.localhost", "/health/")[0] == 404
    finally:
        output = _ctrl_c(first)
    assert first.returncode == 0, output
    assert "admin@coursive.example" in output and "http://gresilles.localhost:" in output
    after_first = _counts(env)

    second = _run_until_healthy(env, port)
    _ctrl_c(second)
    assert _counts(env) == after_first  # data kept, nothing duplicated
    assert after_first.startswith("56 35 2 2 ")  # people, organisations, venues, domains
