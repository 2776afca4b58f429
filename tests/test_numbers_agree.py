"""The progress report, the web progress map and the print export show the same numbers
(issue 6: "the progress map and the exports show the same numbers")."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from townsgis import Project
from townsgis.printmap.scenes import progress_scene
from townsgis.webmap.api import progress_html


@pytest.fixture(scope="module")
def report_2019q4(tmp_path_factory):
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "townsgis", "progress", "--quarter", "2019Q4", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_latest_quarter_totals_equal_the_projects_layer():
    project = Project.open()
    projects = gpd.read_file(project.layer_path("projects"))
    towns = progress_scene(project, quarter="2020Q4").scale.values
    assert set(towns) == set(gpd.read_file(project.layer_path("towns"))["town_id"])
    by_town = projects.groupby("town_id")[["invested_to_date", "total_investment"]].sum()
    for town_id, share in towns.items():
        row = by_town.loc[town_id]
        assert share == pytest.approx(row["invested_to_date"] / row["total_investment"], abs=1e-6)


def test_print_export_shares_equal_the_report(report_2019q4):
    scene = progress_scene(Project.open(), quarter="2019Q4")
    report = {t["town_id"]: t["share"] for t in report_2019q4["towns"]}
    assert scene.scale.values == pytest.approx(report, abs=1e-6)


def test_web_map_popups_show_the_report_figures(report_2019q4):
    html = progress_html(Project.open(), quarter="2019Q4")
    for t in report_2019q4["towns"]:
        assert f"{t['invested_to_date']:.2f}" in html, t["town_id"]
        assert f"{100 * t['share']:.1f}%" in html, t["town_id"]
    for u in report_2019q4["units"]:
        assert f"{u['invested_to_date']:.2f}" in html, u["unit_id"]
