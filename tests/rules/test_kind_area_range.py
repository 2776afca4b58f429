"""area-range (national 2021 guideline): km² bounds pass, raised cap for listed categories."""

import math

import pytest
from rules_fixtures import town

SIDE_5 = math.sqrt(5e6)  # a square of exactly 5 km²


def test_exactly_at_max_passes_and_over_fails(run_kind):
    assert run_kind([town("T1", 0, 0, SIDE_5)], "area-range", min_km2=1, max_km2=5) == []
    (f,) = run_kind([town("T1", 0, 0, SIDE_5 + 1)], "area-range", min_km2=1, max_km2=5)
    assert f.measured == pytest.approx((SIDE_5 + 1) ** 2 / 1e6, abs=1e-4) and f.limit == 5


def test_exactly_at_min_passes_and_below_fails(run_kind):
    assert run_kind([town("T1", 0, 0, 1000)], "area-range", min_km2=1, max_km2=5) == []
    (f,) = run_kind([town("T1", 0, 0, 999)], "area-range", min_km2=1, max_km2=5)
    assert f.limit == 1 and "< 1 km²" in f.message_en


def test_raised_cap_for_listed_categories(run_kind):
    rows = [town("T1", 0, 0, 3000, category="tourism"), town("T2", 9000, 0, 3000)]
    found = run_kind(
        rows, "area-range", max_km2=5, raised_max_km2=10, raised_categories=["tourism"]
    )
    assert [f.towns[0]["id"] for f in found] == ["T2"]


def test_attribute_source_and_missing_values_reported_as_info(run_kind):
    rows = [
        town("T1", 0, 0, construction_area_km2=0.5),
        town("T2", 3000, 0, construction_area_km2=0.49),
        town("T3", 6000, 0, construction_area_km2=None),
    ]
    found = run_kind(rows, "area-range", source="construction_area_km2", min_km2=0.5)
    assert [(str(f.severity), [t["id"] for t in f.towns]) for f in found] == [
        ("error", ["T2"]),
        ("info", ["T3"]),
    ]
