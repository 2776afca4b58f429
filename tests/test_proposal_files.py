"""One file of proposed sites, two doors: ``import proposals`` and ``site --file`` read it
through the same schema and defaults (footprint area, unit containment) and give the same
proposals, or the same refusal."""

from __future__ import annotations

import geopandas as gpd

from townsgis.project import Project

HEADER = "名称,经度,纬度,类别,级别\n"  # the documented headers, no area column
INSIDE = "吴兴新址,120.09,30.87,制造业,省级创建\n南浔新址,120.10,30.85,服务业,市级\n"
OUTSIDE = "城外新址,119.25,30.32,制造业,省级创建\n"  # in the region box, in no unit


def _problems(err: str) -> list[str]:
    return [line.strip() for line in err.splitlines() if line.strip().startswith("- ")]


def test_documented_headers_without_area_import_with_the_default_footprint(
    cli, project_copy, tmp_path
):
    from townsgis.dataset import load_dataset
    from townsgis.siting import DEFAULT_AREA_KM2
    from townsgis.siting.sites import read_site_file

    src = tmp_path / "sites.csv"
    src.write_text(HEADER + INSIDE, encoding="utf-8")
    r = cli("import", "proposals", src, "--project", project_copy)
    assert r.code == 0, r.text
    assert f"2 个点状选址未给面积，按默认 {DEFAULT_AREA_KM2:g} 平方公里画圆" in r.text
    layer = gpd.read_file(Project.open(project_copy).layer_path("proposals"))
    assert layer["area_km2"].tolist() == [DEFAULT_AREA_KM2, DEFAULT_AREA_KM2]
    # the layer the import wrote is the one `site --file` reads from the same file
    ds = load_dataset(Project.open(project_copy), layout_only=True)
    read = read_site_file(ds, src)
    cols = ["name_zh", "category", "level", "area_km2"]
    assert read[cols].to_dict("records") == layer[cols].to_dict("records")
    # and the project still draws
    r = cli("export", "layout", "--project", project_copy, "-o", tmp_path / "layout.pdf")
    assert r.code == 0, r.text
    assert (tmp_path / "layout.pdf").stat().st_size > 0
    r = cli("site", "--file", src, "--project", project_copy)
    assert r.code in (0, 1), r.text


def test_english_note_for_the_default_footprint(cli, project_copy, tmp_path):
    src = tmp_path / "sites.csv"
    src.write_text(HEADER + INSIDE[: INSIDE.index("\n") + 1], encoding="utf-8")
    r = cli("import", "proposals", src, "--project", project_copy, "--lang", "en")
    assert r.code == 0, r.text
    assert "1 point site(s) give no area; each is drawn as a circle of the default 3 km²" in r.text


def test_an_area_in_the_file_is_kept_and_no_note(cli, project_copy, tmp_path):
    src = tmp_path / "sites.csv"
    src.write_text("名称,经度,纬度,类别,级别,面积\n吴兴新址,120.09,30.87,制造业,省级创建,1.5\n")
    r = cli("import", "proposals", src, "--project", project_copy)
    assert r.code == 0, r.text
    assert "默认" not in r.text
    layer = gpd.read_file(Project.open(project_copy).layer_path("proposals"))
    assert layer["area_km2"].tolist() == [1.5]


def test_a_site_outside_the_city_is_refused_by_both_doors_alike(
    cli, project_copy, tmp_path, sha256
):
    src = tmp_path / "sites.csv"
    src.write_text(HEADER + INSIDE + OUTSIDE, encoding="utf-8")
    layer = Project.open(project_copy).layer_path("proposals")
    before = sha256(layer)
    imp = cli("import", "proposals", src, "--project", project_copy, "--crs", "gcj02")
    site = cli("site", "--file", src, "--project", project_copy, "--crs", "gcj02")
    assert imp.code == 2 and site.code == 2, (imp.text, site.text)
    assert "Traceback" not in imp.text + site.text
    assert _problems(imp.err) == _problems(site.err)
    (line,) = _problems(imp.err)
    assert "城外新址" in line and "湖州市之外" in line and "不在任何单元内" in line
    assert sha256(layer) == before  # nothing written
    imp = cli("import", "proposals", src, "--project", project_copy, "--lang", "en")
    assert imp.code == 2
    assert "'城外新址' at lon 119.250000, lat 30.320000 (WGS84) is outside Huzhou" in imp.err


def test_the_workbench_save_reads_a_proposal_the_same_way(project_copy, sha256):
    """add_proposal (the workbench's save) uses the same schema and defaults: the default
    footprint for a point without an area, and the same refusal of a point in no unit."""
    import pytest
    import shapely

    from townsgis.errors import SchemaError
    from townsgis.proposals import add_proposal
    from townsgis.siting import DEFAULT_AREA_KM2

    project = Project.open(project_copy)
    layer = project.layer_path("proposals")
    before = sha256(layer)
    with pytest.raises(SchemaError) as err:
        add_proposal(
            project, shapely.Point(119.25, 30.32), name="城外新址", category="制造业", level="市级"
        )
    (line,) = err.value.problems
    assert "城外新址" in line and "湖州市之外：不在任何单元内" in line
    assert sha256(layer) == before
    saved = add_proposal(
        project, shapely.Point(120.09, 30.87), name="吴兴新址", category="制造业", level="市级"
    )
    out = Project.open(project_copy).store.read_layer("proposals")
    row = out[out["proposal_id"] == saved["proposal_id"]].iloc[0]
    assert row["area_km2"] == DEFAULT_AREA_KM2 and row["category"] == "manufacturing"
