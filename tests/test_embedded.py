"""The embedded PostgreSQL and Redis: shared by processes, data kept across restarts, clear failures."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from hub.embedded import PROJECT_DIR, _alive

SCRIPT = textwrap.dedent(
    """
    import sys, psycopg, redis
    from hub.embedded import ensure_services
    services = ensure_services()
    with psycopg.connect(services.database_url, autocommit=True) as db:
        db.execute("CREATE TABLE IF NOT EXISTS kept (value text)")
        if sys.argv[1] == "write":
            db.execute("INSERT INTO kept VALUES ('written before the restart')")
        rows = [row[0] for row in db.execute("SELECT value FROM kept")]
    cache = redis.Redis.from_url(services.redis_url)
    if sys.argv[1] == "write":
        cache.set("kept", "in redis too")
    print(services.embedded, rows, cache.get("kept"))
    print(cache.info()["process_id"])
    """
)


def _run(var_dir: Path, step: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["HUB_VAR_DIR"] = str(var_dir)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, step], capture_output=True, text=True, cwd=PROJECT_DIR, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    summary, redis_pid = result.stdout.strip().splitlines()
    # The last (here: only) process holding the servers stopped both on exit.
    assert not (var_dir / "pg" / "postmaster.pid").exists()
    assert not _alive(int(redis_pid))
    return summary


def test_embedded_services_start_and_keep_their_data_across_restarts(tmp_path: Path) -> None:
    written = _run(tmp_path / "var", "write")
    read_back = _run(tmp_path / "var", "read")  # the first process stopped both servers on exit

    assert written == read_back == "('postgresql', 'redis') ['written before the restart'] b'in redis too'"
    assert (tmp_path / "var" / "pg" / "PG_VERSION").exists()


def test_a_clear_message_when_the_embedded_services_cannot_start(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["HUB_VAR_DIR"] = str(blocker / "var")

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], capture_output=True, text=True, cwd=PROJECT_DIR, env=env, timeout=60
    )

    assert result.returncode != 0
    assert "error: The embedded services could not start" in result.stderr
    assert "Traceback" not in result.stderr
