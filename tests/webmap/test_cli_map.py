"""`townsgis map layout|progress`: outputs, options, exit codes; inputs never modified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from townsgis.webmap.assets import check_offline


def _inputs(project: Path) -> list[Path]:
    return sorted(p for p in (project / "layers").rglob("*") if p.is_file()) + sorted(
        (project / "data" / "boundaries").glob("*")
    )


@pytest.mark.parametrize("command", ["layout", "progress"])
def test_help(cli, command):
    r = cli("map", command, "--help")
    assert r.code == 0 and "--tiles" in r.out and "--project" in r.out


def test_layout_writes_default_output_and_leaves_inputs_alone(cli, project_copy, sha256):
    before = {p: sha256(p) for p in _inputs(project_copy)}
    r = cli("map", "layout", "--project", project_copy)
    assert r.code == 0, r.text
    out = project_copy / "maps" / "layout.html"
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "特色小镇布局" in html
    check_offline(html)
    assert {p: sha256(p) for p in _inputs(project_copy)} == before
    assert not list((project_copy / "maps").glob(".layout.html.*"))  # no temp file left


def test_layout_english(cli, project_copy, tmp_path):
    out = tmp_path / "en.html"
    r = cli("map", "layout", "--project", project_copy, "--lang", "en", "-o", out)
    assert r.code == 0, r.text
    html = out.read_text(encoding="utf-8")
    assert (
        "Layout of characteristic towns" in html
        and "Sample data; town locations and boundaries are approximate" in html
    )


def test_layout_draws_a_feasible_layer_when_present(cli, project_copy, tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    feas = gpd.GeoDataFrame(
        {"unit_id": ["330523"], "ruleset": ["huzhou-2018"], "category": ["tourism"]},
        geometry=[box(119.6, 30.5, 119.7, 30.6)],
    )
    feas.set_crs("EPSG:4326").to_file(project_copy / "maps" / "feasible-test.geojson")
    out = tmp_path / "f.html"
    assert cli("map", "layout", "--project", project_copy, "-o", out).code == 0
    html = out.read_text(encoding="utf-8")
    from townsgis import vocab

    word = vocab.label("category", "tourism", "zh")
    tip = json.dumps(f"可选址区域（{word}）")  # as written in the page's GeoJSON
    assert "tg-feasible" in html and tip in html


def test_progress_at_a_quarter(cli, project_copy, tmp_path):
    out = tmp_path / "p.html"
    r = cli("map", "progress", "--project", project_copy, "--quarter", "2019Q4", "-o", out)
    assert r.code == 0, r.text
    html = out.read_text(encoding="utf-8")
    assert '季度: <span class="tg-q">2019Q4</span>' in html
    check_offline(html)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["map", "progress", "--quarter", "2019Q5"], "2019Q5"),
        # a well-formed quarter outside the stage histories is refused, as progress does
        (["map", "progress", "--quarter", "2015Q1"], "2015Q1"),
        (["map", "progress", "--quarter", "2030Q1"], "2030Q1"),
        (["map", "layout", "--tiles", "bing"], "bing"),
        (["map", "layout", "--ruleset", "nope"], "nope"),
    ],
)
def test_bad_input_exits_2_without_traceback(cli, project_copy, tmp_path, args, message):
    r = cli(*args, "--project", project_copy, "-o", tmp_path / "x.html")
    assert r.code == 2
    assert message in r.text and "Traceback" not in r.text
    assert not (tmp_path / "x.html").exists()


def test_tianditu_without_key_exits_2(cli, project_copy, tmp_path, monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    r = cli(
        "map", "layout", "--tiles", "tianditu", "--project", project_copy, "-o", tmp_path / "t.html"
    )
    assert r.code == 2 and "TIANDITU_KEY" in r.err


def test_missing_projects_layer_exits_2(cli, project_copy, tmp_path):
    (project_copy / "layers" / "projects.geojson").unlink()
    r = cli("map", "progress", "--project", project_copy, "-o", tmp_path / "p.html")
    assert r.code == 2 and "projects" in r.err
