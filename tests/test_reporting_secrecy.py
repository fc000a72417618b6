"""Statistical secrecy on its own: the primary rules, and secondary suppression that leaves no suppressed
cell recomputable from a line's total and its published cells."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

import pytest

from reporting.secrecy import TOTAL, Reason, cube, primary, protect, protected, recomputable, summarised

D = Decimal


def parts(**by: int | str) -> dict[str, Decimal]:
    return {who: D(str(value)) for who, value in by.items()}


def test_a_cell_of_fewer_than_3_contributors_is_suppressed() -> None:
    cells = protect({("a",): parts(o1=5, o2=7)}, [["a"]], business=False)
    assert cells[("a",)].reason == Reason.FEWER_THAN_3
    assert cells[(TOTAL,)].reason is not None  # the total is the same figure


def test_three_contributors_are_enough_unless_one_dominates_a_business_figure() -> None:
    even = protect({("a",): parts(o1=10, o2=10, o3=10)}, [["a"]], business=True)
    assert even[("a",)].reason is None

    dominated = protect({("a",): parts(o1=85, o2=10, o3=5)}, [["a"]], business=True)
    assert dominated[("a",)].reason == Reason.DOMINANCE
    just_under = protect({("a",): parts(o1=84, o2=10, o3=6)}, [["a"]], business=True)
    assert just_under[("a",)].reason is None

    not_business = protect({("a",): parts(o1=85, o2=10, o3=5)}, [["a"]], business=False)
    assert not_business[("a",)].reason is None


def test_the_venue_itself_and_empty_cells_are_not_sensitive() -> None:
    cells = protect({("a",): parts(v=40), ("b",): {}}, [["a", "b"]], business=False)
    assert cells[("a",)].reason is None and cells[("b",)].reason is None
    assert primary(cells[("a",)], business=True) is None
    with_one = protect({("a",): parts(v=40, o1=2)}, [["a"]], business=False)
    assert with_one[("a",)].reason == Reason.FEWER_THAN_3  # the venue does not make an organisation safe


def test_one_suppressed_cell_in_a_row_forces_a_second_one() -> None:
    inner = {
        ("music",): parts(o1=100),  # 1 contributor: primary
        ("web",): parts(o2=30, o3=30, o4=30),
        ("design",): parts(o5=20, o6=20, o7=20),
        ("cinema",): parts(o8=50, o9=50, o10=50),
    }
    domains = [["music", "web", "design", "cinema"]]
    cells = protect(inner, domains, business=False)

    assert cells[("music",)].reason == Reason.FEWER_THAN_3
    assert cells[("design",)].reason == Reason.SECONDARY  # the smallest published one goes with it
    assert cells[(TOTAL,)].reason is None  # the total stays published
    assert recomputable(cells, domains) == []
    # without the second suppression the first would be total minus the others:
    total = cells[(TOTAL,)].value
    published = sum(c.value for k, c in cells.items() if k != (TOTAL,) and not c.suppressed)
    assert total - published != cells[("music",)].value


def test_secondary_suppression_holds_against_row_and_column_totals() -> None:
    venues, sectors = ["a", "b"], ["music", "web", "design"]
    inner = {
        ("a", "music"): parts(o1=10),  # primary
        ("a", "web"): parts(o2=5, o3=5, o4=5),
        ("a", "design"): parts(o5=7, o6=7, o7=7),
        ("b", "music"): parts(o8=9, o9=9, o10=9),
        ("b", "web"): parts(o11=4, o12=4, o13=4),
        ("b", "design"): parts(o14=8, o15=8, o16=8),
    }
    domains = [venues, sectors]
    cells = protect(inner, domains, business=False)

    assert cells[("a", "music")].reason == Reason.FEWER_THAN_3
    hidden = {key for key, cell in cells.items() if cell.suppressed}
    assert len(hidden) >= 4  # a rectangle: two in venue a's row, two in the music column
    assert recomputable(cells, domains) == []
    # every line (row, column, with its total) has 0 or at least 2 hidden members
    for line in [[(v, s) for s in [*sectors, TOTAL]] for v in [*venues, TOTAL]] + [
        [(v, s) for v in [*venues, TOTAL]] for s in [*sectors, TOTAL]
    ]:
        assert sum(1 for key in line if key in hidden) != 1


def test_margins_add_up_and_inner_cells_are_chosen_before_totals() -> None:
    inner = {("a", "x"): parts(o1=1, o2=1, o3=1), ("b", "x"): parts(o4=2, o5=2, o6=2)}
    cells = cube(inner, [["a", "b"], ["x"]])
    assert cells[(TOTAL, TOTAL)].value == D(9)
    assert cells[("a", TOTAL)].value == D(3)
    assert cells[(TOTAL, "x")].contributors == 6


@pytest.mark.parametrize("seed", range(40))
def test_random_three_way_tables_never_leave_a_suppressed_cell_recomputable(seed: int) -> None:
    rng = random.Random(seed)
    domains = [["a", "b"], ["s%d" % i for i in range(rng.randint(2, 5))], ["k%d" % i for i in range(rng.randint(1, 4))]]
    inner = {}
    organisation = itertools.count()
    for key in itertools.product(*domains):
        n = rng.choice([0, 1, 2, 3, 4, 6])
        inner[key] = {"o%d" % next(organisation): D(rng.randint(1, 50)) for _ in range(n)}
    cells = protect(inner, domains, business=rng.random() < 0.5)

    assert recomputable(cells, domains) == []
    for cell in cells.values():
        if cell.reason in (Reason.FEWER_THAN_3, Reason.DOMINANCE):
            assert primary(cell, business=True) is not None


@pytest.mark.parametrize("seed", range(10))
def test_cells_summed_elsewhere_are_protected_like_the_contributions_they_sum(seed: int) -> None:
    rng = random.Random(seed)
    domains = [["m1", "m2", "m3"], ["a", "b"], ["s%d" % i for i in range(rng.randint(2, 4))]]
    people = ["o%d" % i for i in range(8)] + ["v"]
    inner = {
        key: {who: D(rng.randint(0, 40)) for who in rng.sample(people, rng.choice([0, 1, 2, 3, 5]))}
        for key in itertools.product(*domains)
    }
    business = rng.random() < 0.5
    expected = protect(inner, domains, business=business)
    rows = [(key, c.value, c.contributors, c.largest) for key, c in cube(inner, domains).items() if c.contributions]
    got = protected(summarised(rows, domains), domains, business=business)
    assert {key: (c.value, c.reason) for key, c in got.items()} == {
        key: (c.value, c.reason) for key, c in expected.items()
    }
    with pytest.raises(KeyError):
        summarised([(("m9", "a", "s0"), D(1), 1, D(1))], domains)
