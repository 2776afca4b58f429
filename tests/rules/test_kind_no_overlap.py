"""no-overlap (§3.1.2a): overlapping town areas fail; touching passes."""

import pytest
from rules_fixtures import town


def test_touching_towns_pass(run_kind):
    assert run_kind([town("T1", 0, 0), town("T2", 1000, 0)], "no-overlap") == []


def test_overlap_fails_with_the_overlap_polygon(run_kind):
    (f,) = run_kind([town("T1", 0, 0), town("T2", 990, 0)], "no-overlap")
    assert f.geometry.area == pytest.approx(10 * 1000, rel=1e-6)
    assert f.measured == pytest.approx(0.01)
    assert sorted(t["id"] for t in f.towns) == ["T1", "T2"]


def test_tolerance(run_kind):
    rows = [town("T1", 0, 0), town("T2", 990, 0)]  # 10 000 m² overlap
    assert run_kind(rows, "no-overlap", tolerance_m2=10_000.0) == []
    assert len(run_kind(rows, "no-overlap", tolerance_m2=9_999.0)) == 1


def test_contained_town_is_an_overlap(run_kind):
    (f,) = run_kind([town("T1", 0, 0, 3000), town("T2", 1000, 1000)], "no-overlap")
    assert f.geometry.area == pytest.approx(1e6, rel=1e-6)
