"""Finding numbers on paper agree with the web map and with the sheet's own list: a number
drawn on the map is listed in the panel, the list is 1..n without gaps, a shorter list says
so, and number N is the same finding on the web map and on paper."""

from __future__ import annotations

import re

import matplotlib
import pytest
from printmap_fixtures import fixture_frames, make_scene

from townsgis.findings import Finding, Severity
from townsgis.mapmodel.text import t
from townsgis.printmap import fonts
from townsgis.printmap.render import render

NUM = re.compile(r"^(\d+)\. ")


def _render(scene):
    with matplotlib.rc_context(fonts.rc_params()):
        return render(scene, "A4", "landscape", 40)


def _listed(fig) -> list[int]:
    return [int(m.group(1)) for tx in fig.texts if (m := NUM.match(tx.get_text()))]


def _many(n: int) -> list[Finding]:
    _, towns, _ = fixture_frames()
    names = ["湖州丝绸小镇", "南浔善琏湖笔小镇", "德清地理信息小镇", "安吉天使小镇"]
    return [
        Finding(
            rule="HZ-SCENIC",
            clause="§3.4.3",
            severity=Severity.WARNING,
            towns=[{"id": f"T{i % 4 + 1}", "name_zh": names[i % 4]}],
            message_zh=f"{names[i % 4]}：每个小镇建成3A级景区，现为景区等级“无”，"
            f"要求景区等级不低于3A级（第{i}条）",
            message_en=f"{names[i % 4]}: every town a 3A scenic area; now none (item {i})",
            geometry=towns.geometry.iloc[i % 4],
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(("n", "all_listed"), [(19, True), (80, False)])
def test_numbers_drawn_are_listed(n, all_listed):
    fig = _render(make_scene(findings=_many(n)))
    info = fig.townsgis
    listed = _listed(fig)
    assert listed == list(range(1, len(listed) + 1))  # in order, no gaps
    assert info.numbers_drawn <= set(listed)
    assert info.findings_listed == len(listed)
    text = fonts.figure_text(fig)
    if all_listed:  # 19 findings fit once each is cut to one line (the list says so)
        assert len(listed) == n and set(range(1, n + 1)) == info.numbers_drawn
        assert t("zh", "findings_clipped") in text
    else:  # a cut list says how many it leaves out
        assert len(listed) < n
        assert t("zh", "more", n=n - len(listed)) in text.replace("\n", "")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_number_n_is_the_same_finding_on_web_and_paper(lang):
    from townsgis.mapmodel.layout import load_layout_model
    from townsgis.printmap.scenes import layout_scene
    from townsgis.project import Project

    web = load_layout_model(Project.open(None), lang=lang)
    paper = layout_scene(Project.open(None), lang=lang)
    w = {it.number: (it.finding.rule, it.finding.message(lang)) for it in web.findings}
    p = {it.number: (it.finding.rule, it.finding.message(lang)) for it in paper.findings}
    assert w == p and len(p) >= 10
    fig = _render(paper)
    listed = _listed(fig)
    assert fig.townsgis.numbers_drawn <= set(listed)
    lines = {int(NUM.match(x.get_text()).group(1)): x.get_text() for x in fig.texts
             if NUM.match(x.get_text())}  # fmt: skip
    for n, line in lines.items():  # the line numbered N is about web finding N
        assert line.startswith(f"{n}. ")
        full = next(it for it in web.findings if it.number == n).line()
        assert full.startswith(line.rstrip("…").rstrip()), (line, full)
