"""Many sites: each judged alone, or all as one package (`--together`)."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from siting_fixture import box_km, lonlat, m

from townsgis.crs import WGS84
from townsgis.errors import SchemaError
from townsgis.i18n import using
from townsgis.siting import evaluate_sites, sites_from_file


def _write(tmp_path, rows, geoms, crs=WGS84):
    path = tmp_path / "proposals.geojson"
    gpd.GeoDataFrame(rows, geometry=geoms, crs=crs).to_file(path, driver="GeoJSON")
    return path


def _two_close_points(tmp_path):
    a, b = shapely.Point(lonlat(*m(50, 10))), shapely.Point(lonlat(*m(50, 12.4)))
    rows = [
        {"name_zh": "东一", "category": "manufacturing", "level": "municipal", "area_km2": 3.0},
        {"name_zh": "东二", "category": "manufacturing", "level": "municipal", "area_km2": 3.0},
    ]
    return _write(tmp_path, rows, [a, b])


def test_each_alone_passes_but_together_they_are_too_close(fx, tmp_path):
    ds, rs = fx.dataset(), fx.ruleset()
    sites = sites_from_file(ds, _two_close_points(tmp_path))
    alone = evaluate_sites(ds, rs, sites)
    assert [s.verdict for s in alone.sites] == ["pass", "pass"]
    both = evaluate_sites(ds, rs, sites, together=True)
    assert [s.verdict for s in both.sites] == ["fail", "fail"]
    gap = [f for f in both.sites[0].findings if f.rule == "GAP"]
    assert gap and set(gap[0].town_ids) == {"SITE-1", "SITE-2"}


def test_together_caps_count_the_whole_package(make_fixture, tmp_path):
    fx = make_fixture(cap_all=5)
    ds, rs = fx.dataset(), fx.ruleset()
    sites = sites_from_file(ds, _two_close_points(tmp_path))
    both = evaluate_sites(ds, rs, sites, together=True)
    cap = [f for f in both.sites[0].findings if f.rule == "CAP-ALL"]
    assert cap and cap[0].measured == 6 and cap[0].limit == 5
    alone = evaluate_sites(ds, rs, sites)
    assert not [f for s in alone.sites for f in s.findings if f.rule == "CAP-ALL"]  # 5 of 5


def test_polygon_sites_keep_their_shape_and_area(fx, tmp_path):
    ds = fx.dataset()
    poly = gpd.GeoSeries([box_km(50, 20, 52, 21.5)], crs="EPSG:4549").to_crs(WGS84).iloc[0]
    path = _write(
        tmp_path, [{"name": "方地", "category": "services", "level": "municipal"}], [poly]
    )
    sites = sites_from_file(ds, path)
    assert sites["area_km2"].iloc[0] == pytest.approx(3.0, rel=1e-6)
    assert sites["unit_id"].iloc[0] == "B"


def test_bad_rows_are_named(fx, tmp_path):
    ds = fx.dataset()
    rows = [
        {"name_zh": "好", "category": "manufacturing", "level": "municipal", "area_km2": 3.0},
        {"name_zh": "坏", "category": "mining", "level": "municipal", "area_km2": -1.0},
    ]
    path = _write(tmp_path, rows, [shapely.Point(lonlat(*m(50, 10)))] * 2)
    with using("en"), pytest.raises(SchemaError) as err:
        sites_from_file(ds, path)
    with using("en"):
        text = str(err.value)
    assert "proposals.geojson" in text and "feature 2 (坏)" in text
    assert "mining" in text and "area_km2 -1 " in text


def test_defaults_fill_missing_fields(fx, tmp_path):
    ds = fx.dataset()
    path = _write(tmp_path, [{"name": "x"}], [shapely.Point(lonlat(*m(50, 10)))])
    sites = sites_from_file(
        ds, path, defaults={"category": "tourism", "level": "municipal", "area_km2": 2.0}
    )
    assert sites["category"].iloc[0] == "tourism" and sites["area_km2"].iloc[0] == 2.0


def test_proposal_ids_name_the_sites_unless_they_clash(fx, tmp_path):
    ds = fx.dataset()
    base = {"category": "manufacturing", "level": "municipal", "area_km2": 3.0}
    pts = [shapely.Point(lonlat(*m(50, 10))), shapely.Point(lonlat(*m(50, 20)))]
    path = _write(tmp_path, [{**base, "proposal_id": "PR-1"}, {**base, "proposal_id": "PR-2"}], pts)
    assert list(sites_from_file(ds, path)["site_id"]) == ["PR-1", "PR-2"]
    path = _write(tmp_path, [{**base, "proposal_id": "T4"}, {**base, "proposal_id": "PR-2"}], pts)
    assert list(sites_from_file(ds, path)["site_id"]) == ["SITE-1", "SITE-2"]
