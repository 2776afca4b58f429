"""Errors and notes follow --lang: Chinese by default, English with --lang en."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from townsgis.errors import SchemaError
from townsgis.i18n import using
from townsgis.project import Project, bundled_root
from townsgis.schema import validate_layer

ASCII_WORDS = ("is not", "missing column", "duplicate", "feature ", "problems")


def _towns():
    return gpd.read_file(bundled_root() / "layers" / "towns.geojson")


def _problems(gdf, lang, **kw):
    with using(lang), pytest.raises(SchemaError) as e:
        validate_layer(gdf, "towns", source="towns.geojson", **kw)
    return e.value


def test_schema_problems_in_chinese_name_fields_and_features_in_chinese():
    t = _towns()
    t["planned_area_km2"] = t["planned_area_km2"].astype(object)
    t.loc[1, "planned_area_km2"] = "很大"
    t.loc[2, "town_id"] = t.loc[3, "town_id"]
    t = t.drop(columns=["category"])
    err = _problems(t, "zh")
    with using("zh"):
        text = str(err)
    assert text.startswith("towns.geojson：3 个问题：")
    assert (
        "第 2 个要素（HZ-02 湖州开发区电动汽车小镇）：规划面积（平方公里） '很大' 不是数字" in text
    )
    assert "缺少列“类别”" in text and "可用表头：category、类别、类型" in text
    assert "小镇编号 'HZ-04' 重复" in text
    for word in ASCII_WORDS:
        assert word not in text, word


def test_unknown_unit_lists_unit_names_in_chinese_and_codes_in_english():
    t = _towns()
    t.loc[4, "unit_id"] = "杭州"
    units = gpd.read_file(bundled_root() / "data" / "boundaries" / "units.geojson")
    with using("zh"):
        zh = str(_problems(t, "zh", units=units))
    assert "所属县区 '杭州' 不是县区图层中的单元（可用：吴兴区（330502）" in zh
    with using("en"):
        en = str(_problems(t, "en", units=units))
    assert "unit_id '杭州' is not a unit of the units layer (known: 330502, 330503" in en


def test_cli_error_follows_lang(cli, project_copy, tmp_path):
    t = _towns()
    t.loc[0, "level"] = "国家级"
    path = tmp_path / "t.geojson"
    t.to_file(path, driver="GeoJSON")
    zh = cli("import", "towns", path, "--project", project_copy, "--check-only")
    assert zh.code == 2
    assert (
        zh.err.startswith("错误：")
        and "第 1 个要素（HZ-01 湖州丝绸小镇）：无法识别的级别" in zh.err
    )
    en = cli("import", "towns", path, "--project", project_copy, "--check-only", "--lang", "en")
    assert en.code == 2
    assert (
        en.err.startswith("error: ") and "feature 1 (HZ-01 湖州丝绸小镇): unknown level" in en.err
    )


def test_json_output_is_not_translated(cli, project_copy):
    """JSON keys and ids are the API's, whatever the language."""
    r = cli("layers", "--format", "json", "--project", project_copy)
    assert r.code == 0
    assert "layers" in json.loads(r.out)
    assert Project.open(project_copy)  # the copy is usable
