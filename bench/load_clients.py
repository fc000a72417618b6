"""The clients of the load benchmark (bench/load.py): threads speaking HTTP/1.1 (keep-alive) to gunicorn on
loopback, each a member of the hub from its own address (sent as a trusted proxy would, X-Forwarded-For),
picking operations at random by weight with a pause between them. Writes that get no definite answer (no
response, a 5xx) are sent again, bookings with the same Idempotency-Key, until they get one."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bench.load_data import VENUES, BookableResource, Ledger, Plan

PARIS = ZoneInfo("Europe/Paris")
TIMING = re.compile(r'db;dur=([\d.]+);desc="(\d+) queries", app;dur=([\d.]+)')
SEARCHES = [
    "atelier",
    "studio",
    "salle réunion",
    "café pro",
    "gresille",
    "compta",
    "bureau",
    "exposition",
    "vernissage",
]
KINDS = ["resource", "event", "artwork", "exhibition", "programme"]
METRICS = ["OCCUPANCY_RATE", "BOOKED_HOURS", "BOOKINGS", "REGISTRATIONS", "ACTIVE_MEMBERS", "NETWORK_SHARE"]
CATALOGUE_QUERY = (
    "query($s: String, $k: CatalogueKind) { catalogue(search: $s, kind: $k, first: 20) { edges { cursor node {"
    " id ref kind title summary priceFrom startsAt venue { slug name } } } pageInfo { hasNextPage endCursor } } }"
)
STATS_QUERY = (
    "query($m: Metric!, $f: Date!, $t: Date!) { stats(metric: $m, from: $f, to: $t, groupBy: [VENUE]) {"
    " unit suppressedCount cells { period venue { slug } value suppressed reason } } }"
)
IDLE = 1.5  # seconds a kept-alive connection may rest before it is replaced (gunicorn's keepalive is 2 s)
RETRY_FOR = 180.0  # seconds a write is retried before it is given up as unresolved

# operation → weight
MIX = {
    "catalogue (REST)": 10,
    "catalogue (GraphQL)": 7,
    "search": 10,
    "availability": 14,
    "events list": 5,
    "book": 16,
    "cancel booking": 5,
    "my bookings": 5,
    "register": 6,
    "cancel registration": 3,
    "staff: members": 4,
    "staff: bookings": 4,
    "partner stats (GraphQL)": 3,
    "partner stats (CSV)": 2,
}


@dataclass(frozen=True)
class Sample:
    op: str
    started: float  # seconds since the run began
    seconds: float
    status: int  # 0: no response (refused, reset, timed out)
    expected: bool
    db_ms: float | None
    app_ms: float | None
    queries: int | None
    retry: bool
    client: int


class Client(threading.Thread):
    def __init__(
        self, index: int, plan: Plan, port: int, began: float, stop: threading.Event, ledger: Ledger, think: float
    ):
        super().__init__(name=f"client-{index}", daemon=True)
        self.think = think  # mean pause between two operations (s): a person, not a loop
        self.index, self.plan, self.port, self.began, self.halt = index, plan, port, began, stop
        self.person, self.token, self.home = plan.members[index]
        self.address = f"10.77.{index // 250}.{index % 250 + 1}"
        self.random = random.Random(index)  # noqa: S311  (a workload, not a secret)
        self.samples: list[Sample] = []
        self.ledger, self.lock = ledger, threading.Lock()
        self.bookings: list[dict[str, Any]] = []  # confirmed ones this client made
        self.registrations: list[dict[str, Any]] = []  # active ones
        self.connection: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    # -- HTTP -------------------------------------------------------------------------------------------------
    def send(
        self,
        op: str,
        method: str,
        host: str,
        path: str,
        *,
        body: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        expected: tuple[int, ...] = (200,),
        retry: bool = False,
    ) -> tuple[int, Any]:
        all_headers = {
            "Host": host,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Authorization": f"Bearer {token or self.token}",
            **(headers or {}),
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        status, payload, timing = 0, None, None
        if self.connection is not None and started - self.last_used > IDLE:
            self._drop()  # gunicorn closes keep-alive connections idle for 2 s: do not send on one it closed
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=35)
            self.connection.request(method, path, body=data, headers=all_headers)
            response = self.connection.getresponse()
            raw = response.read()
            status, timing = response.status, response.getheader("Server-Timing")
            if response.getheader("Content-Type", "").startswith("application/json"):
                payload = json.loads(raw or b"null")
            if response.getheader("Connection", "").lower() == "close":
                self._drop()
        except (OSError, http.client.HTTPException, ValueError):
            self._drop()
        self.last_used = time.perf_counter()
        seconds = self.last_used - started
        parsed = TIMING.match(timing or "")
        self.samples.append(
            Sample(
                op,
                started - self.began,
                seconds,
                status,
                status in expected
                and not ("/graphql/" in path and isinstance(payload, dict) and payload.get("errors")),
                float(parsed.group(1)) if parsed else None,
                float(parsed.group(3)) if parsed else None,
                int(parsed.group(2)) if parsed else None,
                retry,
                self.index,
            )
        )
        return status, payload

    def _drop(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def write(
        self,
        op: str,
        method: str,
        host: str,
        path: str,
        *,
        body: Any = None,
        headers: Any = None,
        expected: tuple[int, ...],
        settled_by: tuple[int, ...] = (),
    ) -> tuple[int, Any, bool]:
        """Send until the answer is definite (a 2xx or a 4xx); (status, body, whether it took retries).
        `settled_by` are statuses that only make sense on a retry (the first attempt did it)."""
        deadline, pause, retried = time.monotonic() + RETRY_FOR, 0.25, False
        while True:
            status, payload = self.send(
                op,
                method,
                host,
                path,
                body=body,
                headers=headers,
                expected=expected + (settled_by if retried else ()),
                retry=retried,
            )
            if 200 <= status < 500 and status != 429:
                return status, payload, retried
            if time.monotonic() > deadline or (self.halt.is_set() and not retried):
                return status, payload, retried
            retried = True
            time.sleep(pause)
            pause = min(pause * 2, 2.0)

    # -- the operations ---------------------------------------------------------------------------------------
    def run(self) -> None:
        operations = list(MIX)
        weights = list(MIX.values())
        while not self.halt.wait(self.random.expovariate(1 / self.think) if self.think else 0):
            op = self.random.choices(operations, weights)[0]
            getattr(self, "op_" + re.sub(r"\W+", "_", op).strip("_").lower())(op)

    def venue(self) -> str:
        return self.random.choice(list(VENUES))

    def op_catalogue_rest(self, op: str) -> None:
        query = {"first": 20} | ({"kind": self.random.choice(KINDS)} if self.random.random() < 0.5 else {})
        self.send(op, "GET", "localhost", "/api/v1/catalogue/?" + urlencode(query))

    def op_catalogue_graphql(self, op: str) -> None:
        variables = {"s": None, "k": self.random.choice([None, "RESOURCE", "EVENT"])}
        self.send(op, "POST", "localhost", "/graphql/", body={"query": CATALOGUE_QUERY, "variables": variables})

    def op_search(self, op: str) -> None:
        self.send(op, "GET", "localhost", "/api/v1/catalogue/?" + urlencode({"q": self.random.choice(SEARCHES)}))

    def op_availability(self, op: str) -> None:
        slug = self.venue()
        resource = self.random.choice(self.plan.resources[slug])
        day = self.random.choice(self.plan.days[:20])
        path = f"/api/v1/resources/{resource.id}/availability/?date={day.isoformat()}&days=7"
        self.send(op, "GET", VENUES[slug], path)

    def op_events_list(self, op: str) -> None:
        self.send(op, "GET", VENUES[self.venue()], "/api/v1/events/?from=" + dt.date.today().isoformat())

    def op_my_bookings(self, op: str) -> None:
        self.send(op, "GET", VENUES[self.venue()], "/api/v1/bookings/?limit=50")

    def op_staff_members(self, op: str) -> None:
        slug = self.venue()
        self.send(op, "GET", VENUES[slug], "/api/v1/members/?limit=50", token=self.plan.staff[slug])

    def op_staff_bookings(self, op: str) -> None:
        slug = self.venue()
        self.send(op, "GET", VENUES[slug], "/api/v1/bookings/?limit=50", token=self.plan.staff[slug])

    def op_partner_stats_graphql(self, op: str) -> None:
        year = self.random.choice([2025, 2026])
        variables = {"m": self.random.choice(METRICS), "f": f"{year}-01-01", "t": f"{year}-12-31"}
        body = {"query": STATS_QUERY, "variables": variables}
        self.send(op, "POST", "localhost", "/graphql/partners/", body=body, token=self.plan.partner)

    def op_partner_stats_csv(self, op: str) -> None:
        query = {"metric": self.random.choice(METRICS).lower(), "from": "2025-01-01", "to": "2025-12-31"}
        query["groupBy"] = "venue"
        self.send(op, "GET", "localhost", "/partners/stats.csv?" + urlencode(query), token=self.plan.partner)

    def _slot(self, resource: BookableResource) -> tuple[dt.datetime, dt.datetime]:
        # half of the requests on the next five days, where clients meet; the rest spread over the window
        days = self.plan.days[:5] if self.random.random() < 0.5 else self.plan.days
        day = self.random.choice(days)
        minutes = self.random.choice([m for m in (60, 90, 120, 180) if resource.shortest <= m <= resource.longest])
        opens, closes = 8 * 60 + 30, 19 * 60
        start = opens + self.random.randrange(0, (closes - minutes - opens) // 30 + 1) * 30
        begin = dt.datetime.combine(day, dt.time(start // 60, start % 60), tzinfo=PARIS)
        return begin, begin + dt.timedelta(minutes=minutes)

    def op_book(self, op: str) -> None:
        slug = self.venue()
        resource = self.random.choice(self.plan.resources[slug])
        start, end = self._slot(resource)
        key = f"load-{uuid.uuid4()}"
        body = {"resource": resource.id, "start": start.isoformat(), "end": end.isoformat()}
        status, payload, _ = self.write(
            op,
            "POST",
            VENUES[slug],
            "/api/v1/bookings/",
            body=body,
            headers={"Idempotency-Key": key},
            expected=(201, 409),
            settled_by=(200,),
        )
        if status in (200, 201):
            row = {
                "venue": slug,
                "id": payload["id"],
                "key": key,
                "person": self.person,
                "expected": "confirmed",
                "status_code": status,
            }
            self.bookings.append(row)
            with self.lock:
                self.ledger.bookings.append(row)
        elif status != 409:
            with self.lock:
                self.ledger.unresolved_keys.append((self.person, key))

    def op_cancel_booking(self, op: str) -> None:
        if not self.bookings:
            return self.op_book("book")
        row = self.bookings.pop(self.random.randrange(len(self.bookings)))
        status, _, _ = self.write(
            op,
            "POST",
            VENUES[row["venue"]],
            f"/api/v1/bookings/{row['id']}/cancel/",
            expected=(200,),
            settled_by=(409,),
        )
        if status in (200, 409):
            row["expected"] = "cancelled"
        else:
            row["expected"] = "unknown"

    def op_register(self, op: str) -> None:
        slug = self.venue()
        taken = {r["event"] for r in self.registrations if r["venue"] == slug}
        free = [event for event in self.plan.events[slug] if event not in taken]
        if not free:
            return self.op_cancel_registration("cancel registration")
        event = self.random.choice(free)
        status, payload, _ = self.write(
            op, "POST", VENUES[slug], f"/api/v1/events/{event}/registrations/", expected=(201,), settled_by=(409,)
        )
        if status == 409:  # the first attempt registered us: find it
            _, page = self.send(op, "GET", VENUES[slug], f"/api/v1/events/{event}/registrations/")
            active = [r for r in (page or {}).get("results", []) if r["status"] != "cancelled"]
            payload = active[0] if active else None
        if status in (201, 409) and payload:
            row = {"venue": slug, "event": event, "id": payload["id"], "expected": "active"}
            self.registrations.append(row)
            with self.lock:
                self.ledger.registrations.append(row)

    def op_cancel_registration(self, op: str) -> None:
        if not self.registrations:
            return self.op_register("register")
        row = self.registrations.pop(self.random.randrange(len(self.registrations)))
        path = f"/api/v1/events/{row['event']}/registrations/{row['id']}/cancel/"
        status, _, _ = self.write(op, "POST", VENUES[row["venue"]], path, expected=(200,), settled_by=(409,))
        row["expected"] = "cancelled" if status in (200, 409) else "unknown"
