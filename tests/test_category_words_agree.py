"""Acceptance (issue 9): the town categories have the same names and colours on the web map
(legend), the SVG print map, in the `check` text and in the progress XLSX (the category
column, filled with the category's colour): all from townsgis.vocab."""

from __future__ import annotations

import html
import io
import re

import pytest

from townsgis import vocab
from townsgis.project import Project

CATS = vocab.CATEGORIES


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    return {vocab.label("category", c, "zh"): vocab.colour("category", c) for c in CATS}


def test_web_map_legend(expected):
    from townsgis.webmap.api import layout_html

    page = layout_html(Project.open(None), lang="zh")
    legend = page[page.index('id="tg-legend"') :]
    legend = legend[: legend.index("</div></div>") + 6]
    items = re.findall(r'<rect[^>]*fill="(#[0-9a-fA-F]{6})"[^>]*/></svg>([^<]+)</div>', legend)
    got = {html.unescape(name): colour.lower() for colour, name in items}
    assert {k: got.get(k) for k in expected} == expected


def test_svg_print_map(expected):
    from townsgis.printmap.export import figure_bytes
    from townsgis.printmap.scenes import layout_scene

    svg = figure_bytes(layout_scene(Project.open(None), lang="zh"), "svg", dpi=50).decode()
    texts = {html.unescape(t).strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)}
    fills = {f.lower() for f in re.findall(r"fill: ?(#[0-9a-fA-F]{6})", svg)}
    for name, colour in expected.items():
        assert name in texts, name
        assert colour in fills, colour
    other = {vocab.label("category", c, "en") for c in CATS}
    assert not other & texts  # no English category name on the Chinese sheet


def test_check_text(cli, expected):
    r = cli("check")
    for name in expected:
        assert name in r.text, name


def test_progress_xlsx(cli, tmp_path, expected):
    from openpyxl import load_workbook

    out = tmp_path / "p.xlsx"
    assert cli("progress", "--format", "xlsx", "-o", out).code == 0
    ws = load_workbook(io.BytesIO(out.read_bytes()))["小镇投资进度"]
    head = [c.value for c in ws[2]]
    col = head.index("类别")
    got = {}
    for row in ws.iter_rows(min_row=3):
        cell = row[col]
        got[cell.value] = "#" + str(cell.fill.fgColor.rgb)[-6:].lower()
    assert got == expected
