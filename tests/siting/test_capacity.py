"""`capacity`: remaining slots (§3.1.1a–c) and whether the mix (§3.1.3) fits within them."""

from __future__ import annotations

import pandas as pd
import pytest

from townsgis.siting import Cap, capacity, max_additions

PROV = frozenset({"provincial_creation", "provincial_cultivation"})


def test_city_and_unit_slots(fx):
    rep = capacity(fx.dataset(), fx.ruleset())
    city = {c["rule"]: c for c in rep.city}
    assert (city["CAP-ALL"]["used"], city["CAP-ALL"]["remaining"]) == (4, 2)
    assert (city["CAP-PROV"]["used"], city["CAP-PROV"]["remaining"]) == (4, 1)
    units = {u["unit_id"]: u for u in rep.units}
    assert units["A"]["caps"][0]["remaining"] == 0  # 3 of 3: at the cap
    assert units["A"]["provincial_slots"] == 0
    assert units["A"]["total_slots"] == 2  # municipal towns only meet the city-wide cap
    assert units["B"]["provincial_slots"] == 1  # unit has 2 left, the city only 1
    assert units["Z"]["caps"][0]["limit"] == 1  # per-unit override


def test_mix_reachable_with_slots_to_spare(fx):
    (mix,) = capacity(fx.dataset(), fx.ruleset()).mix
    assert not mix.ok
    assert mix.add == {"manufacturing": 1}  # 3/5 = 60 %, 1/5 = 20 % exactly
    assert mix.add_slots == 2 and mix.add_feasible
    assert mix.remove == {"services": 1, "tourism": 1}


@pytest.mark.parametrize(("cap_all", "slots", "feasible"), [(5, 1, True), (4, 0, False)])
def test_mix_exactly_at_the_slots_and_infeasible(make_fixture, cap_all, slots, feasible):
    fx = make_fixture(cap_all=cap_all)
    (mix,) = capacity(fx.dataset(), fx.ruleset()).mix
    assert mix.add_slots == slots
    assert mix.add_feasible is feasible
    assert "CAP-ALL" in mix.binding
    d = mix.to_dict()
    assert d["add_total"] == 1 and d["add_feasible"] is feasible


def test_mix_already_met_needs_nothing(make_fixture):
    towns = [
        ("T1", "一", "A", "municipal", "manufacturing", 5, 25),
        ("T2", "二", "A", "municipal", "manufacturing", 15, 25),
        ("T3", "三", "B", "municipal", "manufacturing", 40, 25),
        ("T4", "四", "B", "municipal", "tourism", 50, 25),
        ("T5", "五", "B", "municipal", "services", 50, 5),
    ]
    fx = make_fixture(towns=towns)
    (mix,) = capacity(fx.dataset(), fx.ruleset()).mix
    assert mix.ok and mix.add == {} and mix.remove == {}


def _towns(rows):
    return pd.DataFrame(rows, columns=["unit_id", "level"])


def test_max_additions_levels_and_nested_caps():
    towns = _towns([("A", "provincial_creation")] * 3 + [("B", "provincial_creation")] * 2)
    caps = [
        Cap("ALL", "§3.1.1a", "city", None, limit=10),
        Cap("PROV", "§3.1.1b", "city", PROV, limit=7),
        Cap("UNIT", "§3.1.1c", "unit", PROV, default=3),
    ]
    # provincial: city has 2 left, units A 0 + B 1 → 1
    assert max_additions(caps, towns, ["A", "B"], PROV) == (1, ["UNIT"])
    # any level: municipal towns only count against ALL → 5 in total
    n, binding = max_additions(caps, towns, ["A", "B"], None)
    assert n == 5 and "ALL" in binding
    # no cap on the level at all
    assert max_additions([caps[1]], towns, ["A", "B"], frozenset({"municipal"}))[0] is None


def test_max_additions_counts_unit_caps_that_cover_only_some_units():
    """§3.1.1c: a cap on the districts and another on the functional zone together bound
    every unit; skipping both (as before) left only the city-wide 20 − 5 = 15."""
    towns = _towns([("A", "provincial_creation")] * 3 + [("Z", "provincial_creation")] * 2)
    caps = [
        Cap("ALL", "§3.1.1a", "city", None, limit=20),
        Cap("DIST", "§3.1.1c", "unit", PROV, default=4, units=frozenset({"A", "B"})),
        Cap("ZONE", "§3.1.1c", "unit", PROV, default=2, units=frozenset({"Z"})),
    ]
    # A 1 left, B 4 left, Z full (2 of 2) → 5
    assert max_additions(caps, towns, ["A", "B", "Z"], PROV) == (5, ["DIST", "ZONE"])
    # exactly at the cap in A: one more district town leaves 4
    more = _towns([("A", "provincial_creation")] * 4 + [("Z", "provincial_creation")] * 2)
    assert max_additions(caps, more, ["A", "B", "Z"], PROV) == (4, ["DIST", "ZONE"])


def test_max_additions_partial_unit_cap_leaves_uncovered_units_to_the_city_cap():
    towns = _towns([("Z", "provincial_creation")] * 2)
    caps = [
        Cap("ALL", "§3.1.1a", "city", None, limit=6),
        Cap("ZONE", "§3.1.1c", "unit", PROV, default=2, units=frozenset({"Z"})),
    ]
    # Z is full, A is uncapped: the city-wide cap (6 − 2 = 4) binds, not the zone's
    assert max_additions(caps, towns, ["A", "Z"], PROV) == (4, ["ALL"])
    # without any city cap nothing bounds the count
    assert max_additions(caps[1:], towns, ["A", "Z"], PROV) == (None, [])
    # a zone-only view (every unit covered) is bounded by the zone: 0 left
    assert max_additions(caps[1:], towns, ["Z"], PROV) == (0, ["ZONE"])
