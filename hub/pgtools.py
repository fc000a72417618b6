"""PostgreSQL's own client programs (pg_dump, pg_restore, psql) pointed at a Django database.

The programs are looked up in `HUB_PG_BIN` (a directory), then in the embedded server's bundle (dev and
tests), then on PATH; where several are found the newest wins, since pg_dump refuses a server newer than
itself and reads older ones fine.
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


class ToolMissing(RuntimeError):
    pass


class ToolFailed(RuntimeError):
    """A client program exited with an error; the message is what it printed on stderr."""


def _candidates(program: str) -> list[Path]:
    found = []
    if os.environ.get("HUB_PG_BIN"):
        found.append(Path(os.environ["HUB_PG_BIN"]) / program)
    try:
        import pgserver

        found.append(Path(pgserver.__file__).parent / "pginstall" / "bin" / program)
    except ImportError:
        pass
    on_path = shutil.which(program)
    if on_path:
        found.append(Path(on_path))
    return [path for path in found if path.is_file() and os.access(path, os.X_OK)]


def _major(path: Path) -> int:
    output = subprocess.run([str(path), "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else 0


@cache
def program(name: str) -> str:
    candidates = _candidates(name)
    if not candidates:
        raise ToolMissing(f"{name} is not installed (set HUB_PG_BIN to the directory of PostgreSQL's programs).")
    return str(max(candidates, key=_major))


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
    result = subprocess.run([program(name), *connect, *arguments], capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise ToolFailed(f"{name} failed (exit status {result.returncode}): {result.stderr.strip()}")
    return result.stdout
