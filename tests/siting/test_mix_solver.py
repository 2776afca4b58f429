"""The category-mix solver (§3.1.3): fewest additions or removals, exact at the boundary."""

from __future__ import annotations

from fractions import Fraction

import pytest

from townsgis.siting import solve_additions, solve_removals

NOTICE = {
    "manufacturing": (Fraction(3, 5), None),
    "tourism": (None, Fraction(1, 5)),
    "services": (None, Fraction(1, 5)),
}


def shares_ok(counts, bounds):
    n = sum(counts.values())
    return all(
        (lo is None or counts.get(c, 0) >= lo * n) and (hi is None or counts.get(c, 0) <= hi * n)
        for c, (lo, hi) in bounds.items()
    )


def plus(counts, delta, sign=1):
    out = dict(counts)
    for c, k in delta.items():
        out[c] = out.get(c, 0) + sign * k
    return out


def test_huzhou_like_mix_needs_eleven_manufacturing_additions():
    counts = {"manufacturing": 6, "tourism": 5, "services": 3}
    add = solve_additions(counts, NOTICE)
    assert add == {"manufacturing": 11}  # 17/25 = 68 %, tourism 5/25 = 20 % exactly
    assert shares_ok(plus(counts, add), NOTICE)
    # one fewer is not enough
    assert not shares_ok(plus(counts, {"manufacturing": 10}), NOTICE)


def test_huzhou_like_mix_removals():
    counts = {"manufacturing": 6, "tourism": 5, "services": 3}
    rem = solve_removals(counts, NOTICE)
    assert rem == {"services": 1, "tourism": 3}  # 6/10 = 60 % exactly
    assert shares_ok(plus(counts, rem, -1), NOTICE)


def test_exactly_at_the_shares_needs_nothing():
    counts = {"manufacturing": 3, "tourism": 1, "services": 1}  # 60 / 20 / 20 %
    assert solve_additions(counts, NOTICE) == {}
    assert solve_removals(counts, NOTICE) == {}


@pytest.mark.parametrize(("m", "other", "need"), [(6, 8, 6), (5, 5, 3), (0, 2, 3)])
def test_min_share_only_reaches_sixty_percent_exactly(m, other, need):
    bounds = {"manufacturing": (Fraction(3, 5), None)}
    counts = {"manufacturing": m, "tourism": other}
    assert solve_additions(counts, bounds) == {"manufacturing": need}
    assert shares_ok(plus(counts, {"manufacturing": need}), bounds)
    assert not shares_ok(plus(counts, {"manufacturing": need - 1}), bounds)


def test_unreachable_by_additions():
    # a category capped at 0 % that already has a town can never be diluted to zero
    bounds = {"tourism": (None, Fraction(0))}
    assert solve_additions({"tourism": 1, "manufacturing": 1}, bounds, limit=200) is None
    assert solve_removals({"tourism": 1, "manufacturing": 1}, bounds) == {"tourism": 1}
