"""min-gap (§3.1.2a): boundary-to-boundary distance; exactly the limit passes."""

import pytest
import shapely
from rules_fixtures import rule, town


def _pair(gap_m):
    return [town("T1", 10000, 10000), town("T2", 11000 + gap_m, 10000)]


def test_exactly_at_distance_passes(run_kind):
    assert run_kind(_pair(1000.0), "min-gap", min_m=1000) == []


@pytest.mark.parametrize("gap", [999.99, 500.0, 0.0])
def test_closer_than_limit_fails(run_kind, gap):
    (f,) = run_kind(_pair(gap), "min-gap", min_m=1000)
    assert f.measured == pytest.approx(gap, abs=1e-3)
    assert f.limit == 1000
    assert sorted(t["id"] for t in f.towns) == ["T1", "T2"]


def test_geometry_is_shortest_line_between_boundaries(run_kind):
    (f,) = run_kind(_pair(300.0), "min-gap", min_m=1000)
    assert f.geometry.geom_type == "LineString"
    assert f.geometry.length == pytest.approx(300.0, abs=1e-3)
    assert "0.30 km" in f.message_en


def test_diagonal_gap_uses_true_distance(run_kind):
    # corners 600 m apart in x and 800 m in y: 1000 m exactly -> passes; 990 m -> fails
    ok = [town("T1", 0, 0), town("T2", 1600, 1800)]
    assert run_kind(ok, "min-gap", min_m=1000) == []
    bad = [town("T1", 0, 0), town("T2", 1600, 1790)]
    (f,) = run_kind(bad, "min-gap", min_m=1000)
    assert f.measured == pytest.approx(shapely.Point(0, 0).distance(shapely.Point(600, 790)))


def test_overlapping_pairs_left_to_no_overlap_unless_asked(run_set):
    rows = [town("T1", 0, 0), town("T2", 500, 0)]  # overlap 0.5 km²
    gap = rule("min-gap", rule_id="GAP", min_m=1000)
    found = run_set(rows, [rule("no-overlap", rule_id="OVL"), gap])
    assert [f.rule for f in found] == ["OVL"]
    found = run_set(rows, [rule("no-overlap", rule_id="OVL"), {**gap, "include_overlaps": True}])
    assert sorted(f.rule for f in found) == ["GAP", "OVL"]
    assert next(f for f in found if f.rule == "GAP").measured == 0


def test_overlapping_pair_reported_when_the_set_has_no_no_overlap_rule(run_kind):
    # §3.1.2a: with no no-overlap rule nobody else reports the pair, so min-gap must
    (f,) = run_kind([town("T1", 0, 0), town("T2", 500, 0)], "min-gap", min_m=1000)
    assert f.measured == 0 and sorted(t["id"] for t in f.towns) == ["T1", "T2"]


@pytest.mark.parametrize(("tol_m2", "owner"), [(49_999.0, "OVL"), (50_000.0, "GAP")])
def test_no_overlap_tolerance_decides_who_reports(run_set, tol_m2, owner):
    # a 50 m × 1000 m = 50 000 m² overlap: above the tolerance no-overlap reports it; at the
    # tolerance no-overlap ignores it, so min-gap must report the pair instead
    rows = [town("T1", 0, 0), town("T2", 950, 0)]
    rules = [
        rule("no-overlap", rule_id="OVL", tolerance_m2=tol_m2),
        rule("min-gap", rule_id="GAP", min_m=1000),
    ]
    assert [f.rule for f in run_set(rows, rules)] == [owner]


def test_only_close_pairs_reported_among_many(run_kind):
    rows = [town(f"T{i}", i * 2500, 0) for i in range(8)]  # gaps of 1500 m
    rows.append(town("X", 3 * 2500 + 1000 + 200, 2000))  # 200 m right of T3, 1000 m above
    found = run_kind(rows, "min-gap", min_m=1100)
    assert {tuple(sorted(t["id"] for t in f.towns)) for f in found} == {
        ("T3", "X"),
        ("T4", "X"),
    }
