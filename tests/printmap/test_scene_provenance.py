"""Print maps' notes and source lines come from the data's flags (review item 6), never the
Huzhou notice hard-coded: towns/units ``approximate``, projects ``synthetic``, towns ``source``."""

from __future__ import annotations

from pathlib import Path

import pytest

from townsgis.printmap.scenes import layout_scene, progress_scene
from townsgis.project import Project

HUZHOU_NOTICE = "湖州市特色小镇通知"


@pytest.fixture
def exact_project_opened(exact_project: Path) -> Project:
    return Project.open(exact_project)


def test_bundled_layout_notes_say_approximate():
    scene = layout_scene(Project.open(None), lang="zh")
    notes = "\n".join(scene.notes)
    assert "小镇位置为近似" in notes and "2 个功能区范围为示意性替代范围" in notes
    assert any(s.startswith("小镇：") and "近似" in s for s in scene.sources)
    assert not any(HUZHOU_NOTICE in s for s in scene.sources)


def test_exact_project_has_no_approximate_or_synthetic_notes(exact_project_opened):
    scene = layout_scene(exact_project_opened, lang="zh")
    text = "\n".join(scene.notes + scene.sources)
    assert "近似" not in text and "示意" not in text and HUZHOU_NOTICE not in text
    assert "小镇：项目小镇图层" in scene.sources
    p = progress_scene(exact_project_opened, lang="zh")
    assert "合成" not in "\n".join(p.notes) and "合成" not in p.scale.title


def test_bundled_progress_says_synthetic():
    p = progress_scene(Project.open(None), lang="en")
    assert any("synthetic" in n for n in p.notes) and "synthetic" in p.scale.title


def test_towns_source_column_is_the_source_line(project_copy, set_property):
    set_property(project_copy / "layers" / "towns.geojson", "source", "某市 2024 年小镇名单")
    scene = layout_scene(Project.open(project_copy), lang="zh")
    assert any(s.startswith("小镇：某市 2024 年小镇名单") for s in scene.sources)


def test_inset_names_the_project_city_and_province(project_copy, set_property):
    toml = project_copy / "townsgis.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('name_zh = "湖州市"', 'name_zh = "测试市"'),
        encoding="utf-8",
    )
    set_property(project_copy / "data" / "boundaries" / "province.geojson", "name_zh", "测试省")
    scene = layout_scene(Project.open(project_copy), lang="zh")
    assert scene.locator.caption == "测试市在测试省的位置"


def test_inset_without_names_is_generic_and_never_huzhou():
    import matplotlib
    from printmap_fixtures import make_scene

    from townsgis.printmap import fonts
    from townsgis.printmap.render import render

    scene = make_scene("zh", names=False)
    with matplotlib.rc_context(fonts.rc_params()):
        text = fonts.figure_text(render(scene, dpi=50))
    assert "位置示意" in text and "湖州市" not in text and "浙江省" not in text


def test_bundled_export_notes_say_sample_data():
    scene = layout_scene(Project.open(), lang="zh")
    assert any(n.startswith("示例数据") for n in scene.notes)


def test_feasible_sheet_note_says_what_the_area_is():
    """`feasible` is where `site` passes at the error level: caps, category shares and the
    spatial rules; the warning rules (clustering) only at --fail-on warning (the note said
    shares were left out)."""
    from townsgis.printmap.scenes import feasible_scene

    scene = feasible_scene(Project.open(None), category="manufacturing", lang="zh")
    (note,) = [n for n in scene.notes if n.startswith("可选址区域")]
    assert "类别占比 §3.1.3" in note and "“错误”级" in note and "§3.1.2b" in note
