"""unit-cap (§3.1.1c): per-unit caps by declared unit, overrides, unit-kind and level filters."""

from rules_fixtures import town


def _in_a(n, level="provincial_creation"):
    return [town(f"A{i}", 10000 + i * 3000, 15000, unit="A", level=level) for i in range(n)]


def test_exactly_at_cap_passes(run_kind):
    assert run_kind(_in_a(3), "unit-cap", max=3) == []


def test_over_cap_fails_naming_the_unit(run_kind):
    (f,) = run_kind(_in_a(4), "unit-cap", max=3)
    assert (f.unit, f.measured, f.limit) == ("A", 4, 3)
    assert sorted(t["id"] for t in f.towns) == ["A0", "A1", "A2", "A3"]
    assert "甲县" in f.message_zh
    assert f.geometry.area > 800e6  # the unit polygon (30 km × 30 km) in metres


def test_override_raises_or_lowers_one_unit(run_kind):
    assert run_kind(_in_a(4), "unit-cap", max=3, overrides={"A": 4}) == []
    rows = [town(f"B{i}", 35000 + i * 3000, 15000, unit="B") for i in range(2)]
    (f,) = run_kind(rows, "unit-cap", max=3, overrides={"B": 1})
    assert (f.unit, f.limit) == ("B", 1)


def test_unit_kinds_filter_and_zone_counts_separately(run_kind):
    zone = [town(f"Z{i}", 2500 + i * 1500, 3000, unit="Z") for i in range(3)]
    rows = _in_a(3) + zone
    # zones are not counted against the county A, and the county rule skips zones
    assert run_kind(rows, "unit-cap", max=3, unit_kinds=["county"]) == []
    (f,) = run_kind(rows, "unit-cap", max=2, unit_kinds=["functional_zone"])
    assert f.unit == "Z" and f.measured == 3


def test_levels_filter(run_kind):
    rows = _in_a(3) + _in_a(2, level="municipal")
    rows[-1]["town_id"], rows[-2]["town_id"] = "M1", "M2"
    levels = ["provincial_creation", "provincial_cultivation"]
    assert run_kind(rows, "unit-cap", max=3, levels=levels) == []
    assert len(run_kind(rows, "unit-cap", max=3)) == 1
