"""`site` inputs: explicit options beat file fields, --boundary needs polygons, swapped
lon/lat and invalid polygons are explained (bad input → exit 2, no traceback)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from siting_fixture import box_km, lonlat, m

from townsgis.crs import WGS84
from townsgis.errors import SchemaError
from townsgis.siting import sites_from_file


def _write(tmp_path, rows, geoms, name="proposals.geojson"):
    path = tmp_path / name
    gpd.GeoDataFrame(rows, geometry=geoms, crs=WGS84).to_file(path, driver="GeoJSON")
    return path


PROV_SITE = {"name_zh": "西区", "category": "manufacturing", "level": "provincial_creation",
             "area_km2": 5.0}  # fmt: skip


def test_overrides_win_over_file_fields_and_defaults_only_fill(fx, tmp_path):
    path = _write(tmp_path, [PROV_SITE, {"name_zh": "空"}], [shapely.Point(lonlat(*m(50, 10))),
                  shapely.Point(lonlat(*m(50, 20)))])  # fmt: skip
    over = {"level": "municipal", "category": None, "area_km2": 2.0}
    sites = sites_from_file(
        fx.dataset(), path, overrides=over, defaults={"category": "tourism", "area_km2": 3.0}
    )
    assert sites["level"].tolist() == ["municipal", "municipal"]  # explicit wins
    assert sites["category"].tolist() == ["manufacturing", "tourism"]  # None: file, else default
    assert sites["area_km2"].tolist() == [2.0, 2.0]


def test_cli_level_wins_over_the_file(cli, fx, tmp_path):
    # unit A is at its provincial cap (§3.1.1c): the file's provincial_creation would fail
    path = _write(tmp_path, [PROV_SITE], [shapely.Point(lonlat(*m(10, 25)))])

    def rules(*extra):
        r = cli("site", "--project", fx.root, "--file", path, "--format", "json", *extra)
        return r.code, [f["rule"] for f in json.loads(r.out)["sites"][0]["findings"]]

    assert rules() == (1, ["CAP-UNIT"])
    assert rules("--level", "municipal") == (0, [])


def test_boundary_of_points_is_refused_naming_file_and_row(cli, fx, tmp_path):
    lon, lat = lonlat(*m(50, 10))
    path = tmp_path / "pts.csv"
    path.write_text(f"name_zh,lon,lat\n东地,{lon},{lat}\n", encoding="utf-8")
    args = ["--category", "services", "--level", "municipal"]
    r = cli("site", "--project", fx.root, "--boundary", path, *args)
    assert r.code == 2 and "Traceback" not in r.text
    assert "pts.csv" in r.err
    assert "第 2 行（'东地'）：Point；--boundary 需要面" in r.err
    r = cli("site", "--project", fx.root, "--boundary", path, *args, "--lang", "en")
    assert "row 2 ('东地'): Point; --boundary needs a polygon" in r.err


@pytest.mark.usefixtures("english")
def test_boundary_with_a_polygon_and_a_point_names_the_point(fx, tmp_path):
    poly = gpd.GeoSeries([box_km(50, 20, 52, 21.5)], crs="EPSG:4549").to_crs(WGS84).iloc[0]
    path = _write(tmp_path, [{"name": "方"}, {"name": "点"}],
                  [poly, shapely.Point(lonlat(*m(50, 10)))])  # fmt: skip
    with pytest.raises(SchemaError) as err:
        sites_from_file(fx.dataset(), path, polygons_only=True)
    assert err.value.problems == [
        "feature 2 ('点'): Point; --boundary needs a polygon (the site's outline); "
        "for points (circles of --area-km2) use --file"
    ]


def test_swapped_lon_lat_gets_the_swap_hint(cli, fx):
    lon, lat = lonlat(*m(52, 15))
    args = ["--category", "services", "--level", "municipal"]
    r = cli("site", "--project", fx.root, "--lon", lat, "--lat", lon, *args, "--lang", "en")
    assert r.code == 2 and "Traceback" not in r.text
    assert "outside" in r.err and "lon/lat look swapped" in r.err


def test_invalid_polygon_says_why(cli, fx, tmp_path):
    x0, y0 = m(50, 20)
    bowtie = shapely.Polygon([(x0, y0), (x0 + 2000, y0 + 2000), (x0 + 2000, y0), (x0, y0 + 2000)])
    path = tmp_path / "bowtie.gpkg"
    gpd.GeoDataFrame({"name": ["蝶"]}, geometry=[bowtie], crs="EPSG:4549").to_file(path)
    args = ["--category", "services", "--level", "municipal"]
    r = cli("site", "--project", fx.root, "--boundary", path, *args, "--lang", "en")
    assert r.code == 2 and "Traceback" not in r.text
    assert "feature 1 (蝶): invalid geometry: Self-intersection[" in r.err


def test_gcj02_hint_only_when_the_converted_point_is_really_inside():
    """Issue 12: (119.38700435, 30.72730186) is 4.4 km outside Huzhou and, read as GCJ-02,
    still 4.6 km outside: no GCJ-02 hint. A point whose GCJ-02 reading lies in the city gets
    it."""
    from townsgis.crs import wgs84_to_gcj02
    from townsgis.dataset import load_dataset
    from townsgis.project import Project
    from townsgis.siting.sites import _outside_hints

    ds = load_dataset(Project.open(None), layout_only=True)
    (hint,) = _outside_hints(ds, [shapely.Point(119.38700435, 30.72730186)])
    assert "GCJ-02" not in hint and "BD-09" not in hint
    city = ds.units.to_crs(WGS84).union_all()
    # points just inside the city's edge, written in GCJ-02 (shifted ~500 m): some fall
    # outside as WGS84, and those get the GCJ-02 hint
    edge = shapely.line_interpolate_point(city.exterior, np.linspace(0, 1, 200), normalized=True)
    got = 0
    for p in edge:
        q = shapely.Point(p.x - 0.001, p.y)  # ~100 m west of the edge
        if not city.contains(q):
            continue
        gx, gy = (float(v) for v in wgs84_to_gcj02(q.x, q.y))
        if city.contains(shapely.Point(gx, gy)):
            continue
        (hint,) = _outside_hints(ds, [shapely.Point(gx, gy)])
        assert "--crs gcj02" in hint
        got += 1
    assert got >= 3


def test_a_row_without_a_name_is_named_in_the_message_language(fx, tmp_path):
    from townsgis.i18n import using

    points = [shapely.Point(lonlat(*m(50, 10))), shapely.Point(lonlat(*m(50, 20)))]
    path = _write(tmp_path, [PROV_SITE, {**PROV_SITE, "name_zh": None}], points)
    for lang, second in (("zh", "选址 2"), ("en", "site 2")):
        with using(lang):
            sites = sites_from_file(fx.dataset(), path)
        assert sites["name"].tolist() == ["西区", second]
