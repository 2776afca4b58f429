"""The maps' disclaimer and source lines come from the data's own flags (review item 6):
towns ``approximate``, units ``approximate``, projects ``synthetic``, towns ``source``."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import box

from townsgis.mapmodel.provenance import disclaimer, provenance, towns_source
from townsgis.project import Project
from townsgis.webmap.api import layout_html, progress_html

# A zone's map label (inside the page's GeoJSON, non-ASCII as \uXXXX) and its legend entry.
ZONE_LABEL = json.dumps("范围示意，非官方边界")[1:-1]
ZONE_LEGEND = "功能区（示意范围）"


def _frame(**cols) -> gpd.GeoDataFrame:
    n = len(next(iter(cols.values())))
    return gpd.GeoDataFrame(cols, geometry=[box(0, 0, 1, 1)] * n, crs="EPSG:4326")


def test_no_flags_no_disclaimer():
    units = _frame(unit_id=["a"], kind=["district"], approximate=[False])
    towns = _frame(town_id=["t"], approximate=[False])
    projects = _frame(project_id=["p"], synthetic=[False])
    p = provenance(units, towns, projects)
    assert not p.any and disclaimer(p, "zh") == "" and disclaimer(p, "en") == ""


def test_missing_columns_claim_nothing():
    p = provenance(_frame(unit_id=["a"]), _frame(town_id=["t"]), None)
    assert disclaimer(p, "zh") == ""


@pytest.mark.parametrize(
    ("towns_flag", "zone_flag", "synthetic", "expected", "absent"),
    [
        (True, False, False, ["小镇位置和边界为近似"], ["功能区", "合成"]),
        (False, True, False, ["1 个功能区范围为近似示意"], ["小镇位置", "合成"]),
        (False, False, True, ["项目为合成数据"], ["小镇位置", "功能区"]),
    ],
)
def test_each_flag_adds_only_its_sentence(towns_flag, zone_flag, synthetic, expected, absent):
    units = _frame(
        unit_id=["a", "z"], kind=["district", "functional_zone"], approximate=[False, zone_flag]
    )
    p = provenance(units, _frame(approximate=[towns_flag]), _frame(synthetic=[synthetic, False]))
    text = disclaimer(p, "zh")
    assert all(e in text for e in expected) and not any(a in text for a in absent)


def test_projects_can_be_left_out_of_the_disclaimer():
    p = provenance(None, None, _frame(synthetic=[True]))
    assert disclaimer(p, "en") == "Projects are synthetic."
    assert disclaimer(p, "en", projects=False) == ""


def test_towns_source_line_from_the_layer_else_generic():
    own = provenance(None, _frame(source=["县发改委 2024 名单", None], approximate=[False] * 2))
    assert towns_source(own, "zh") == "小镇：县发改委 2024 名单"
    generic = provenance(None, _frame(approximate=[True]))
    assert towns_source(generic, "en") == (
        "Towns: the project's towns layer; locations and boundaries approximate"
    )


def _title(html: str) -> str:
    start = html.index('id="tg-title"')
    return html[start : html.index("</div></div>", start)]


def test_bundled_maps_carry_the_disclaimer(bundled):
    layout = layout_html(bundled, lang="zh")
    assert ZONE_LABEL in layout and ZONE_LEGEND in layout
    title = _title(layout)
    assert "tg-warn" in title and "小镇位置和边界为近似" in title
    assert "2 个功能区范围为近似示意" in title and "项目为合成数据" in title
    title = _title(progress_html(bundled, lang="en"))
    assert "approximate" in title and "synthetic" in title


def test_exact_project_maps_have_no_disclaimer(exact_project):
    project = Project.open(exact_project)
    layout = layout_html(project, lang="zh")
    title = _title(layout)
    assert "tg-warn" not in title and "近似" not in title and "合成" not in title
    assert ZONE_LABEL not in layout and ZONE_LEGEND not in layout  # zones not flagged
    title = _title(progress_html(project, lang="en"))
    assert "tg-warn" not in title and "synthetic" not in title and "approximate" not in title


def test_sample_project_setting_leads_the_disclaimer():
    p = provenance(_frame(kind=["county"]), _frame(approximate=[True]), sample=True)
    assert disclaimer(p, "zh").startswith("示例数据；小镇位置和边界为近似示意")
    assert disclaimer(p, "en").startswith("Sample data; town locations")
    assert disclaimer(provenance(_frame(kind=["county"]), _frame(name=["x"]), sample=True), "zh")


def test_bundled_project_is_marked_sample_and_its_maps_say_so():
    project = Project.open()
    assert project.sample_data
    assert "示例数据" in progress_html(project)
