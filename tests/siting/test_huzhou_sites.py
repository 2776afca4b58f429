"""Issue 3's site examples on the bundled Huzhou data (positions derived from the data)."""

from __future__ import annotations

import pytest
import shapely

from townsgis.dataset import load_dataset
from townsgis.project import Project
from townsgis.ruleset import load_ruleset
from townsgis.siting import (
    circle_radius_m,
    evaluate_sites,
    feasible_area,
    make_sites,
)


@pytest.fixture(scope="module")
def hz():
    proj = Project.open(None)
    rs = load_ruleset(proj.ruleset_path("huzhou-2018"))
    return load_dataset(proj, crs_override=rs.analysis_crs), rs


def judge(hz, point_m, category="manufacturing", level="provincial_cultivation"):
    import geopandas as gpd

    ds, rs = hz
    g = gpd.GeoSeries([point_m], crs=ds.metric_crs)
    attrs = {"name": "候选", "category": category, "level": level, "area_km2": 3.0}
    return evaluate_sites(ds, rs, make_sites(ds, g, [attrs])).sites[0]


def test_fourth_provincial_town_in_anji_fails_unit_cap(hz):
    ds, rs = hz
    anji = ds.metric("units").set_index("unit_id").geometry["330523"]
    open_anji = feasible_area(ds, rs, category="manufacturing", level="municipal", unit="330523")
    pt = open_anji.layer.to_crs(ds.metric_crs).geometry.iloc[0].representative_point()
    assert anji.contains(pt)
    s = judge(hz, pt)
    assert s.verdict == "fail" and s.unit_id == "330523"
    assert [
        (f.rule, f.clause, f.measured, f.limit) for f in s.findings if f.severity == "error"
    ] == [("HZ-CAP-UNIT", "§3.1.1c", 4, 3)]


def test_site_300_m_from_a_town_fails_min_gap(hz):
    ds, rs = hz
    towns = ds.metric("towns")
    town = towns.geometry.iloc[0]
    c = town.centroid
    want = 300.0 + circle_radius_m(3.0)  # centre-to-boundary distance
    lo, hi = 0.0, 20_000.0
    for _ in range(60):  # bisection along the east axis
        mid = (lo + hi) / 2
        if shapely.Point(c.x + mid, c.y).distance(town) < want:
            lo = mid
        else:
            hi = mid
    s = judge(hz, shapely.Point(c.x + hi, c.y), level="municipal")
    gap = [f for f in s.findings if f.rule == "HZ-GAP"]
    assert s.verdict == "fail"
    assert gap and gap[0].clause == "§3.1.2a"
    assert gap[0].measured == pytest.approx(300, abs=1.0)
    assert str(towns["town_id"].iloc[0]) in gap[0].town_ids


def test_manufacturing_site_in_empty_nanxun_passes(hz):
    ds, rs = hz
    res = feasible_area(ds, rs, category="manufacturing", level="provincial_cultivation",
                        unit="330503")  # fmt: skip
    assert res.area_km2 > 10
    pt = res.layer.to_crs(ds.metric_crs).geometry.iloc[0].representative_point()
    s = judge(hz, pt)
    assert s.verdict == "pass" and s.unit_id == "330503"
    assert not [f for f in s.findings if f.severity == "error"]
