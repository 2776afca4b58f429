"""`feasible_area`: points inside pass `site` on every spatial rule; points just outside fail."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from siting_fixture import HALF, METRIC, lonlat, m

from townsgis.errors import TownsgisError
from townsgis.siting import (
    SPATIAL_KINDS,
    circle_radius_m,
    evaluate_sites,
    feasible_area,
    sites_from_point,
)
from townsgis.siting.feasible import straight_edge_depth

R3 = circle_radius_m(3.0)


def region(res):
    return res.layer.to_crs(METRIC).union_all()


def verdicts(fx, points_m, level="provincial_creation"):
    """Rules (spatial kinds and caps) each site at ``points_m`` (metric x, y) causes."""
    ds, rs = fx.dataset(), fx.ruleset()
    kinds = {r.id: r.kind for r in rs.rules}
    out = []
    for x, y in points_m:
        lon, lat = lonlat(x, y)
        s = sites_from_point(ds, lon, lat, category="manufacturing", level=level)
        (res,) = evaluate_sites(ds, rs, s).sites
        out.append({f.rule for f in res.findings if kinds[f.rule] in SPATIAL_KINDS | {"unit-cap"}})
    return out


def test_points_sampled_inside_pass_every_spatial_rule(make_fixture):
    fx = make_fixture(spacing=2000)
    res = feasible_area(fx.dataset(), fx.ruleset(), category="manufacturing")
    area = region(res)
    assert res.area_km2 == pytest.approx(area.area / 1e6, rel=1e-6)
    rng = np.random.default_rng(7)
    minx, miny, maxx, maxy = area.bounds
    xs, ys = rng.uniform(minx, maxx, 400), rng.uniform(miny, maxy, 400)
    inside = shapely.contains_xy(area, xs, ys)
    pts = list(zip(xs[inside][:8], ys[inside][:8], strict=True))
    assert len(pts) == 8
    assert verdicts(fx, pts) == [set()] * 8


@pytest.mark.parametrize(("delta_m", "inside"), [(-5.0, False), (5.0, True)])
def test_min_gap_edge(make_fixture, delta_m, inside):
    fx = make_fixture(spacing=2000)  # spacing 2 km: the 1 km boundary gap binds beside T4
    res = feasible_area(fx.dataset(), fx.ruleset(), category="manufacturing")
    x, y = m(45, 15)
    x += HALF + 1000 + R3 + delta_m
    assert region(res).contains(shapely.Point(x, y)) is inside
    (rules,) = verdicts(fx, [(x, y)])
    assert rules == (set() if inside else {"GAP"})


@pytest.mark.parametrize(("delta_m", "inside"), [(-5.0, False), (5.0, True)])
def test_min_spacing_edge(fx, delta_m, inside):
    # SPACING is a warning: it bounds the area only at --fail-on warning, as it fails `site`
    res = feasible_area(fx.dataset(), fx.ruleset(), category="manufacturing", fail_on="warning")
    x, y = m(45, 15)
    x += 5000 + delta_m
    assert region(res).contains(shapely.Point(x, y)) is inside
    (rules,) = verdicts(fx, [(x, y)])
    assert rules == (set() if inside else {"SPACING"})


def test_unit_at_its_cap_is_excluded(fx):
    res = feasible_area(fx.dataset(), fx.ruleset(), category="manufacturing")
    assert [e["unit_id"] for e in res.excluded_units] == ["A"]
    assert set(res.layer["unit_id"]) == {"B", "Z"}
    pt = m(25, 25)
    assert not region(res).contains(shapely.Point(pt))
    assert verdicts(fx, [pt]) == [{"CAP-UNIT"}]
    # a municipal town is not capped per unit: A is open, minus the zone carved out of it
    muni = feasible_area(fx.dataset(), fx.ruleset(), category="manufacturing", level="municipal")
    a = muni.layer.to_crs(METRIC).set_index("unit_id").geometry["A"]
    assert a.contains(shapely.Point(m(25, 25)))
    assert not a.intersects(shapely.Point(m(5, 5)))


def test_full_city_cap_leaves_no_area(make_fixture):
    fx = make_fixture(cap_prov=4)
    res = feasible_area(fx.dataset(), fx.ruleset(), category="services")
    assert res.area_km2 == 0 and res.layer.empty
    assert all("CAP-PROV" in e["caps_full"] for e in res.excluded_units)


def test_unit_filter_and_attributes(fx):
    # one more tourism town breaks the category mix wherever it goes, as `site` says
    res = feasible_area(fx.dataset(), fx.ruleset(), category="tourism", unit="Z", area_km2=2.0)
    assert res.layer.empty and res.excluded_units == [
        {"unit_id": "Z", "caps_full": ["MIX-M", "MIX-T"]}
    ]
    res = feasible_area(
        fx.dataset(), fx.ruleset(), category="manufacturing", unit="Z", area_km2=2.0
    )
    assert list(res.layer["unit_id"]) == ["Z"]
    row = res.layer.iloc[0]
    assert (row["category"], row["ruleset"], row["footprint_km2"]) == (
        "manufacturing",
        "fixture",
        2.0,
    )
    assert res.layer.crs.to_epsg() == 4326
    # zone 6 km square: on a straight side a centre may sit d from the edge, where 95% of the
    # footprint is inside; corners are rounder (less than 95% there at depth d)
    r2 = circle_radius_m(2.0)
    d = straight_edge_depth(0.95, r2)
    assert (6000 - 2 * r2) ** 2 / 1e6 < res.area_km2 < (6000 - 2 * d) ** 2 / 1e6
    z = res.layer.to_crs(METRIC).union_all()
    assert z.bounds[0] == pytest.approx(m(2, 5)[0] + d, abs=0.05)


def test_unknown_unit_is_bad_input(fx):
    with pytest.raises(TownsgisError, match="--unit: 无法识别的县区“Q”"):
        feasible_area(fx.dataset(), fx.ruleset(), category="tourism", unit="Q")


@pytest.mark.parametrize(("delta_m", "inside"), [(-5.0, False), (5.0, True)])
def test_district_area_keeps_a_footprint_off_its_zone(fx, delta_m, inside):
    """A's own area excludes zone Z (as within-unit measures it): a centroid must sit where
    95% of its footprint is in A: the straight-edge depth d from Z's edge (not r)."""
    res = feasible_area(fx.dataset(), fx.ruleset(), category="manufacturing", level="municipal")
    x, y = m(8, 5)
    x += straight_edge_depth(0.95, R3) + delta_m
    a = res.layer.to_crs(METRIC).set_index("unit_id").geometry["A"]
    assert a.contains(shapely.Point(x, y)) is inside
    if inside:
        assert verdicts(fx, [(x, y)], level="municipal") == [set()]


