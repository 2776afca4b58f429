"""`townsgis site / capacity / feasible` on the command line: exit codes, JSON, languages."""

from __future__ import annotations

import json

import geopandas as gpd
from siting_fixture import lonlat, m


def point_args(fx, x_km, y_km, *extra):
    lon, lat = lonlat(*m(x_km, y_km))
    return ["site", "--project", fx.root, "--lon", lon, "--lat", lat, *extra]


def test_site_pass_exit_0_and_json(cli, fx):
    args = ["--category", "manufacturing", "--level", "provincial_creation"]
    r = cli(*point_args(fx, 52, 15, *args, "--name", "东区<b>", "--format", "json"))
    assert r.code == 0, r.text
    d = json.loads(r.out)
    assert d["sites"][0]["verdict"] == "pass" and d["sites"][0]["name"] == "东区<b>"


def test_site_fail_exit_1_text_zh(cli, fx):
    r = cli(*point_args(fx, 10, 25, "--category", "manufacturing", "--level",
                        "provincial_creation"))  # fmt: skip
    assert r.code == 1
    assert "不通过" in r.out and "CAP-UNIT" in r.out and "§3.1.1c" in r.out
    assert "近似" in r.out  # honest labelling of approximate data


def test_site_outside_city_exit_2_clear_message(cli, fx):
    r = cli(*point_args(fx, 90, 15, "--category", "services", "--level", "municipal"))
    assert r.code == 2
    assert "之外：不在任何单元内" in r.err and "Traceback" not in r.text
    r = cli(*point_args(fx, 90, 15, "--category", "services", "--level", "municipal"), "--lang",
            "en")  # fmt: skip
    assert r.code == 2 and "is outside" in r.err and "no unit contains it" in r.err


def test_site_needs_exactly_one_input(cli, fx):
    r = cli("site", "--project", fx.root, "--category", "services", "--level", "municipal")
    assert r.code == 2 and "请只给出其中一种" in r.err
    r = cli(*point_args(fx, 52, 15))  # no --category/--level for a point
    assert r.code == 2 and "--category" in r.err


def test_site_boundary_file(cli, fx, tmp_path):
    from siting_fixture import box_km

    path = tmp_path / "b.gpkg"
    gpd.GeoDataFrame(geometry=[box_km(50, 20, 52, 21.5)], crs="EPSG:4549").to_file(path)
    args = ["--category", "manufacturing", "--level", "municipal", "--name", "方地"]
    r = cli("site", "--project", fx.root, "--boundary", path, *args, "--format", "json")
    assert r.code == 0, r.text
    s = json.loads(r.out)["sites"][0]
    assert s["name"] == "方地" and s["unit_id"] == "B"


def test_capacity_text_and_json(cli, make_fixture):
    fx = make_fixture(cap_all=4)
    r = cli("capacity", "--project", fx.root, "--lang", "en")
    assert r.code == 0
    assert "NOT reachable within the caps" in r.out
    r = cli("capacity", "--project", fx.root, "--format", "json")
    d = json.loads(r.out)
    assert d["mix"][0]["add_feasible"] is False and d["mix"][0]["add_slots"] == 0
    r = cli("capacity", "--project", fx.root)
    assert "无法在上限内达到" in r.out


def test_feasible_writes_layer(cli, fx, tmp_path):
    out = tmp_path / "f.gpkg"
    r = cli("feasible", "--project", fx.root, "--category", "manufacturing", "-o", out,
            "--format", "json")  # fmt: skip
    assert r.code == 0, r.text
    d = json.loads(r.out)
    layer = gpd.read_file(out)
    assert set(layer.columns) >= {"category", "unit_id", "area_km2", "ruleset", "geometry"}
    assert abs(layer["area_km2"].sum() - d["area_km2"]) < 1e-6
    r = cli("feasible", "--project", fx.root, "--category", "tourism")
    assert r.code == 0 and (fx.root / "maps" / "feasible-tourism.geojson").exists()
    assert "km²" in r.out


def test_feasible_bad_category_exit_2(cli, fx):
    r = cli("feasible", "--project", fx.root, "--category", "farming")
    assert r.code == 2 and "--category: 无法识别的类别“farming”" in r.err


def test_site_text_names_the_unit_and_severity_in_the_users_words(cli):
    r = cli("site", "--file", "layers/proposals.geojson")
    assert "所在单元 南浔区" in r.out and "[错误]" in r.out
    assert "330503" not in r.out and "[error]" not in r.out
    r = cli("site", "--file", "layers/proposals.geojson", "--lang", "en")
    assert "unit Nanxun District" in r.out and "[error]" in r.out
