"""`townsgis import`: read → validate → write WGS84 GeoJSON into a (copied) project."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from townsgis.crs import wgs84_to_gcj02
from townsgis.project import Project

GEOD = Geod(ellps="WGS84")


def bundled(project_copy, kind) -> gpd.GeoDataFrame:
    return gpd.read_file(Project.open(project_copy).layer_path(kind))


def metres(a: gpd.GeoSeries, b: gpd.GeoSeries) -> np.ndarray:
    return GEOD.inv(a.x.to_numpy(), a.y.to_numpy(), b.x.to_numpy(), b.y.to_numpy())[2]


def test_import_towns_geojson_writes_wgs84_and_keeps_input(cli, project_copy, sha256, tmp_path):
    src = tmp_path / "towns_4549.gpkg"
    truth = bundled(project_copy, "towns")
    truth.to_crs("EPSG:4549").to_file(src, engine="pyogrio")
    before = sha256(src)
    target = Project.open(project_copy).layer_path("towns")
    target.unlink()
    r = cli("import", "towns", src, "--project", project_copy)
    assert r.code == 0, r.text
    assert f"已写出 {target}" in r.out
    assert sha256(src) == before
    out = gpd.read_file(target)
    assert out.crs.to_epsg() == 4326
    assert out["town_id"].tolist() == truth["town_id"].tolist()
    assert out["name_zh"].tolist() == truth["name_zh"].tolist()
    # areas survive the EPSG:4549 → WGS84 round trip (compared in metres, not degrees)
    ratio = out.to_crs(4549).area.to_numpy() / truth.to_crs(4549).area.to_numpy()
    assert np.abs(ratio - 1).max() < 1e-6


def test_import_gcj02_csv_of_projects_within_a_centimetre(cli, project_copy, sha256, tmp_path):
    truth = bundled(project_copy, "projects")
    lon, lat = wgs84_to_gcj02(truth.geometry.x, truth.geometry.y)
    table = pd.DataFrame(truth.drop(columns="geometry")).assign(经度=lon, 纬度=lat)
    src = tmp_path / "amap_projects.csv"
    table.to_csv(src, index=False, float_format="%.12f")
    before = sha256(src)
    r = cli("import", "projects", src, "--crs", "gcj02", "--project", project_copy)
    assert r.code == 0, r.text
    assert sha256(src) == before
    out = gpd.read_file(Project.open(project_copy).layer_path("projects"))
    assert len(out) == len(truth)
    assert metres(out.geometry, truth.geometry).max() <= 0.01
    assert out["project_id"].tolist() == truth["project_id"].tolist()
    assert out["total_investment"].sum() == pytest.approx(truth["total_investment"].sum())


def test_csv_without_crs_is_read_as_wgs84_with_a_note(cli, project_copy, tmp_path):
    truth = bundled(project_copy, "projects")
    src = tmp_path / "p.csv"
    pd.DataFrame(truth.drop(columns="geometry")).assign(
        lon=truth.geometry.x, lat=truth.geometry.y
    ).to_csv(src, index=False, float_format="%.12f")
    r = cli("import", "projects", src, "--check-only", "--project", project_copy)
    assert r.code == 0, r.text
    assert "说明：" in r.err and "表格没有坐标系，按 WGS84 经纬度读取" in r.err
    r = cli("import", "projects", src, "--check-only", "--project", project_copy, "--lang", "en")
    assert "note:" in r.err and "assumed WGS84" in r.err


def test_check_only_writes_nothing(cli, project_copy, sha256, tmp_path):
    src = tmp_path / "t.geojson"
    t = bundled(project_copy, "towns")
    t["name_zh"] = t["name_zh"] + "（改）"
    t.to_file(src, driver="GeoJSON")
    target = Project.open(project_copy).layer_path("towns")
    before = sha256(target)
    r = cli("import", "towns", src, "--check-only", "--project", project_copy)
    assert r.code == 0, r.text
    assert "--check-only：未写入任何文件" in r.out
    assert sha256(target) == before


def test_json_output(cli, project_copy, tmp_path):
    src = tmp_path / "t.geojson"
    bundled(project_copy, "towns").to_file(src, driver="GeoJSON")
    r = cli("import", "towns", src, "--check-only", "--format", "json", "--project", project_copy)
    assert r.code == 0, r.text
    data = json.loads(r.out)
    assert data["kind"] == "towns" and data["count"] == 14 and data["written"] is False
    assert set(data) >= {"source", "target", "crs_in", "bounds", "fixes", "notes"}


@pytest.mark.filterwarnings("ignore:Normalized/laundered field name")
def test_gbk_shapefile_import_keeps_chinese_names(cli, project_copy, tmp_path):
    keep = ["town_id", "name_zh", "unit_id", "level", "category", "planned_area_km2"]
    truth = bundled(project_copy, "towns")[[*keep, "geometry"]]
    src = tmp_path / "towns.shp"
    with pytest.warns(UserWarning, match="truncated"):  # planned_area_km2 → planned_ar
        truth.to_file(src, engine="pyogrio", encoding="GBK")
    (tmp_path / "towns.cpg").unlink()
    r = cli("import", "towns", src, "--project", project_copy)
    assert r.code == 0, r.text
    assert "GB18030" in r.err
    assert "列 'planned_ar' 读作“规划面积（平方公里）”" in r.out
    out = gpd.read_file(Project.open(project_copy).layer_path("towns"))
    assert out["name_zh"].tolist() == truth["name_zh"].tolist()
    assert out["planned_area_km2"].tolist() == truth["planned_area_km2"].tolist()


def test_fix_geometry_repairs_and_reports(cli, project_copy, tmp_path):
    t = bundled(project_copy, "towns")
    x0, y0, x1, y1 = t.geometry.iloc[0].bounds
    t.loc[0, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    src = tmp_path / "bowtie.geojson"
    t.to_file(src, driver="GeoJSON")
    r = cli("import", "towns", src, "--check-only", "--project", project_copy, "--lang", "en")
    assert r.code == 2 and "invalid geometry" in r.err
    r = cli("import", "towns", src, "--fix-geometry", "--project", project_copy, "--lang", "en")
    assert r.code == 0, r.text
    label = f"feature 1 ({t.loc[0, 'town_id']} {t.loc[0, 'name_zh']})"
    assert f"fixed: {label}: repaired invalid geometry (Self-intersection" in r.out
    out = gpd.read_file(Project.open(project_copy).layer_path("towns"))
    assert out.geometry.is_valid.all()


def test_proposal_points_from_kml(cli, project_copy, tmp_path):
    props = bundled(project_copy, "proposals")
    pts = props.assign(geometry=props.geometry.representative_point())
    src = tmp_path / "sites.kml"
    pts.to_file(src, driver="KML")
    r = cli("import", "proposals", src, "--project", project_copy)
    assert r.code == 0, r.text
    out = gpd.read_file(Project.open(project_copy).layer_path("proposals"))
    assert (out.geom_type == "Point").all()
    assert out["name_zh"].tolist() == props["name_zh"].tolist()


def test_importing_a_layer_onto_itself_is_refused(cli, project_copy, sha256):
    target = Project.open(project_copy).layer_path("towns")
    before = sha256(target)
    r = cli("import", "towns", target, "--project", project_copy)
    assert r.code == 2 and "导入到它自己会覆盖输入" in r.err
    assert sha256(target) == before
    assert cli("import", "towns", target, "--check-only", "--project", project_copy).code == 0


def test_import_towns_refuses_to_orphan_projects_unless_forced(cli, project_copy, tmp_path, sha256):
    t = bundled(project_copy, "towns")
    gone = t.loc[0, "town_id"]
    n = int((bundled(project_copy, "projects")["town_id"] == gone).sum())
    src = tmp_path / "t.geojson"
    t.iloc[1:].to_file(src, driver="GeoJSON")
    target = Project.open(project_copy).layer_path("towns")
    before = sha256(target)
    r = cli("import", "towns", src, "--check-only", "--project", project_copy, "--lang", "en")
    assert r.code == 2
    assert f"town {gone} disappears; {n} project(s) name it: P001" in r.err
    assert f"indicators: rows for missing town(s) {gone}" in r.err
    assert "--force" in r.err
    r = cli("import", "towns", src, "--project", project_copy)
    assert r.code == 2 and sha256(target) == before
    r = cli("import", "towns", src, "--force", "--project", project_copy, "--lang", "en")
    assert r.code == 0, r.text
    assert f"--force: town {gone} disappears" in r.err
    assert len(gpd.read_file(target)) == len(t) - 1


@pytest.mark.parametrize(("epsg", "suffix"), [(4549, ".gpkg"), (4490, ".geojson")])
def test_import_reports_the_crs_the_file_declares(cli, project_copy, tmp_path, epsg, suffix):
    src = tmp_path / f"towns{suffix}"
    bundled(project_copy, "towns").to_crs(epsg=epsg).to_file(src, engine="pyogrio")
    r = cli("import", "towns", src, "--check-only", "--project", project_copy)
    assert r.code == 0, r.text
    assert f"坐标系 EPSG:{epsg} → EPSG:4326" in r.out
    r = cli("import", "towns", src, "--check-only", "--project", project_copy, "--format", "json")
    assert json.loads(r.out)["crs_in"] == f"EPSG:{epsg}"
