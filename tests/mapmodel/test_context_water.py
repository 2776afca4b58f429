"""Context around the city: the bundled lakes (GSHHG) on the print and web maps, with their
source and note, a project's own ``water`` layer instead, and the bundled provinces for the
locator of a project that has none."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely

from townsgis.mapmodel import context
from townsgis.printmap.scenes import layout_scene, site_scene
from townsgis.project import Project


def test_bundled_lakes_are_real_named_where_verified_and_sourced():
    lakes = gpd.read_file(context.LAKES)
    assert lakes.crs.to_epsg() == 4326 and lakes.geometry.is_valid.all()
    assert set(lakes["source"]) == {"GSHHG 2.3.6 (LGPL-3.0+)"}
    taihu = lakes[lakes["name_zh"] == "太湖"]
    assert len(taihu) == 1 and taihu["name_en"].iloc[0] == "Taihu Lake"
    km2 = taihu.to_crs("EPSG:4549").area.iloc[0] / 1e6  # CGCS2000 GK CM 120°E, metres
    assert 2400 < km2 < 2650
    assert taihu.contains(shapely.Point(120.2, 31.2)).iloc[0]
    assert (lakes.to_crs("EPSG:4549").area / 1e6 >= 19.0).all()  # ≥ 20 km² on the sphere


def test_layout_sheet_draws_and_names_taihu_and_says_where_it_comes_from():
    scene = layout_scene(Project.open(None), lang="zh")
    water = scene.layer("water")
    assert water is not None and not water.interactive
    assert "太湖" in [f.label for f in water.features]
    # under the city's units: drawn before them
    ids = [ly.id for ly in scene.layers]
    assert ids.index("water") < ids.index("units")
    assert any(e.label == "水域" for sec in scene.legend for e in sec.entries)
    notes = "\n".join(scene.notes)
    assert "GSHHG" in notes and "未单独绘制湖泊" not in notes
    assert any("GSHHG 2.3.6" in s for s in scene.sources)


def test_english_sheet_names_the_lake_in_english():
    scene = layout_scene(Project.open(None), lang="en")
    assert "Taihu Lake" in [f.label for f in scene.layer("water").features]
    assert any("GSHHG" in n for n in scene.notes)


def test_rendered_sheet_carries_the_lake_name():
    import matplotlib

    from townsgis.printmap import fonts
    from townsgis.printmap.render import render

    scene = layout_scene(Project.open(None), lang="zh")
    with matplotlib.rc_context(fonts.rc_params()):
        text = fonts.figure_text(render(scene, dpi=50))
    assert "太湖" in text


def test_site_sheet_draws_the_lake_too():
    scene = site_scene(
        Project.open(None),
        lon=120.05,
        lat=30.95,
        category="tourism",
        level="provincial_creation",
        name="湖滨候选",
        lang="zh",
    )
    assert scene.layer("water") is not None


def test_a_projects_own_water_layer_replaces_the_bundled_lakes(project_copy: Path):
    ring = [[119.60, 30.60], [119.66, 30.60], [119.66, 30.64], [119.60, 30.64], [119.60, 30.60]]
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name_zh": "测试水库", "source": "某市水利局 2024"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    (project_copy / "data" / "boundaries" / "water.geojson").write_text(
        json.dumps(fc, ensure_ascii=False), encoding="utf-8"
    )
    scene = layout_scene(Project.open(project_copy), lang="zh")
    assert [f.label for f in scene.layer("water").features] == ["测试水库"]
    assert any("某市水利局 2024" in s for s in scene.sources)


def test_no_lake_in_reach_means_none_drawn_and_the_note_says_so(project_copy):
    # a 20 km box on the Loess Plateau, far from any lake of 20 km² or more
    units = gpd.GeoDataFrame(geometry=[shapely.box(109.0, 36.5, 109.2, 36.7)], crs=4326)
    assert context.water(Project.open(project_copy), units) is None


def test_locator_falls_back_to_the_bundled_province(project_copy: Path):
    (project_copy / "data" / "boundaries" / "province.geojson").unlink()
    scene = layout_scene(Project.open(project_copy), lang="zh")
    assert scene.locator.province is not None
    assert scene.locator.province_name == "浙江省"
    assert scene.locator.caption == "湖州市在浙江省的位置"
