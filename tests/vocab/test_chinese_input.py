"""Chinese headers, values, unit names and CLI option values are read like the ids."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from townsgis.project import Project

# Points picked off Amap (GCJ-02) in 南浔 and 安吉, as an office's sheet would hold them.
ROWS = [
    {"名称": "南浔新址", "经度": 120.35, "纬度": 30.75, "类别": "制造业", "级别": "省级培育"},
    {"名称": "安吉新址", "经度": 119.60, "纬度": 30.55, "类别": "旅游", "级别": "市级"},
]


def _sheet(tmp_path, suffix: str, rows=ROWS):
    path = tmp_path / f"proposals{suffix}"
    df = pd.DataFrame(rows)
    if suffix == ".csv":
        df.to_csv(path, index=False, encoding="utf-8")
    else:
        df.to_excel(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_import_accepts_chinese_headers_and_values(cli, project_copy, tmp_path, suffix):
    path = _sheet(tmp_path, suffix)
    r = cli("import", "proposals", path, "--crs", "gcj02", "--project", project_copy)
    assert r.code == 0, r.text
    layer = Project.open(project_copy).store.read_layer("proposals")
    assert list(layer["name_zh"]) == ["南浔新址", "安吉新址"]
    assert list(layer["category"]) == ["manufacturing", "tourism"]
    assert list(layer["level"]) == ["provincial_cultivation", "municipal"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_site_file_accepts_chinese_headers_and_values(cli, tmp_path, suffix):
    path = _sheet(tmp_path, suffix)
    r = cli("site", "--file", path, "--crs", "gcj02", "--format", "json")
    assert r.code in (0, 1), r.text
    sites = json.loads(r.out)["sites"]
    assert [s["name"] for s in sites] == ["南浔新址", "安吉新址"]
    assert [s["unit_id"] for s in sites] == ["330503", "330523"]


def test_a_bad_word_in_a_file_names_the_row_and_lists_the_words(cli, tmp_path):
    rows = [dict(ROWS[0], 类别="农业")]
    r = cli("site", "--file", _sheet(tmp_path, ".csv", rows), "--crs", "gcj02")
    assert r.code == 2
    assert "南浔新址" in r.err and "无法识别的类别“农业”" in r.err and "制造类" in r.err
    assert "Traceback" not in r.text


def test_cli_options_take_chinese_values_and_unit_names(cli, tmp_path):
    args = ("--lon", "120.35", "--lat", "30.75", "--crs", "gcj02")
    r = cli("site", *args, "--category", "制造业", "--level", "省级培育", "--format", "json")
    assert r.code in (0, 1), r.text
    out = tmp_path / "f.geojson"
    r = cli(
        "feasible",
        *("--category", "制造业", "--level", "省级培育", "--unit", "南浔区", "-o", out),
        *("--format", "json"),
    )
    assert r.code == 0, r.text
    doc = json.loads(r.out)
    assert doc["category"] == "manufacturing" and doc["level"] == "provincial_cultivation"
    assert [u["unit_id"] for u in doc["units"]] == ["330503"]


@pytest.mark.parametrize("word", ["南浔区", "南浔", "330503", "Nanxun District"])
def test_unit_names_are_accepted_where_a_unit_id_is(cli, tmp_path, word):
    out = tmp_path / "f.geojson"
    args = ("--unit", word, "-o", out, "--format", "json")
    r = cli("feasible", "--category", "manufacturing", *args)
    assert r.code == 0, r.text
    assert json.loads(r.out)["unit"] == "330503"


def test_unknown_option_word_lists_accepted_words_in_the_users_language(cli):
    args = ("site", "--lon", "120.35", "--lat", "30.75", "--level", "省级培育")
    r = cli(*args, "--category", "农业")
    assert r.code == 2
    assert r.err.startswith("错误：--category: 无法识别的类别“农业”")
    assert "制造类" in r.err and "休闲旅游类" in r.err and "其他现代服务业" in r.err
    r = cli(*args, "--category", "农业", "--lang", "en")
    assert r.code == 2
    assert r.err.startswith("error: --category: unknown category '农业'")
    assert "manufacturing" in r.err and "leisure tourism" in r.err


def test_unknown_unit_lists_the_units(cli, tmp_path):
    r = cli("feasible", "--category", "制造业", "--unit", "杭州", "-o", tmp_path / "f.geojson")
    assert r.code == 2
    assert "无法识别的县区“杭州”" in r.err and "南浔区（330503）" in r.err
    r = cli("feasible", "--category", "制造业", "--unit", "湖州", "-o", tmp_path / "f.geojson")
    assert r.code == 2 and "不唯一" in r.err  # two zones are 湖州…区


def test_import_towns_with_chinese_headers_unit_names_and_grades(cli, project_copy, tmp_path):
    import geopandas as gpd

    towns = gpd.read_file(project_copy / "layers" / "towns.geojson")
    names = {"330503": "南浔区", "330521": "德清", "huzhou-dz": "湖州开发区"}
    towns["unit_id"] = [names.get(u, u) for u in towns["unit_id"]]
    towns["level"] = towns["level"].map({"provincial_creation": "省级创建"}).fillna("省级培育")
    towns["scenic_grade"] = "AAA"
    towns = towns.rename(
        columns={"name_zh": "小镇名称", "unit_id": "所属区县", "category": "类型", "level": "级别"}
    )
    towns = towns.rename(
        columns={"scenic_grade": "景区等级", "planned_area_km2": "规划面积（平方公里）"}
    )
    path = tmp_path / "towns.geojson"
    towns.to_file(path, driver="GeoJSON")
    r = cli("import", "towns", path, "--project", project_copy)
    assert r.code == 0, r.text
    layer = Project.open(project_copy).store.read_layer("towns")
    assert set(layer["unit_id"]) >= {"330503", "330521", "huzhou-dz"}
    assert set(layer["scenic_grade"]) == {"3A"}
    assert set(layer["level"]) == {"provincial_creation", "provincial_cultivation"}
    assert layer["planned_area_km2"].notna().all() and layer["name_zh"].notna().all()
