"""deploy/: the compose file validates with the documented .env, every variable the hub reads is documented,
and the image copies every app the settings install and runs as a non-root user. (Building and running the
image needs a Docker engine, which CI does not have: `docker compose config` needs none.)"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from hub.embedded import PROJECT_DIR

DEPLOY = Path(PROJECT_DIR) / "deploy"


def _compose() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def _filled(tmp_path: Path, **values: str) -> Path:
    text = (DEPLOY / ".env.example").read_text()
    for name, value in values.items():
        text = re.sub(rf"^{name}=.*$", f"{name}={value}", text, flags=re.M)
    path = tmp_path / ".env"
    path.write_text(text)
    return path


@pytest.mark.skipif(_compose() is None, reason="needs `docker compose` or docker-compose (.ci/compose installs it)")
def test_the_compose_file_validates_with_the_documented_environment(tmp_path: Path) -> None:
    compose = _compose()
    assert compose is not None

    def config(env: Path) -> subprocess.CompletedProcess[str]:
        command = [*compose, "--env-file", str(env), "-f", str(DEPLOY / "compose.yaml"), "config"]
        return subprocess.run(command, capture_output=True, text=True, timeout=60)

    result = config(_filled(tmp_path, SECRET_KEY="k" * 64, POSTGRES_PASSWORD="secret"))
    assert result.returncode == 0, result.stderr
    for service in ("postgres:", "redis:", "migrate:", "web:", "worker:", "beat:", "service_completed_successfully"):
        assert service in result.stdout
    assert "postgresql://hub:secret@postgres:5432/hub" in result.stdout

    result = config(_filled(tmp_path, POSTGRES_PASSWORD="secret"))  # SECRET_KEY left empty: refused, no default
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_every_variable_the_hub_reads_is_documented() -> None:
    sources = [*Path(PROJECT_DIR, "hub").rglob("*.py")]
    read = set()
    for source in sources:
        text = source.read_text()
        read |= set(re.findall(r"\benv\.\w+\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
        read |= set(re.findall(r"os\.environ\.get\(\"([A-Z][A-Z0-9_]+)\"", text))
    documented = (DEPLOY / ".env.example").read_text()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "HUB_STATIC_ROOT"} <= read
    assert sorted(name for name in read if name not in documented) == []


def test_the_image_copies_every_app_and_runs_as_a_non_root_user() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, flags=re.M)) >= 2  # build and runtime stages
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.M)
    assert users and not users[-1].startswith(("root", "0"))
    copied = set(re.findall(r"^COPY (?:--\S+ )*(\S+) ", dockerfile, flags=re.M))
    local = {app.split(".")[0] for app in settings.INSTALLED_APPS if Path(PROJECT_DIR, app.split(".")[0]).is_dir()}
    assert local and local <= copied, local - copied
    assert {"manage.py", "locale"} <= copied
    assert "gunicorn" in dockerfile and "collectstatic" in dockerfile


def test_the_state_beat_writes_lives_where_the_image_lets_its_user_write() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    compose = (DEPLOY / "compose.yaml").read_text()
    schedule = re.search(r'"--schedule", "(\S+)/celerybeat-schedule"', compose)
    assert schedule and f"install -d -o hub -g hub {schedule.group(1)}" in dockerfile


def test_the_image_has_pg_dump_of_the_servers_major_version_and_migrating_refreshes_the_template() -> None:
    """pg_dump copies the venue template and makes backups; it refuses a server newer than itself."""
    compose = (DEPLOY / "compose.yaml").read_text()
    server = re.search(r"image: postgres:(\d+)", compose)
    assert server is not None
    assert f"postgresql-client-{server.group(1)}" in (DEPLOY / "Dockerfile").read_text()
    migrate_job = compose.split("\n  migrate:\n", 1)[1].split("\n  web:\n", 1)[0]
    assert "migrate_schemas --executor=multiprocessing && python manage.py refresh_venue_template" in migrate_job


def test_the_backup_script_is_valid_shell_and_calls_the_backup_command() -> None:
    script = DEPLOY / "backup.sh"
    assert subprocess.run([shutil.which("sh") or "/bin/sh", "-n", str(script)], capture_output=True).returncode == 0
    assert script.stat().st_mode & 0o111
    assert "manage.py backup_database --output" in script.read_text()


@pytest.mark.skipif(_compose() is None, reason="needs `docker compose` or docker-compose (.ci/compose installs it)")
def test_the_web_port_is_for_the_local_proxy_only_and_trusting_it_is_required(tmp_path: Path) -> None:
    compose = _compose()
    assert compose is not None
    command = [*compose, "-f", str(DEPLOY / "compose.yaml"), "config"]
    filled = _filled(tmp_path, SECRET_KEY="k" * 64, POSTGRES_PASSWORD="secret")
    result = subprocess.run([*command[:-1], "--env-file", str(filled), "config"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "127.0.0.1" in result.stdout and "172.30.57.1/32" in result.stdout and "172.30.57.0/24" in result.stdout

    unset = _filled(tmp_path, SECRET_KEY="k" * 64, POSTGRES_PASSWORD="secret", TRUSTED_PROXIES="")
    result = subprocess.run([*command[:-1], "--env-file", str(unset), "config"], capture_output=True, text=True)
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr
