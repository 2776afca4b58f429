"""Acceptance (issue 9): the bundled layout and site sheets as PDF, read back with pdftotext:
every finding number drawn on the map is listed in the panel, no snake_case identifier is on
a Chinese sheet, and no line is a closing bracket alone."""

from __future__ import annotations

import re
import shutil
import subprocess

import matplotlib
import pytest

from townsgis.printmap import fonts
from townsgis.printmap.export import figure_bytes
from townsgis.printmap.render import render
from townsgis.printmap.scenes import layout_scene, site_scene
from townsgis.project import Project

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
SITE = dict(lon=120.25, lat=30.80, category="manufacturing", level="provincial_cultivation")


@pytest.fixture(scope="module", params=["layout", "site"])
def sheet(request, tmp_path_factory):
    project = Project.open(None)
    if request.param == "layout":
        model = layout_scene(project, lang="zh")
    else:
        model = site_scene(project, lang="zh", name="测试选址", **SITE)
    with matplotlib.rc_context(fonts.rc_params()):
        info = render(model, "A4", "landscape", None).townsgis
    pdf = tmp_path_factory.mktemp("pdf") / f"{request.param}.pdf"
    pdf.write_bytes(figure_bytes(model, "pdf"))
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext missing: apt-get install poppler-utils"
    text = subprocess.run(
        [tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return model, info, text


def test_every_number_drawn_is_listed_in_the_panel(sheet):
    model, info, text = sheet
    lines = [ln.strip() for ln in text.splitlines()]
    listed = {int(m.group(1)) for ln in lines if (m := re.match(r"(\d+)\. ", ln))}
    assert info.numbers_drawn <= listed, (info.numbers_drawn, listed)
    assert info.findings_listed == len(model.findings)  # the bundled list fits whole
    if model.kind == "layout":
        assert info.numbers_drawn  # the sample has findings drawn on the map
        for n in info.numbers_drawn:  # and the number is on the map, in a label or marker
            # a town's "[n]", a marker "n" / "2,n", a spacing line's "n：3.99 km"
            pat = rf"\[{n}\]|^{n}$|^{n}：|\[(\d+,)*{n}(,\d+)*\]"
            assert re.search(pat, text, re.M), n


def test_no_snake_case_identifier_on_the_chinese_sheet(sheet):
    _, _, text = sheet
    assert not SNAKE.findall(text), SNAKE.findall(text)


def test_no_closing_bracket_alone_on_a_line(sheet):
    _, _, text = sheet
    alone = [ln for ln in text.splitlines() if ln.strip() and set(ln.strip()) <= set("）)]】」")]
    assert not alone


def test_labels_avoid_symbols_and_each_other():
    """On the bundled layout sheet no two labels overlap, and no label covers a town."""
    import numpy as np

    model = layout_scene(Project.open(None), lang="zh")
    with matplotlib.rc_context(fonts.rc_params()):
        fig = render(model, "A4", "landscape", 100)
    info = fig.townsgis
    boxes = [p.box for p in info.placed_labels]
    assert len(boxes) >= 14
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]), (a, b)
    ax = fig.axes[0]
    towns = np.array([f.geometry.bounds for f in model.layer("towns").features])
    lo, hi = ax.transData.transform(towns[:, :2]), ax.transData.transform(towns[:, 2:])
    for x0, y0, x1, y1 in boxes:
        for (tx0, ty0), (tx1, ty1) in zip(lo, hi, strict=True):
            assert not (x0 < tx1 and x1 > tx0 and y0 < ty1 and y1 > ty0)
