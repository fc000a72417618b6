"""PostgreSQL's own client programs (pg_dump, pg_restore, psql) pointed at a Django database.

`HUB_PG_BIN` (a directory), when set, is where they are. Otherwise they are looked up in the embedded
server's bundle (dev and tests) and on PATH, and the one of the server's major version wins, else the
newest that runs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections


class ToolMissing(RuntimeError):
    pass


class ToolFailed(RuntimeError):
    """A client program exited with an error; the message is what it printed on stderr."""


def _candidates(program: str) -> list[Path]:
    found = []
    try:
        import pgserver

        found.append(Path(pgserver.__file__).parent / "pginstall" / "bin" / program)
    except ImportError:
        pass
    on_path = shutil.which(program)
    if on_path:
        found.append(Path(on_path))
    return [path for path in found if path.is_file() and os.access(path, os.X_OK)]


def _major(path: Path) -> int | None:
    """The major version of the program at `path`; None when it does not run."""
    try:
        output = subprocess.run([str(path), "--version"], capture_output=True, text=True, check=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", output.stdout)
    return int(match.group(1)) if match else None


@cache
def program(name: str, server_major: int) -> str:
    """The program to use against a server of version `server_major`: HUB_PG_BIN's when set; else the
    same major version when there is one (pg_restore writes settings older servers do not know, such as
    transaction_timeout), else the newest (pg_dump refuses a server newer than itself)."""
    chosen = os.environ.get("HUB_PG_BIN")
    if chosen:
        path = Path(chosen) / name
        if _major(path) is None:
            raise ToolMissing(f"{path} does not run (HUB_PG_BIN).")
        return str(path)
    versions = {path: _major(path) for path in _candidates(name)}
    working = {path: major for path, major in versions.items() if major is not None}
    if not working:
        raise ToolMissing(f"{name} is not installed (set HUB_PG_BIN to the directory of PostgreSQL's programs).")
    same = [path for path, major in working.items() if major == server_major]
    return str(same[0] if same else max(working, key=lambda path: working[path]))


def server_major(alias: str = "default") -> int:
    connection = connections[alias]
    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def libpq(alias: str = "default", *, dbname: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for a client program reaching the database `alias`."""
    db: dict[str, Any] = settings.DATABASES[alias]
    args = ["--dbname", dbname or str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ, "PGAPPNAME": "coursive-hub"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def run(name: str, arguments: Sequence[str], *, alias: str = "default", dbname: str | None = None) -> str:
    """Run `name` against the database; returns its standard output, raises with its standard error."""
    connect, env = libpq(alias, dbname=dbname)
    executable = program(name, server_major(alias))
    result = subprocess.run([executable, *connect, *arguments], capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise ToolFailed(f"{name} failed (exit status {result.returncode}): {result.stderr.strip()}")
    return result.stdout
