"""Every bad input to `townsgis import` → exit 2, one message naming the file and the feature,
no traceback, and the input and the project's layers byte-identical afterwards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from townsgis.project import Project


def towns(project_copy) -> gpd.GeoDataFrame:
    return gpd.read_file(Project.open(project_copy).layer_path("towns"))


def projects(project_copy) -> gpd.GeoDataFrame:
    return gpd.read_file(Project.open(project_copy).layer_path("projects"))


def label(gdf, i, id_col) -> str:
    return f"feature {i + 1} ({gdf.loc[i, id_col]} {gdf.loc[i, 'name_zh']})"


def write(gdf, path: Path) -> Path:
    gdf.to_file(path, driver="GeoJSON")
    return path


# Each case builds a bad file and returns (kind, file, extra args, strings the message must hold).
def missing_column(pc, tmp):
    return (
        "towns",
        write(towns(pc).drop(columns="level"), tmp / "t.geojson"),
        [],
        ["missing column 'level'"],
    )


def bad_enum(pc, tmp):
    t = towns(pc)
    t.loc[2, "category"] = "agriculture"
    return "towns", write(t, tmp / "t.geojson"), [], [label(t, 2, "town_id"), "'agriculture'"]


def duplicate_id(pc, tmp):
    t = towns(pc)
    t.loc[4, "town_id"] = t.loc[1, "town_id"]
    return (
        "towns",
        write(t, tmp / "t.geojson"),
        [],
        [f"duplicate town_id '{t.loc[1, 'town_id']}' at features 2, 5"],
    )


def wrong_geometry_type(pc, tmp):
    t = towns(pc)
    t.loc[0, "geometry"] = t.geometry.iloc[0].exterior
    return (
        "towns",
        write(t, tmp / "t.geojson"),
        [],
        [
            label(t, 0, "town_id"),
            "geometry is LineString",
        ],
    )


def empty_geometry(pc, tmp):
    t = towns(pc)
    t.loc[3, "geometry"] = shapely.Polygon()
    return "towns", write(t, tmp / "t.geojson"), [], [label(t, 3, "town_id"), "geometry"]


def bowtie(pc, tmp):
    t = towns(pc)
    x0, y0, x1, y1 = t.geometry.iloc[5].bounds
    t.loc[5, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    return (
        "towns",
        write(t, tmp / "t.geojson"),
        [],
        [
            label(t, 5, "town_id"),
            "invalid geometry: Self-intersection",
        ],
    )


def missing_crs(pc, tmp):
    t = towns(pc)[["town_id", "name_zh", "unit_id", "level", "category", "geometry"]]
    shp = tmp / "t.shp"
    t.to_crs("EPSG:4549").to_file(shp, engine="pyogrio", encoding="UTF-8")
    (tmp / "t.prj").unlink()
    return "towns", shp, [], ["missing CRS", "EPSG:4549"]


def swapped_lon_lat(pc, tmp):
    p = projects(pc)
    table = pd.DataFrame(p.drop(columns="geometry"))
    table["lon"], table["lat"] = p.geometry.x, p.geometry.y
    table.loc[7, ["lon", "lat"]] = [p.geometry.y[7], p.geometry.x[7]]
    path = tmp / "p.csv"
    table.to_csv(path, index=False)
    return (
        "projects",
        path,
        ["--crs", "wgs84"],
        [
            f"row 9 ({p.loc[7, 'project_id']} {p.loc[7, 'name_zh']})",
            "lon/lat look swapped",
        ],
    )


def unknown_unit(pc, tmp):
    t = towns(pc)
    t.loc[6, "unit_id"] = "330599"
    return "towns", write(t, tmp / "t.geojson"), [], [label(t, 6, "town_id"), "'330599'"]


def project_outside_towns(pc, tmp):
    p = projects(pc)
    x0, y0, x1, y1 = towns(pc).total_bounds
    p.loc[10, "geometry"] = shapely.Point(x1 + 0.05, (y0 + y1) / 2)
    return (
        "projects",
        write(p, tmp / "p.geojson"),
        [],
        [
            label(p, 10, "project_id"),
            "outside every town",
        ],
    )


def toml_file(pc, tmp):
    path = tmp / "rules.toml"
    path.write_text('[ruleset]\nid = "x"\n', encoding="utf-8")
    return "towns", path, [], ["unsupported file type '.toml'"]


def toml_content(pc, tmp):
    path = tmp / "t.geojson"
    path.write_text('[ruleset]\nid = "x"\n', encoding="utf-8")
    return "towns", path, [], ["cannot read"]


def empty_file(pc, tmp):
    path = tmp / "t.geojson"
    path.write_bytes(b"")
    return "towns", path, [], ["file is empty"]


def nonexistent(pc, tmp):
    return "towns", tmp / "nope.geojson", [], ["file not found"]


def csv_without_lon(pc, tmp):
    path = tmp / "p.csv"
    path.write_text("project_id,x,y\nP1,120.1,30.8\n", encoding="utf-8")
    return "projects", path, [], ["no longitude and latitude column", "columns found"]


def unknown_crs(pc, tmp):
    return "towns", write(towns(pc), tmp / "t.geojson"), ["--crs", "EPSG:999999"], ["unknown CRS"]


CASES = [
    missing_column,
    bad_enum,
    duplicate_id,
    wrong_geometry_type,
    empty_geometry,
    bowtie,
    missing_crs,
    swapped_lon_lat,
    unknown_unit,
    project_outside_towns,
    toml_file,
    toml_content,
    empty_file,
    nonexistent,
    csv_without_lon,
    unknown_crs,
]


def snapshot(folder: Path, sha256) -> dict[str, str]:
    return {str(p): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_bad_input_exits_2_naming_file_and_feature(case, cli, project_copy, tmp_path, sha256):
    inputs = tmp_path / "in"
    inputs.mkdir()
    kind, path, extra, needles = case(project_copy, inputs)
    before_inputs = snapshot(inputs, sha256)
    before_project = snapshot(project_copy, sha256)
    for mode in ([], ["--check-only"]):
        r = cli("import", kind, path, *extra, *mode, "--project", project_copy, "--lang", "en")
        assert r.code == 2, r.text
        assert "Traceback" not in r.text
        assert r.err.startswith("error: ")
        assert path.name in r.err
        for needle in needles:
            assert needle in r.err, f"{needle!r} not in {r.err}"
    assert snapshot(inputs, sha256) == before_inputs
    assert snapshot(project_copy, sha256) == before_project


def test_all_problems_of_a_file_in_one_message(cli, project_copy, tmp_path):
    t = towns(project_copy)
    t.loc[0, "level"] = "national"
    t.loc[1, "unit_id"] = "nowhere"
    t.loc[2, "geometry"] = shapely.Polygon()
    path = write(t, tmp_path / "t.geojson")
    r = cli("import", "towns", path, "--project", project_copy, "--lang", "en")
    assert r.code == 2
    assert "3 problems" in r.err
    for i in range(3):
        assert label(t, i, "town_id") in r.err


def test_console_script_shows_no_traceback_and_debug_does(project_copy, tmp_path):
    path = tmp_path / "t.geojson"
    path.write_text("{not json", encoding="utf-8")
    cmd = [sys.executable, "-m", "townsgis", "import", "towns", str(path)]
    cmd += ["--project", str(project_copy)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 2
    assert "t.geojson" in r.stderr and "Traceback" not in r.stderr + r.stdout
    r = subprocess.run([*cmd[:3], "--debug", *cmd[3:]], capture_output=True, text=True)
    assert r.returncode != 0 and "Traceback" in r.stderr


@pytest.mark.parametrize(
    ("argv", "zh", "en"),
    [
        (["export", "layout", "--paper", "A5"], "--paper 的取值 'A5' 无效：应为 A4、A3 之一", "A5"),
        (["site", "--lon", "abc", "--lat", "30"], "--lon 的取值 'abc' 不是数字", "abc"),
        (["check", "--bogus"], "没有选项 --bogus", "No such option: --bogus"),
        (["chek"], "没有命令 'chek'；是否指 'check'？", "No such command 'chek'"),
        (["check", "extra"], "多余的参数：extra", "extra"),
    ],
)
def test_usage_errors_follow_the_language(cli, argv, zh, en):
    """Click words usage errors in English only; in Chinese they are rebuilt, exit 2 kept."""
    r = cli(*argv)
    assert r.code == 2 and zh in r.err and "用法：townsgis" in r.err
    assert "Usage" not in r.err and "Error" not in r.err and "Try '" not in r.err
    r = cli(*argv, "--lang", "en") if argv != ["chek"] else cli("--lang", "en", *argv)
    assert r.code == 2 and en in r.err
