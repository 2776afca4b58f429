"""Only current feasible areas are drawn on the layout map (review item 8): rows of the
rule set mapped, files newer than the towns layer and the rule set; category in the tooltip."""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from townsgis import vocab
from townsgis.mapmodel.layers import feasible_layer
from townsgis.project import Project
from townsgis.webmap.api import feasible_layers, layout_html

RULESET = "huzhou-2018"


def _write(project: Path, name: str, rows: dict, *, age_s: float = 0.0) -> Path:
    n = len(next(iter(rows.values())))
    geoms = [box(119.6 + 0.1 * i, 30.5, 119.65 + 0.1 * i, 30.55) for i in range(n)]
    path = project / "maps" / f"feasible-{name}.geojson"
    gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326").to_file(path)
    if age_s:
        t = (project / "layers" / "towns.geojson").stat().st_mtime - age_s
        os.utime(path, (t, t))
    return path


def _js(text: str) -> str:
    """``text`` as folium writes it inside the page's GeoJSON (non-ASCII as \\uXXXX)."""
    return json.dumps(text)[1:-1]


def _inputs(project: Path) -> tuple[Path, ...]:
    return (project / "layers" / "towns.geojson", project / "rules" / f"{RULESET}.toml")


def test_only_rows_of_the_mapped_ruleset_are_kept(project_copy):
    _write(project_copy, "a", {"ruleset": [RULESET, "other-2020"], "category": ["tourism"] * 2})
    _write(project_copy, "b", {"category": ["services"]})  # no ruleset column: unknown origin
    got = feasible_layers(Project.open(project_copy), RULESET, newer_than=_inputs(project_copy))
    assert got is not None and list(got["ruleset"]) == [RULESET]


def test_files_left_out_are_reported(project_copy):
    _write(project_copy, "a", {"ruleset": ["other-2020"], "category": ["tourism"]})
    _write(project_copy, "b", {"ruleset": [RULESET], "category": ["tourism"]}, age_s=60)
    _write(project_copy, "c", {"ruleset": [RULESET], "category": ["tourism"]})
    skipped: list[Path] = []
    feasible_layers(
        Project.open(project_copy), RULESET, newer_than=_inputs(project_copy), skipped=skipped
    )
    assert [p.name for p in skipped] == ["feasible-a.geojson", "feasible-b.geojson"]


def test_no_matching_row_gives_none(project_copy):
    _write(project_copy, "a", {"ruleset": ["other-2020"], "category": ["tourism"]})
    assert feasible_layers(Project.open(project_copy), RULESET) is None


def test_a_file_older_than_the_towns_layer_is_skipped(project_copy):
    _write(project_copy, "old", {"ruleset": [RULESET], "category": ["tourism"]}, age_s=60)
    _write(project_copy, "new", {"ruleset": [RULESET], "category": ["services"]})
    got = feasible_layers(Project.open(project_copy), RULESET, newer_than=_inputs(project_copy))
    assert list(got["category"]) == ["services"]


def test_editing_the_towns_layer_makes_a_feasible_area_stale(project_copy):
    _write(project_copy, "x", {"ruleset": [RULESET], "category": ["tourism"]})
    project = Project.open(project_copy)
    assert feasible_layers(project, RULESET, newer_than=_inputs(project_copy)) is not None
    towns = project_copy / "layers" / "towns.geojson"
    t = (project_copy / "maps" / "feasible-x.geojson").stat().st_mtime + 5
    os.utime(towns, (t, t))
    assert feasible_layers(project, RULESET, newer_than=_inputs(project_copy)) is None


def test_layout_map_draws_only_the_current_area_with_its_category(project_copy):
    _write(project_copy, "cur", {"ruleset": [RULESET], "category": ["manufacturing"]})
    _write(project_copy, "old", {"ruleset": [RULESET], "category": ["tourism"]}, age_s=60)
    _write(project_copy, "oth", {"ruleset": ["other-2020"], "category": ["services"]})
    html = layout_html(Project.open(project_copy), lang="zh")
    word = vocab.labels("category", "zh")
    assert _js(f"可选址区域（{word['manufacturing']}）") in html
    assert _js(f"可选址区域（{word['tourism']}）") not in html
    assert _js(f"可选址区域（{word['services']}）") not in html
    assert "未显示 2 个可选址区域文件" in html  # the title block says what was left out
    assert "feasible-old.geojson, feasible-oth.geojson" in html


@pytest.mark.parametrize(
    ("category", "lang"), [("tourism", "zh"), ("manufacturing", "en"), (None, "zh")]
)
def test_feasible_tooltip_names_the_category(category, lang):
    frame = gpd.GeoDataFrame({"category": [category]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4549")
    tip = feasible_layer(frame, lang).features[0].tip
    base = "可选址区域" if lang == "zh" else "Feasible area"
    if category is None:
        assert tip == base
    else:
        word = vocab.label("category", category, lang)
        assert tip == (f"{base}（{word}）" if lang == "zh" else f"{base} ({word})")
