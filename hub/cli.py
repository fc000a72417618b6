"""`python -m hub …`: the hub's own command line.

run       embedded services (unless URLs are set), migrations, demo data, then web + worker + beat
          in one foreground process group; Ctrl-C stops them all.
services  start (or join) the embedded PostgreSQL and Redis, print their URLs, wait for Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from hub.embedded import PROJECT_DIR, EmbeddedServiceError, ensure_services, var_dir

PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))


def _manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=PROJECT_DIR, check=True)


def _banner(host: str, port: int) -> str:
    from federation.demo import DEMO_ACCOUNTS

    lines = [
        "",
        "Coursive Hub is running (Ctrl-C stops web, worker and beat).",
        f"  federation   http://localhost:{port}/            admin: http://localhost:{port}/admin/",
        f"  Grésilles    http://gresilles.localhost:{port}/  health: http://gresilles.localhost:{port}/health/",
        f"  52 Battants  http://battants.localhost:{port}/   API docs: http://battants.localhost:{port}/api/v1/docs/",
        "Demo accounts (development passwords only):",
    ]
    lines += [f"  {email:<38} {password:<22} {role}" for email, password, role in DEMO_ACCOUNTS]
    return "\n".join(lines) + "\n"


def _stop(children: Sequence[subprocess.Popen[bytes]], grace: float = 10.0) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()


def run(host: str, port: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.dev")
    services = ensure_services()
    print("Services: %s" % ("embedded " + ", ".join(services.embedded) if services.embedded else "external"))
    _manage("migrate_schemas", "--verbosity", "1")
    _manage("refresh_venue_template")
    _manage("load_demo")

    import django

    django.setup()
    var = var_dir()
    var.mkdir(parents=True, exist_ok=True)
    commands = {
        "web": [PYTHON, "manage.py", "runserver", f"{host}:{port}"],
        "worker": [CELERY, "-A", "hub", "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "beat": [
            CELERY,
            "-A",
            "hub",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(var / "celerybeat-schedule"),
        ],
    }
    children = [subprocess.Popen(command, cwd=PROJECT_DIR) for command in commands.values()]
    print(_banner(host, port), flush=True)

    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        while not stopping:
            for name, child in zip(commands, children, strict=True):
                if child.poll() is not None:
                    print(f"{name} exited with status {child.returncode}; stopping the others.", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        _stop(children)


def services() -> int:
    found = ensure_services()
    print(f"export DATABASE_URL='{found.database_url}'")
    print(f"export REDIS_URL='{found.redis_url}'")
    print("# running until Ctrl-C", file=sys.stderr)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hub", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="serve the hub for development")
    run_parser.add_argument("--host", default="127.0.0.1")
    run_parser.add_argument("--port", type=int, default=8000)
    commands.add_parser("services", help="start the embedded PostgreSQL and Redis")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return run(args.host, args.port)
        return services()
    except EmbeddedServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as exc:
        print(f"error: {' '.join(map(str, exc.cmd))} failed with status {exc.returncode}", file=sys.stderr)
        return exc.returncode or 1
