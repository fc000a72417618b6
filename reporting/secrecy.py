"""Statistical secrecy of a table of figures, cell by cell.

A table is a cube: each cell is a combination of dimension values (a venue, a sector, a kind of resource…)
where a dimension may also be at its total (`TOTAL`). Each inner cell knows what each contributor put in.

- **Primary suppression.** A cell built from 1 or 2 contributors is suppressed (`fewer_than_3`); for a
  business figure, so is a cell where one contributor brings 85 % or more of the value (`dominance`).
  Cells to which no organisation contributed (nothing happened, or only the venue's own activity) are
  not sensitive.
- **Secondary suppression.** Along every line of the cube (one dimension varying, its total included) the
  total is the sum of the cells; a line with exactly one suppressed member would give it away by
  subtraction, so another member is suppressed (`secondary`): the lightest (`Cell.weight`), then the most
  detailed one, with contributors, of smallest value. Repeated until no line has exactly one suppressed member.

The cube always spans every dimension of the metric and every venue, whatever slice a caller asks for:
any two queries read the same protected cells, so one cannot undo the suppression of another."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

MIN_CONTRIBUTORS = 3
DOMINANCE = Decimal("0.85")
VENUE_ITSELF = "v"
TOTAL: Any = None  # a dimension at its total


class Reason:
    FEWER_THAN_3 = "fewer_than_3"
    DOMINANCE = "dominance"
    SECONDARY = "secondary"


Key = tuple[Any, ...]


@dataclass
class Cell:
    key: Key
    contributions: dict[str, Decimal] = field(default_factory=dict)
    reason: str | None = None
    weight: int = 0  # for secondary suppression, lighter cells are hidden first
    summary: tuple[Decimal, int, Decimal] | None = None  # (value, contributors, largest part), summed in SQL

    @property
    def value(self) -> Decimal:
        if self.summary is not None:
            return self.summary[0]
        return sum(self.contributions.values(), Decimal(0))

    @property
    def contributors(self) -> int:
        if self.summary is not None:
            return self.summary[1]
        return sum(1 for who, part in self.contributions.items() if part and who != VENUE_ITSELF)

    @property
    def largest(self) -> Decimal:
        """The largest part one contributor (the venue itself included) brings."""
        if self.summary is not None:
            return self.summary[2]
        return max(self.contributions.values(), default=Decimal(0))

    @property
    def suppressed(self) -> bool:
        return self.reason is not None

    @property
    def detail(self) -> int:
        return sum(1 for part in self.key if part is not TOTAL)


def primary(cell: Cell, business: bool) -> str | None:
    n = cell.contributors
    if n == 0:
        return None
    if n < MIN_CONTRIBUTORS:
        return Reason.FEWER_THAN_3
    if business:
        total = cell.value
        if total > 0 and cell.largest >= DOMINANCE * total:
            return Reason.DOMINANCE
    return None


def cube(inner: dict[Key, dict[str, Decimal]], domains: Sequence[Sequence[Any]]) -> dict[Key, Cell]:
    """Every cell of the cube over `domains` (each dimension's values), totals included, from the inner
    cells' contributions (missing inner cells are empty)."""
    cells: dict[Key, Cell] = {}
    for key in itertools.product(*[[*values, TOTAL] for values in domains]):
        cells[key] = Cell(key)
    for key, parts in inner.items():
        for mask in itertools.product((False, True), repeat=len(key)):
            target = tuple(TOTAL if total else value for value, total in zip(key, mask, strict=True))
            bucket = cells.get(target)
            if bucket is None:
                raise KeyError("cell %r is outside the domains" % (key,))
            for who, part in parts.items():
                bucket.contributions[who] = bucket.contributions.get(who, Decimal(0)) + part
    return cells


def lines(cells: dict[Key, Cell], domains: Sequence[Sequence[Any]]) -> list[list[Key]]:
    """Every additive relation of the cube: for each dimension and each setting of the others, the cells
    along that dimension and their total."""
    found = []
    for dimension, values in enumerate(domains):
        others = [[*d, TOTAL] for i, d in enumerate(domains) if i != dimension]
        for rest in itertools.product(*others):
            line = []
            for value in [*values, TOTAL]:
                key = list(rest)
                key.insert(dimension, value)
                line.append(tuple(key))
            found.append(line)
    return found


def protect(
    inner: dict[Key, dict[str, Decimal]], domains: Sequence[Sequence[Any]], *, business: bool
) -> dict[Key, Cell]:
    """The cube with each cell's suppression decided (`Cell.reason`)."""
    return protected(cube(inner, domains), domains, business=business)


def summarised(rows: Iterable[tuple[Key, Decimal, int, Decimal]], domains: Sequence[Sequence[Any]]) -> dict[Key, Cell]:
    """The cube over `domains` from cells already summed (in SQL, `GROUP BY CUBE`): for each key, totals
    included, its value, its number of contributors and its largest part. Keys not given are empty."""
    cells = {key: Cell(key) for key in itertools.product(*[[*values, TOTAL] for values in domains])}
    for key, value, contributors, largest in rows:
        cell = cells.get(key)
        if cell is None:
            raise KeyError("cell %r is outside the domains" % (key,))
        cell.summary = (value, contributors, largest)
    return cells


def protected(cells: dict[Key, Cell], domains: Sequence[Sequence[Any]], *, business: bool) -> dict[Key, Cell]:
    """`cells` (a whole cube over `domains`) with their suppression decided."""
    for cell in cells.values():
        cell.reason = primary(cell, business)
    settle(cells, lines(cells, domains))
    return cells


def settle(cells: dict[Key, Cell], relations: Iterable[Sequence[Key]]) -> None:
    """Secondary suppression: until no relation (cells tied by one linear equation) has exactly one
    suppressed cell. A relation of two cells is the same figure twice: the two share their fate.

    Relations are visited in passes, in order (pairs first), as a loop over all of them until a pass changes
    nothing would; but a cell's suppression only puts the relations it belongs to back in question, so a
    pass visits only those with exactly one suppressed cell."""
    ordered = sorted((list(line) for line in relations), key=lambda line: len(line) > 2)
    member_of: dict[Key, list[int]] = defaultdict(list)
    for index, line in enumerate(ordered):
        for key in line:
            member_of[key].append(index)
    hidden = [sum(1 for key in line if cells[key].suppressed) for line in ordered]
    this_pass = [index for index, count in enumerate(hidden) if count == 1]
    next_pass: list[int] = []
    heapq.heapify(this_pass)
    while this_pass or next_pass:
        if not this_pass:
            this_pass, next_pass = next_pass, []
        index = heapq.heappop(this_pass)
        if hidden[index] != 1:
            continue
        chosen = _suppress_another(cells, ordered[index])
        for other in member_of[chosen.key]:
            hidden[other] += 1
            if hidden[other] == 1:  # later in this pass, or in the next one
                heapq.heappush(this_pass if other > index else next_pass, other)


def _suppress_another(cells: dict[Key, Cell], line: Iterable[Key]) -> Cell:
    candidates = [cells[key] for key in line if not cells[key].suppressed]
    chosen = min(candidates, key=lambda c: (c.weight, -c.detail, c.contributors == 0, c.value, repr(c.key)))
    chosen.reason = Reason.SECONDARY
    return chosen


def recomputable(
    cells: dict[Key, Cell], domains: Sequence[Sequence[Any]] = (), relations: Iterable[Sequence[Key]] | None = None
) -> list[Key]:
    """Suppressed cells that one relation's published members give away (for tests: always empty)."""
    exposed = []
    for line in lines(cells, domains) if relations is None else relations:
        hidden = [key for key in line if cells[key].suppressed]
        if len(hidden) == 1:
            exposed.append(hidden[0])
    return exposed