def _site_verdict(ds, rs, unit_id, point_m, *, category, level, fail_on):
    """The location-free rules' verdict through `site` itself (evaluate_sites on a site made
    by make_sites at the point): the reference `unit_admits` must equal."""
    import dataclasses

    import geopandas as gpd

    from townsgis.crs import WGS84
    from townsgis.findings import Severity
    from townsgis.siting.feasible import LOCATION_FREE_KINDS, _only_unit
    from townsgis.siting.sites import make_sites

    keep = tuple(_only_unit(r, unit_id) for r in rs.rules if r.kind in LOCATION_FREE_KINDS)
    keep = tuple(r for r in keep if r is not None)
    if not keep:
        return []
    point = gpd.GeoSeries([point_m], crs=ds.metric_crs).to_crs(WGS84).iloc[0]
    spec = {"name": "feasible", "category": category, "level": level, "area_km2": 3.0}
    s = make_sites(ds, gpd.GeoSeries([point], crs=WGS84), [spec])
    s["unit_id"] = unit_id
    (res,) = evaluate_sites(ds, dataclasses.replace(rs, rules=keep), s, fail_on=fail_on).sites
    rank = Severity(fail_on).rank
    return sorted({f.rule for f in res.findings if not f.waived and f.severity.rank >= rank})


def test_unit_admits_gives_sites_verdict_on_sampled_huzhou_cases():
    """`unit_admits` (the location-free rules judged without building a `site` report) fails
    a unit for exactly the rules `site` fails it for: 36 (unit, category, level, severity)
    cases spread over every Huzhou unit, category and level, at error and at warning; some
    pass and some fail on caps and shares."""
    import itertools

    from townsgis import vocab
    from townsgis.dataset import own_unit_areas
    from townsgis.engine import load_inputs
    from townsgis.project import Project
    from townsgis.siting.feasible import unit_admits

    ds, rs = load_inputs(Project.open(None), layout_only=True)
    units = ds.metric("units")
    reps = {
        uid: own.representative_point()
        for uid, own in zip(units["unit_id"].astype(str), own_unit_areas(units), strict=True)
    }
    cases = list(
        itertools.product(reps, vocab.ids("category"), vocab.ids("level"), ("error", "warning"))
    )
    seen = set()
    for uid, category, level, fail_on in cases[:: max(1, len(cases) // 36)]:
        args = {"category": category, "level": level, "fail_on": fail_on}
        got = unit_admits(ds, rs, uid, reps[uid], area_km2=3.0, **args)
        assert got == _site_verdict(ds, rs, uid, reps[uid], **args), (uid, args)
        # as `feasible --unit` asks: with that unit and the zones only (its overrides only)
        alone = ds.metric_units_of([uid])
        assert unit_admits(ds, rs, uid, reps[uid], area_km2=3.0, units=alone, **args) == got
        seen.add(tuple(got))
    assert () in seen and len(seen) > 2
