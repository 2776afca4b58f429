"""How findings show on the print map: a town's finding numbers go into its label, lines and
local areas are drawn with a numbered marker, city-wide findings are listed only, and every
number drawn is one the panel lists (issue 9)."""

from __future__ import annotations

import matplotlib
import shapely
from printmap_fixtures import fixture_frames, make_scene

from townsgis.findings import Finding, Severity
from townsgis.printmap import fonts
from townsgis.printmap.render import render


def _finding(geometry, towns=(), rule="R", clause="§3.1.3", waived=False):
    return Finding(
        rule=rule,
        clause=clause,
        severity=Severity.ERROR,
        towns=[{"id": t, "name_zh": t} for t in towns],
        message_zh="问题",
        message_en="problem",
        geometry=geometry,
        waived=waived,
    )


def _render(scene, dpi=40):
    with matplotlib.rc_context(fonts.rc_params()):
        return render(scene, "A4", "landscape", dpi)


def test_placements_and_numbers_on_the_map():
    units, towns, _ = fixture_frames()
    city = units.union_all()
    findings = [
        _finding(city, rule="MIX"),  # city-wide: listed only
        _finding(towns.geometry.iloc[0], towns=["T1"]),  # one town: in its label
        _finding(shapely.LineString([towns.geometry.iloc[2].centroid,
                                     towns.geometry.iloc[3].centroid]), towns=["T3", "T4"]),
        _finding(units.geometry.iloc[0], towns=["T1", "T3"], clause="§3.1.1c"),  # a unit
        _finding(None, rule="COUNT", clause="§3.1.1a"),  # no location: listed
    ]  # fmt: skip
    scene = make_scene(findings=findings)
    got = {it.finding.rule + it.finding.clause: (it.number, it.placement) for it in scene.findings}
    assert got["MIX§3.1.3"][1] == "listed" and got["COUNT§3.1.1a"][1] == "listed"
    fig = _render(scene)
    from matplotlib.text import Text

    texts = {t.get_text() for t in fig.findobj(Text)}
    town = next(it for it in scene.findings if it.placement == "town")
    unit = next(it for it in scene.findings if it.placement == "unit")
    assert f"湖州丝绸小镇 [{town.number}]" in texts
    assert f"西区 [{unit.number}]" in texts
    info = fig.townsgis
    assert info.findings_listed == len(scene.findings)
    listed = {it.number for it in scene.findings}
    drawn = {it.number for it in scene.findings if it.placement != "listed"}
    assert info.numbers_drawn == drawn and drawn <= listed


def test_numbering_stops_where_the_list_stops():
    units, towns, _ = fixture_frames()
    t1 = towns.geometry.iloc[0]
    many = [_finding(t1.buffer(-50 * i), towns=["T1"], rule=f"R{i}") for i in range(60)]
    scene = make_scene(findings=many)
    fig = _render(scene)
    info = fig.townsgis
    assert 0 < info.findings_listed < 60  # the panel cannot hold 60
    assert info.numbers_drawn and max(info.numbers_drawn) <= info.findings_listed
    text = fonts.figure_text(fig)
    assert f"另有 {60 - info.findings_listed} 条未列出" in text


def test_waived_finding_has_its_own_style_and_legend_entry():
    _, towns, _ = fixture_frames()
    line = shapely.LineString([towns.geometry.iloc[2].centroid, towns.geometry.iloc[3].centroid])
    scene = make_scene(findings=[_finding(line, towns=["T3", "T4"], waived=True)])
    drawn = scene.layer("findings").features[0]
    assert drawn.style.stroke != "#d7191c" and drawn.style.dash
    text = fonts.figure_text(_render(scene))
    assert "已豁免" in text
