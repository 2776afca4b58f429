"""The category names and colours are the vocabulary's in every output: the web map, the SVG
print map, the `check` text and the findings XLSX."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from townsgis import vocab
from townsgis.vocab import CATEGORIES


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from typer.testing import CliRunner

    from townsgis.cli import app
    from townsgis.engine import load_inputs, run_rules
    from townsgis.findings_files import findings_xlsx
    from townsgis.project import Project

    tmp = tmp_path_factory.mktemp("out")
    run = CliRunner().invoke
    html_path, svg_path = tmp / "layout.html", tmp / "layout.svg"
    assert run(app, ["map", "layout", "-o", str(html_path)]).exit_code == 0
    r = run(app, ["export", "layout", "--format", "svg", "-o", str(svg_path)])
    assert r.exit_code == 0, r.output
    check = run(app, ["check"]).output
    ds, rs = load_inputs(Project.open(None), None)
    xlsx = load_workbook(io.BytesIO(findings_xlsx(run_rules(ds, rs), "zh")))
    cells = " ".join(str(c.value) for row in xlsx.active.iter_rows() for c in row if c.value)
    return {
        "html": html_path.read_text(encoding="utf-8"),
        "svg": svg_path.read_text(encoding="utf-8"),
        "check": check,
        "xlsx": cells,
    }


def _colours(text: str) -> set[str]:
    return {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", text)}


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_colour_is_the_same_on_web_and_print_maps(outputs, category):
    colour = vocab.colour("category", category)
    assert colour in _colours(outputs["html"])
    assert colour in _colours(outputs["svg"])


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_name_is_the_same_in_every_output(outputs, category):
    name = vocab.label("category", category, "zh")
    town = vocab.town_label(category, "zh")  # 制造类小镇: the notice's words
    assert name in outputs["html"] or town in outputs["html"]
    assert town in outputs["svg"]
    assert town in outputs["check"]
    assert town in outputs["xlsx"]


def test_no_other_wording_of_a_category_survives(outputs):
    stale = ("制造业小镇", "旅游小镇", "服务业小镇", "其他服务业")
    for key, text in outputs.items():
        for c in CATEGORIES:  # the right words hold some of the stale ones: take them out
            text = text.replace(vocab.town_label(c, "zh"), "")
            text = text.replace(vocab.label("category", c, "zh"), "")
        for word in stale:
            assert word not in text, (key, word)
