"""`evaluate_sites`: verdicts, caused findings, nearest towns, caps (§3.1.1c, §3.1.2a/c)."""

from __future__ import annotations

import math

import pytest
from siting_fixture import HALF, lonlat, m

from townsgis.crs import wgs84_to_gcj02
from townsgis.errors import SchemaError
from townsgis.siting import circle_radius_m, evaluate_sites, sites_from_point

R3 = circle_radius_m(3.0)


def judge(fx, x_km, y_km, *, category="manufacturing", level="provincial_creation", **kw):
    ds, rs = fx.dataset(), fx.ruleset()
    lon, lat = lonlat(*m(x_km, y_km))
    sites = sites_from_point(ds, lon, lat, category=category, level=level, name="候选")
    return evaluate_sites(ds, rs, sites, **kw).sites[0]


def rules(site):
    return sorted(f.rule for f in site.findings)


def test_empty_part_of_b_passes_and_caps_reach_exactly(fx):
    s = judge(fx, 52, 15)
    assert s.verdict == "pass" and s.findings == []
    assert s.unit_id == "B"
    city = {c["rule"]: c for c in s.capacity["city"]}
    assert city["CAP-PROV"]["remaining_after"] == 0  # 5 of 5: reaching the cap passes
    assert city["CAP-ALL"]["remaining_after"] == 1
    assert s.capacity["unit"][0]["remaining_after"] == 1


def test_fourth_provincial_town_in_full_unit_fails_unit_cap(fx):
    s = judge(fx, 8, 25)
    assert s.verdict == "fail"
    assert rules(s) == ["CAP-UNIT"]
    f = s.findings[0]
    assert f.clause == "§3.1.1c" and f.unit == "A" and f.measured == 4 and f.limit == 3


def test_municipal_town_in_full_unit_passes(fx):
    s = judge(fx, 8, 25, level="municipal")
    assert "CAP-UNIT" not in rules(s)


def test_site_300_m_from_a_town_fails_min_gap(fx):
    # T4 square spans 44.25–45.75 km; circle edge 300 m east of it.
    x = 45 + (HALF + 300 + R3) / 1000
    s = judge(fx, x, 15)
    assert s.verdict == "fail"
    gap = [f for f in s.findings if f.rule == "GAP"]
    assert len(gap) == 1 and set(gap[0].town_ids) == {"SITE-1", "T4"}
    assert gap[0].clause == "§3.1.2a"
    assert gap[0].measured == pytest.approx(300, abs=0.5)


@pytest.mark.parametrize(("gap_m", "fails"), [(1000.0, False), (999.0, True)])
def test_gap_exactly_at_the_limit_passes(fx, gap_m, fails):
    # the circle's easternmost/westernmost vertices lie on the axis: boundary gap is exact
    x = 45 + (HALF + gap_m + R3) / 1000
    s = judge(fx, x, 15)
    assert ("GAP" in rules(s)) is fails
    # centroids are < 5 km apart: a §3.1.2c warning, which does not fail by default
    assert "SPACING" in rules(s)
    assert s.verdict == ("fail" if fails else "pass")


def test_warning_fails_with_fail_on_warning(fx):
    x = 45 + (HALF + 1500 + R3) / 1000
    assert judge(fx, x, 15).verdict == "pass"
    assert judge(fx, x, 15, fail_on="warning").verdict == "fail"


@pytest.mark.parametrize(("dist_m", "warned"), [(5000.0, False), (4999.0, True)])
def test_spacing_exactly_at_the_limit(fx, dist_m, warned):
    s = judge(fx, 45 + dist_m / 1000, 15)
    assert ("SPACING" in rules(s)) is warned


def test_existing_layout_findings_are_not_reported(fx):
    # the fixture breaks the mix already (manufacturing 2/4); a manufacturing site improves it
    s = judge(fx, 52, 15)
    assert not [f for f in s.findings if f.rule.startswith("MIX")]


def test_tourism_site_worsens_the_mix_and_is_blamed(fx):
    s = judge(fx, 52, 15, category="tourism")
    assert set(rules(s)) >= {"MIX-M", "MIX-T"}
    assert s.verdict == "fail"


def test_attribute_rules_are_not_applied_to_a_site(fx):
    s = judge(fx, 52, 15)
    assert "SCENIC" not in rules(s)


def test_nearest_three_towns_boundary_distance_km(fx):
    s = judge(fx, 52, 15)
    assert [n["town_id"] for n in s.nearest] == ["T4", "T2", "T1"]
    expect = (7000 - HALF - R3) / 1000
    assert s.nearest[0]["distance_km"] == pytest.approx(expect, abs=1e-3)
    d = [n["distance_km"] for n in s.nearest]
    assert d == sorted(d)


def test_site_in_functional_zone_gets_the_zone(fx):
    s = judge(fx, 5, 5)
    assert s.unit_id == "Z"


def test_gcj02_input_is_reported_in_wgs84(fx):
    ds, rs = fx.dataset(), fx.ruleset()
    lon, lat = lonlat(*m(52, 15))
    glon, glat = wgs84_to_gcj02(lon, lat)
    sites = sites_from_point(
        ds, float(glon), float(glat), crs="gcj02", category="manufacturing", level="municipal"
    )
    d = evaluate_sites(ds, rs, sites).to_dict()["sites"][0]
    assert d["lon"] == pytest.approx(lon, abs=1e-7) and d["lat"] == pytest.approx(lat, abs=1e-7)
    assert math.dist((glon, glat), (lon, lat)) > 1e-3  # the shift was real (≈ 0.5 km)


def test_point_outside_the_city_is_bad_input(fx):
    ds = fx.dataset()
    lon, lat = lonlat(*m(80, 15))
    with pytest.raises(SchemaError, match="测试市之外：不在任何单元内"):
        sites_from_point(ds, lon, lat, category="manufacturing", level="municipal")


def test_bad_category_is_bad_input(fx):
    ds = fx.dataset()
    lon, lat = lonlat(*m(52, 15))
    with pytest.raises(SchemaError, match="无法识别的类别“farming”"):
        sites_from_point(ds, lon, lat, category="farming", level="municipal")


def test_json_shape_is_exact(fx):
    ds, rs = fx.dataset(), fx.ruleset()
    lon, lat = lonlat(*m(52, 15))
    sites = sites_from_point(ds, lon, lat, category="manufacturing", level="municipal")
    d = evaluate_sites(ds, rs, sites).to_dict()
    assert list(d) == ["sites"]
    assert list(d["sites"][0]) == [
        "name", "lon", "lat", "unit_id", "verdict", "findings", "nearest", "capacity", "mix",
    ]  # fmt: skip
    assert list(d["sites"][0]["nearest"][0]) == ["town_id", "name_zh", "distance_km"]
